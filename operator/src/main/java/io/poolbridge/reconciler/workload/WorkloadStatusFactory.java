package io.poolbridge.reconciler.workload;

import io.fabric8.kubernetes.api.model.Condition;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.Phase;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.Exit;
import io.poolbridge.engine.InstanceLife;
import io.poolbridge.engine.JobLife;
import io.poolbridge.estate.Refusal;
import io.poolbridge.estate.ResourceUnits;
import io.poolbridge.estate.Workloads;
import io.poolbridge.reconciler.StatusConditions;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Unplaced;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Workload's status from what the engine knows of it: the record of its placements (written
 * before anything is materialized for them) and its conditions. Pure: the same workload, view,
 * previous status and clock give the same status, so a reconciler writes only when something
 * changed. Timestamps ({@code since}, {@code lastTransitionTime}) move only when what they date
 * changes.
 *
 * <p>Size: the status must stay far below etcd's object limit at the most instances a Workload may
 * have, so an instance lists its resources only when they differ from what the spec asks for
 * (written once, as {@code status.resources}); reasons are cut to {@link #MAX_REASON_BYTES},
 * condition messages to {@link #MAX_MESSAGE_BYTES}, prices above 10^12 written in five significant
 * digits.
 *
 * <p>Conditions: {@code Admitted} (the operator admitted the Workload: its namespace is allowed by
 * its Framework, every resource it asks for is offered; else {@code False} with the refusal's
 * reason, and nothing is allocated) and {@code Placed} ({@code True} when every instance is placed;
 * else {@code False} with the reason the first pending instance waits, as {@code simulate} names
 * it). {@code Ready}, {@code Reconciling} and {@code Stalled} follow the kstatus conventions,
 * derived from those ({@link #withHealth}).
 */
public final class WorkloadStatusFactory {
  static final String ADMITTED = "Admitted";
  static final String PLACED = "Placed";
  /** Written once an instance kept failing: {@code False} with reason {@code CrashLoopBackOff} while one does. */
  static final String HEALTHY = "Healthy";
  /** A Job that succeeded: Kubernetes Job's condition. */
  static final String COMPLETE = "Complete";
  /** A Job that failed: Kubernetes Job's condition. */
  static final String FAILED = "Failed";
  /** The note of a Pod whose container the kubelet holds in crash-loop back-off. */
  public static final String CRASH_LOOP = "CrashLoopBackOff";
  static final String MATERIALIZED = "Materialized";
  /** The reason of {@code Placed=False} when the Workload's schedule is suspended. */
  static final String SUSPENDED = "Suspended";

  /**
   * The most UTF-8 bytes of an instance's {@code reason}: a longer one (a refusal or constraint
   * naming long values) is cut on a character boundary and ends with an ellipsis, so that the
   * record of {@code instances} entries stays provably small ({@code WorkloadStatusSizeTest}).
   */
  public static final int MAX_REASON_BYTES = 256;

  /** The most UTF-8 bytes of a condition's {@code message} (the schema allows 32768), cut as reasons are. */
  public static final int MAX_MESSAGE_BYTES = 1024;

  /** The most UTF-8 bytes of {@code status.rollout.message} (the schema allows 512 characters). */
  static final int MAX_ROLLOUT_MESSAGE_BYTES = 512;

  private final StatusConditions conditions;

  public WorkloadStatusFactory(Clock clock) {
    this.conditions = new StatusConditions(clock);
  }

  /**
   * How a placed instance is doing, as its Pod (or, on a static machine, its placement) shows.
   *
   * @param ready whether it is ready
   * @param note what is wrong, when something is ({@code CrashLoopBackOff: container app restarted 5
   *     times}), or {@code null}
   */
  public record Health(boolean ready, String note) {
    public static final Health READY = new Health(true, null);
  }

  /** The status of an admitted workload from the engine's view of it, its instances' health unknown. */
  public WorkloadStatus of(Workload workload, EngineSnapshot.WorkloadView view, Function<String, String> currencyOfPool,
      WorkloadStatus previous) {
    return of(workload, view, currencyOfPool, previous, null);
  }

  /**
   * The status of an admitted workload from the engine's view of it.
   *
   * @param currencyOfPool the currency a pool's prices are in ({@code null} when it has none)
   * @param previous the status the workload has now, or {@code null}
   * @param health how each placed instance (by its cluster-wide id) is doing, {@code null} for one
   *     whose health is not known; a {@code null} function when none is known (no {@code ready}
   *     figures are written then)
   */
  public WorkloadStatus of(Workload workload, EngineSnapshot.WorkloadView view, Function<String, String> currencyOfPool,
      WorkloadStatus previous, Function<String, Health> health) {
    String now = conditions.now();
    Map<String, InstanceStatus> before = byId(previous);
    Map<String, InstanceStatus> instances = new LinkedHashMap<>();
    Map<String, Long> asked = amounts(workload);
    boolean anyHoldsAsked = false;
    int ready = 0;
    List<String> crashLooping = new ArrayList<>();
    String revision = WorkloadRollouts.rollsOut(workload.getSpec()) ? WorkloadRevision.of(workload.getSpec()) : null;
    String lastRevision = previous == null || previous.rollout() == null ? null : previous.rollout().revision();
    for (EngineSnapshot.Placed p : view.placed()) {
      Assignment a = p.assignment();
      String id = Workloads.displayName(a.instanceId());
      InstanceStatus old = before.get(id);
      String node = a.agentId().substring(a.agentId().indexOf('/') + 1);
      InstanceLife life = view.life(a.instanceId());
      Integer restarts = life.restarts() > 0 ? life.restarts() : null;
      String drainingNote = view.draining().get(a.instanceId());
      InstanceState state = drainingNote == null ? InstanceState.Placed : InstanceState.Draining;
      boolean same = old != null && old.state() == state && node.equals(old.node()) && a.pool().equals(old.pool())
          && java.util.Objects.equals(old.restarts(), restarts);
      boolean holdsAsked = a.resources().asMap().equals(asked);
      anyHoldsAsked |= holdsAsked;
      Health h = health == null ? null : health.apply(a.instanceId());
      if (h != null && h.ready()) {
        ready++;
      }
      String note = h == null ? null : h.note();
      if (note != null && note.startsWith(CRASH_LOOP)) {
        crashLooping.add(id + ": " + note);
      }
      if (drainingNote != null) {
        note = note == null ? drainingNote : drainingNote + "; " + note;
      }
      // A new placement (not committed yet: this status records it first) gets a Pod from the current
      // template: the current revision. One that goes on keeps its own; one recorded before revisions
      // were, the one its status last rolled out (or, without one, the current: an upgraded operator
      // replaces nothing).
      String placedAt = revision == null ? null
          : !p.committed() ? revision
          : old != null && old.revision() != null ? old.revision()
          : lastRevision != null ? lastRevision : revision;
      instances.put(a.instanceId(), new InstanceStatus(id, node, a.pool(), holdsAsked ? null : ResourceUnits.toQuantities(a.resources()),
          state, a.revocable() ? Boolean.TRUE : null, same ? old.since() : now, cut(note, MAX_REASON_BYTES),
          cost(a, currencyOfPool), restarts, h == null ? null : h.ready(), null, placedAt,
          life.failuresInRow() > 0 ? life.failuresInRow() : null));
    }
    for (Unplaced u : view.pending()) {
      String id = Workloads.displayName(u.instanceId());
      InstanceStatus old = before.get(id);
      InstanceState state = u.reason().code() == io.poolbridge.scheduler.Reason.Code.PREEMPTED
          ? InstanceState.Preempted : InstanceState.Pending;
      boolean same = old != null && old.state() == state;
      InstanceLife life = view.life(u.instanceId());
      instances.put(u.instanceId(), new InstanceStatus(id, null, null, null, state, null, same ? old.since() : now,
          cut(u.reason().message(), MAX_REASON_BYTES), null, life.restarts() > 0 ? life.restarts() : null, null, null));
    }
    // Held back: backing off before a restart, or done.
    int done = 0;
    List<String> backingOff = new ArrayList<>();
    for (var e : view.lives().entrySet()) {
      if (instances.containsKey(e.getKey())) {
        continue;
      }
      InstanceLife life = e.getValue();
      String id = Workloads.displayName(e.getKey());
      String since = life.lastExitAt() == null ? now : StatusConditions.format(life.lastExitAt());
      if (life.done()) {
        done++;
        InstanceState state = life.lastExit() == Exit.SUCCEEDED ? InstanceState.Succeeded : InstanceState.Failed;
        instances.put(e.getKey(), new InstanceStatus(id, null, null, null, state, null, since, cut(life.message(), MAX_REASON_BYTES),
            null, life.restarts() > 0 ? life.restarts() : null, null, null));
      } else if (life.heldUntil() != null) {
        String retryAt = StatusConditions.format(life.heldUntil());
        String why = (life.lastExit() == Exit.SUCCEEDED ? Workloads.ENDED : Workloads.FAILED) + life.message();
        if (life.crashLooping()) {
          crashLooping.add(id + " failed " + life.failuresInRow() + " times in a row (" + life.message() + "); placed again at " + retryAt);
        } else {
          backingOff.add(id + " " + why);
        }
        instances.put(e.getKey(), new InstanceStatus(id, null, null, null, InstanceState.Failed, null, since, cut(why, MAX_REASON_BYTES),
            null, life.restarts() > 0 ? life.restarts() : null, null, retryAt, null,
            life.failuresInRow() > 0 ? life.failuresInRow() : null));
      }
    }
    // Instance order: the workload's own (ordinal) order, then a rollout's surge instances above it.
    List<InstanceStatus> ordered = new ArrayList<>();
    for (String id : Workloads.instanceIds(workload)) {
      InstanceStatus s = instances.remove(id);
      if (s != null) {
        ordered.add(s);
      }
    }
    instances.entrySet().stream()
        .sorted(java.util.Comparator.comparingInt((Map.Entry<String, InstanceStatus> e) -> Workloads.ordinal(e.getKey()))
            .thenComparing(Map.Entry::getKey))
        .forEach(e -> ordered.add(e.getValue()));
    int placed = view.placed().size();
    int total = view.instances();
    int active = total - done;
    JobLife job = view.job();
    Phase phase = job != null && job.phase() == JobLife.Phase.WAITING ? Phase.Waiting
        : job != null && job.phase() == JobLife.Phase.SUCCEEDED ? Phase.Succeeded
        : job != null && job.phase() == JobLife.Phase.FAILED ? Phase.Failed
        : placed == 0 && active > 0 ? Phase.Pending : placed < active ? Phase.Partial : Phase.Running;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(workload, previous, ADMITTED, true, "Admitted", "Admitted by framework " + workload.getSpec().framework()));
    if (job != null && job.phase() == JobLife.Phase.WAITING) {
      conditions.add(condition(workload, previous, PLACED, true, "WaitingForSchedule", "Nothing to place before the first scheduled run"));
    } else if (job != null && job.ended()) {
      conditions.add(condition(workload, previous, PLACED, true, "JobFinished", "Nothing more to place: " + job.message()));
    } else if (!view.pending().isEmpty()) {
      Unplaced first = view.pending().get(0);
      conditions.add(condition(workload, previous, PLACED, false, first.reason().code().condition(),
          view.pending().size() + " of " + total + " instances pending: " + first.reason().message()));
    } else if (!crashLooping.isEmpty() || !backingOff.isEmpty()) {
      String first = !crashLooping.isEmpty() ? crashLooping.get(0) : backingOff.get(0);
      conditions.add(condition(workload, previous, PLACED, false, "BackOff",
          (crashLooping.size() + backingOff.size()) + " of " + total + " instances backing off: " + first));
    } else {
      conditions.add(condition(workload, previous, PLACED, true, "AllPlaced", placed + " of " + active + " instances placed"));
    }
    boolean hadHealthy = previous != null && previous.conditions() != null
        && previous.conditions().stream().anyMatch(c -> HEALTHY.equals(c.getType()));
    if (!crashLooping.isEmpty()) {
      conditions.add(condition(workload, previous, HEALTHY, false, "CrashLoopBackOff",
          crashLooping.size() + " instance(s) keep failing: " + crashLooping.get(0)));
    } else if (hadHealthy) {
      conditions.add(condition(workload, previous, HEALTHY, true, "Recovered", "No instance keeps failing"));
    }
    if (job != null && job.ended()) {
      boolean ok = job.phase() == JobLife.Phase.SUCCEEDED;
      conditions.add(condition(workload, previous, ok ? COMPLETE : FAILED, true, job.reason(), job.message()));
    }
    WorkloadStatus.JobStatus jobStatus = job == null ? null : new WorkloadStatus.JobStatus(
        job.startedAt() == null ? null : StatusConditions.format(job.startedAt()),
        job.endedAt() == null ? null : StatusConditions.format(job.endedAt()), job.succeeded(), job.failures());
    WorkloadStatus.RolloutStatus rollout = null;
    if (revision != null) {
      io.poolbridge.engine.Rollout.Step step = WorkloadRollouts.step(workload, revision, ordered);
      rollout = new WorkloadStatus.RolloutStatus(revision, step.updated(), step.updatedReady(), step.total(),
          step.total() > step.desired() ? step.total() - step.desired() : null, step.complete(),
          cut(step.message(), MAX_ROLLOUT_MESSAGE_BYTES));
    }
    return new WorkloadStatus(workload.getMetadata().getGeneration(), phase, placed, ordered, withHealth(workload, conditions, previous),
        previous == null ? null : previous.lastScheduleTime(), anyHoldsAsked ? quantities(asked) : null,
        health == null ? null : ready, jobStatus, null, rollout);
  }

  /** The status of a workload the operator refuses: nothing is allocated, {@code Admitted=False} says why. */
  public WorkloadStatus refused(Workload workload, Refusal refusal, WorkloadStatus previous) {
    String now = conditions.now();
    Map<String, InstanceStatus> before = byId(previous);
    List<InstanceStatus> instances = new ArrayList<>();
    for (String instanceId : Workloads.instanceIds(workload)) {
      String id = Workloads.displayName(instanceId);
      InstanceStatus old = before.get(id);
      boolean same = old != null && old.state() == InstanceState.Pending;
      instances.add(new InstanceStatus(id, null, null, null, InstanceState.Pending, null, same ? old.since() : now,
          cut(refusal.message(), MAX_REASON_BYTES), null));
    }
    List<Condition> conditions = withHealth(workload, List.of(
        condition(workload, previous, ADMITTED, false, refusal.reason().name(), refusal.message()),
        condition(workload, previous, PLACED, false, "NotAdmitted", "Nothing is placed until the Workload is admitted")), previous);
    return new WorkloadStatus(workload.getMetadata().getGeneration(), Phase.Pending, 0, instances, conditions,
        previous == null ? null : previous.lastScheduleTime());
  }

  /**
   * {@code conditions} (the Workload's own: {@code Admitted}, {@code Placed}, {@code Materialized},
   * ...) with {@code Ready}, {@code Reconciling} and {@code Stalled} derived from them as the
   * kstatus conventions have them (see {@link #health}); whoever adds a condition to a Workload's
   * status after this factory calls this again on the whole list.
   *
   * @param previous the status the workload has now, or {@code null}
   */
  public List<Condition> withHealth(Workload workload, List<Condition> conditions, WorkloadStatus previous) {
    return this.conditions.withHealth(previous == null ? null : previous.conditions(), workload.getMetadata().getGeneration(),
        conditions, health(conditions));
  }

  /**
   * Where a Workload stands from its own conditions: stalled when it is not admitted ({@code
   * Admitted=False}: its Framework is missing or does not admit its namespace, it asks for a
   * resource no pool has...) or its placements cannot be carried out ({@code Materialized=False}),
   * both needing a change by someone; reconciling while instances wait to be placed ({@code
   * Placed=False}: the allocator places them as capacity frees); current when every instance is
   * placed, or its schedule is suspended (nothing to place, as the spec asks). A Job that failed
   * for good ({@code Failed=True}) and an instance that keeps failing ({@code Healthy=False},
   * CrashLoopBackOff) are stalled too: they need a change to run.
   */
  static StatusConditions.Health health(List<Condition> conditions) {
    Condition admitted = StatusConditions.find(conditions, ADMITTED);
    if (admitted != null && "False".equals(admitted.getStatus())) {
      return StatusConditions.Health.stalled(admitted.getReason(), admitted.getMessage());
    }
    Condition materialized = StatusConditions.find(conditions, MATERIALIZED);
    if (materialized != null && "False".equals(materialized.getStatus())) {
      return StatusConditions.Health.stalled(materialized.getReason(), materialized.getMessage());
    }
    Condition failed = StatusConditions.find(conditions, FAILED);
    if (failed != null && "True".equals(failed.getStatus())) {
      // A Job that failed for good (its retries or its deadline ran out) needs a change to run again.
      return StatusConditions.Health.stalled(failed.getReason(), failed.getMessage());
    }
    Condition healthy = StatusConditions.find(conditions, HEALTHY);
    if (healthy != null && "False".equals(healthy.getStatus())) {
      // Crash-looping: the operator keeps placing it again, but it needs a fix to run.
      return StatusConditions.Health.stalled(healthy.getReason(), healthy.getMessage());
    }
    Condition placed = StatusConditions.find(conditions, PLACED);
    if (placed == null) {
      return StatusConditions.Health.current("Reconciled", "The Workload is carried out");
    }
    if ("True".equals(placed.getStatus()) || SUSPENDED.equals(placed.getReason())) {
      return StatusConditions.Health.current(placed.getReason(), placed.getMessage());
    }
    return StatusConditions.Health.reconciling(placed.getReason(), placed.getMessage());
  }

  private Condition condition(Workload workload, WorkloadStatus previous, String type, boolean status, String reason,
      String message) {
    return conditions.condition(previous == null ? null : previous.conditions(), workload.getMetadata().getGeneration(),
        type, status, reason, cut(message, MAX_MESSAGE_BYTES));
  }

  /**
   * What the Workload asks for per instance, in base units by resource, zero amounts left out (as
   * {@code Resources.asMap} has them); empty when a quantity cannot be read (then every placed
   * instance lists its own resources).
   */
  private static Map<String, Long> amounts(Workload workload) {
    Map<String, Long> amounts = new LinkedHashMap<>();
    if (workload.getSpec() == null || workload.getSpec().resources() == null) {
      return amounts;
    }
    try {
      workload.getSpec().resources().forEach((name, q) -> {
        long base = ResourceUnits.toBase(name, q);
        if (base != 0) {
          amounts.put(name, base);
        }
      });
    } catch (IllegalArgumentException | ArithmeticException e) {
      return Map.of();
    }
    return amounts;
  }

  private static Map<String, io.fabric8.kubernetes.api.model.Quantity> quantities(Map<String, Long> amounts) {
    Map<String, io.fabric8.kubernetes.api.model.Quantity> q = new LinkedHashMap<>();
    amounts.forEach((name, base) -> q.put(name, ResourceUnits.toQuantity(name, base)));
    return q;
  }

  /**
   * {@code text} in at most {@code maxBytes} bytes of UTF-8: whole when it fits, else as many whole
   * characters (code points) as fit before an ellipsis.
   */
  static String cut(String text, int maxBytes) {
    if (text == null || text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
      return text;
    }
    int budget = maxBytes - ELLIPSIS.getBytes(StandardCharsets.UTF_8).length;
    int bytes = 0;
    int end = 0;
    while (end < text.length()) {
      int cp = text.codePointAt(end);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > budget) {
        break;
      }
      bytes += n;
      end += Character.charCount(cp);
    }
    return text.substring(0, end) + ELLIPSIS;
  }

  private static final String ELLIPSIS = "\u2026";

  private static Map<String, InstanceStatus> byId(WorkloadStatus previous) {
    Map<String, InstanceStatus> m = new HashMap<>();
    if (previous != null && previous.instances() != null) {
      previous.instances().forEach(i -> m.put(i.id(), i));
    }
    return m;
  }

  private static final BigDecimal PLAIN_PRICE_LIMIT = BigDecimal.TEN.pow(12);

  private static String cost(Assignment a, Function<String, String> currencyOfPool) {
    if (a.pricePerHour() == null) {
      return null;
    }
    if (!Double.isFinite(a.pricePerHour())) {
      return null;
    }
    String currency = currencyOfPool.apply(a.pool());
    BigDecimal price = BigDecimal.valueOf(a.pricePerHour());
    // Up to 10^12 to four places (at most 17 characters); above, five significant digits in
    // scientific notation ("3.2E+51"), not the fifty digits a price of a 32-digit unit price would take.
    String amount = price.compareTo(PLAIN_PRICE_LIMIT) < 0
        ? price.setScale(4, RoundingMode.HALF_UP).toPlainString()
        : price.round(new MathContext(5, RoundingMode.HALF_UP)).toString();
    return currency == null ? amount : amount + " " + currency;
  }

}
