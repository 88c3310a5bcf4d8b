package io.poolbridge.scheduler;

import java.util.Objects;

/**
 * Why an instance is not placed, in words a person can act on.
 *
 * @param code the kind of obstacle; {@link Code#condition()} is its Kubernetes condition reason
 * @param message e.g. {@code Insufficient cpu in pools ams-metal,fra-metal}
 */
public record Reason(Code code, String message) {
  public Reason {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** The kinds of obstacle. */
  public enum Code {
    /** The framework received no offer: suppressed, filtered, or the estate is full for it. */
    NO_OFFERS("NoOffers"),
    /** The quota limit of the framework's role (or an ancestor's) leaves no room. */
    ROLE_LIMIT("RoleLimitReached"),
    /** Nodes allowed by the constraints were offered, but none with enough of some resource. */
    INSUFFICIENT_RESOURCES("InsufficientResources"),
    /** No offered node satisfies a placement constraint. */
    CONSTRAINT("ConstraintUnsatisfied"),
    /** Only revocable capacity was offered and the workload does not accept it. */
    REVOCABLE_ONLY("OnlyRevocableOffers"),
    /** A gang workload waits until all its instances fit at once. */
    GANG("WaitingForGang"),
    /** The instance was evicted to make room for a more important one and waits to be placed again. */
    PREEMPTED("Preempted");

    private final String condition;

    Code(String condition) {
      this.condition = condition;
    }

    /** The CamelCase reason of a Kubernetes condition. */
    public String condition() {
      return condition;
    }
  }

  @Override
  public String toString() {
    return message;
  }
}
