package io.poolbridge.engine;

/** How an instance ended by itself: its process, or someone outside the engine, ended it. */
public enum Exit {
  /** It ran to completion (a Pod in phase {@code Succeeded}, or an External framework's report). */
  SUCCEEDED,
  /** It failed (a Pod in phase {@code Failed}, evicted by its kubelet, or an External framework's report). */
  FAILED,
  /**
   * It was removed from outside (its Pod deleted by someone other than the operator). A Service's
   * instance is replaced at once, without counting a failure; a Job's counts as a failed attempt, as
   * Kubernetes' Job controller counts a deleted Pod.
   */
  KILLED
}
