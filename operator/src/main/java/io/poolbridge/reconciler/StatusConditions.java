package io.poolbridge.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Conditions and timestamps as every status factory writes them: RFC 3339 to the second, from an
 * injected {@link Clock}, and a condition's {@code lastTransitionTime} kept from the previous
 * status while its status does not change, so an unchanged resource gives an equal status.
 */
public final class StatusConditions {
  private final Clock clock;

  public StatusConditions(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Now, RFC 3339, to the second. */
  /** {@code at} as a status timestamp: RFC 3339, in whole seconds, UTC. */
  public static String format(Instant at) {
    return DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
  }

  public String now() {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
  }

  /**
   * A condition of {@code type}, dated by the previous one of that type when it had the same
   * status, else now.
   *
   * @param previous the conditions the resource has now, or {@code null}
   */
  public Condition condition(List<Condition> previous, Long generation, String type, boolean status, String reason,
      String message) {
    String value = status ? "True" : "False";
    String since = now();
    if (previous != null) {
      for (Condition c : previous) {
        if (type.equals(c.getType()) && value.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
          since = c.getLastTransitionTime();
        }
      }
    }
    return new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime(since).build();
  }
}
