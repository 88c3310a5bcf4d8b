package io.poolbridge.scheduler;

/** What a workload runs. */
public enum WorkloadKind {
  /** Long-running instances kept at their count (Marathon). */
  SERVICE,
  /** Instances that run to completion (Chronos, Metronome). */
  JOB,
  /**
   * Whole nodes lent exclusively to a Kubernetes-cluster framework: an instance's resources are
   * the smallest node it accepts, and it takes every resource of the node it gets.
   */
  NODE_LEASE
}
