package io.poolbridge.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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

  /** The condition GitOps tools and people read first: True when reconciled and healthy. */
  public static final String READY = "Ready";
  /** kstatus' in-progress condition (abnormal-true): the operator works toward the spec. */
  public static final String RECONCILING = "Reconciling";
  /** kstatus' failed condition (abnormal-true): no progress without a change by someone. */
  public static final String STALLED = "Stalled";

  /**
   * Where a resource stands as GitOps tools read it (kstatus: Flux, {@code kubectl wait}, the
   * Argo CD health checks in {@code helm/poolbridge/argocd/}): done and healthy, being worked on, or
   * stuck until someone changes something. The reason and message say why, in the words of the
   * resource's own condition it is derived from.
   */
  public record Health(State state, String reason, String message) {
    public enum State {
      /** Reconciled and healthy: kstatus {@code Current}. */
      CURRENT,
      /** The operator works toward the spec: kstatus {@code InProgress}. */
      RECONCILING,
      /** It cannot progress without a change: kstatus {@code Failed}. */
      STALLED
    }

    public Health {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    public static Health current(String reason, String message) {
      return new Health(State.CURRENT, reason, message);
    }

    public static Health reconciling(String reason, String message) {
      return new Health(State.RECONCILING, reason, message);
    }

    public static Health stalled(String reason, String message) {
      return new Health(State.STALLED, reason, message);
    }
  }

  /**
   * {@code conditions} with the three conditions of the kstatus conventions derived from {@code
   * health}: {@code Ready} first ({@code True} only when {@link Health.State#CURRENT}), the
   * resource's own conditions (any {@code Ready}, {@code Reconciling} or {@code Stalled} among them
   * left out), then {@code Reconciling} and {@code Stalled} (each {@code True} in its state, else
   * {@code False}), all with {@code observedGeneration}. Exactly one of {@code Ready=True}, {@code
   * Reconciling=True}, {@code Stalled=True} holds.
   *
   * @param previous the conditions the resource has now, or {@code null}
   */
  public List<Condition> withHealth(List<Condition> previous, Long generation, List<Condition> conditions, Health health) {
    String gen = generation == null ? "" : " " + generation;
    List<Condition> out = new ArrayList<>();
    out.add(condition(previous, generation, READY, health.state() == Health.State.CURRENT, health.reason(), health.message()));
    for (Condition c : conditions) {
      if (!HEALTH_TYPES.contains(c.getType())) {
        out.add(c);
      }
    }
    switch (health.state()) {
      case CURRENT -> {
        out.add(condition(previous, generation, RECONCILING, false, "Reconciled", "Generation" + gen + " is carried out"));
        out.add(condition(previous, generation, STALLED, false, "Reconciled", "Generation" + gen + " is carried out"));
      }
      case RECONCILING -> {
        out.add(condition(previous, generation, RECONCILING, true, health.reason(), health.message()));
        out.add(condition(previous, generation, STALLED, false, "Progressing", "The operator is working on it (see Reconciling)"));
      }
      case STALLED -> {
        out.add(condition(previous, generation, RECONCILING, false, "Stalled", "Nothing is in progress (see Stalled)"));
        out.add(condition(previous, generation, STALLED, true, health.reason(), health.message()));
      }
    }
    return out;
  }

  /** The condition types {@link #withHealth} writes. */
  public static final Set<String> HEALTH_TYPES = Set.of(READY, RECONCILING, STALLED);

  /** The condition of {@code type} among {@code conditions}, or {@code null}. */
  public static Condition find(List<Condition> conditions, String type) {
    if (conditions != null) {
      for (Condition c : conditions) {
        if (type.equals(c.getType())) {
          return c;
        }
      }
    }
    return null;
  }
}
