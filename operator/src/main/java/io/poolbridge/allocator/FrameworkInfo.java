package io.poolbridge.allocator;

import java.time.Duration;
import java.util.Objects;

/**
 * A framework: one consumer of offers, in one role.
 *
 * @param id unique name, without '/'
 * @param role the role path the framework belongs to, e.g. {@code eng/analytics}
 * @param revocable whether it accepts revocable (borrowed) capacity
 * @param refuse how long a declined offer, or the unused part of an accepted one, is filtered for
 *     the framework on that agent (Mesos' refuse_seconds; 5 s by default)
 * @param minAllocatable the smallest offer worth making, or {@code null} for any
 * @param offerTimeout how long an offer may stay unanswered before it is rescinded (Mesos'
 *     offer_timeout, per framework), positive; {@code null} for the allocator's default
 *     ({@link AllocatorConfig#offerTimeout()})
 */
public record FrameworkInfo(
    String id, String role, boolean revocable, Duration refuse, Resources minAllocatable, Duration offerTimeout) {
  /** Mesos' default refuse_seconds. */
  public static final Duration DEFAULT_REFUSE = Duration.ofSeconds(5);

  public FrameworkInfo {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty() || id.contains("/")) {
      throw new IllegalArgumentException("framework id must be non-empty and contain no '/': " + id);
    }
    RolePaths.requireValid(role);
    refuse = refuse == null ? DEFAULT_REFUSE : refuse;
    if (refuse.isNegative()) {
      throw new IllegalArgumentException("refuse must not be negative: " + refuse);
    }
    if (offerTimeout != null && (offerTimeout.isNegative() || offerTimeout.isZero())) {
      throw new IllegalArgumentException("offer timeout must be positive: " + offerTimeout);
    }
  }

  /** A framework whose offers time out after the allocator's default. */
  public FrameworkInfo(String id, String role, boolean revocable, Duration refuse, Resources minAllocatable) {
    this(id, role, revocable, refuse, minAllocatable, null);
  }

  /** A framework with default offer settings that does not take revocable capacity. */
  public static FrameworkInfo of(String id, String role) {
    return new FrameworkInfo(id, role, false, DEFAULT_REFUSE, null, null);
  }
}
