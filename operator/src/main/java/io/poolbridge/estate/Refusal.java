package io.poolbridge.estate;

import java.util.Objects;

/**
 * Why a Workload is not placed at all: what the operator reports as the Workload's condition (and
 * {@code simulate} as the pending reason of each of its instances) instead of scheduling it.
 *
 * @param reason the condition reason, a stable code ({@link Reason#name()} is what users see)
 * @param message what is wrong and what to do about it, in words a user reads
 */
public record Refusal(Reason reason, String message) {
  /** The condition reasons of a refused Workload. */
  public enum Reason {
    /** A Workload is namespaced and has no namespace. */
    NamespaceMissing,
    /** Its {@code spec.framework} names no Framework. */
    FrameworkNotFound,
    /** Its Framework neither lists its namespace nor selects it by label. */
    NamespaceNotAllowed,
    /** A NodeLease through a Framework that is not of type KubernetesCluster. */
    NodeLeaseNeedsKubernetesCluster,
    /** It asks for a resource no node of any pool has. */
    ResourceNotOffered,
    /** Its {@code spec.schedule} cannot be read: a cron field out of range, an unknown time zone. */
    InvalidSchedule
  }

  public Refusal {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  /** The condition reason as users see it, e.g. {@code NamespaceNotAllowed}. */
  public String code() {
    return reason.name();
  }
}
