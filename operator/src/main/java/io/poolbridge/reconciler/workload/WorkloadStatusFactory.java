package io.poolbridge.reconciler.workload;

import io.fabric8.kubernetes.api.model.Condition;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.Phase;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.estate.Refusal;
import io.poolbridge.estate.ResourceUnits;
import io.poolbridge.estate.Workloads;
import io.poolbridge.reconciler.StatusConditions;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Unplaced;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
 * <p>Conditions: {@code Accepted} (the operator admitted the Workload: its namespace is allowed by
 * its Framework, every resource it asks for is offered; else {@code False} with the refusal's
 * reason, and nothing is allocated) and {@code Placed} ({@code True} when every instance is placed;
 * else {@code False} with the reason the first pending instance waits, as {@code simulate} names
 * it).
 */
public final class WorkloadStatusFactory {
  static final String ACCEPTED = "Accepted";
  static final String PLACED = "Placed";

  private final StatusConditions conditions;

  public WorkloadStatusFactory(Clock clock) {
    this.conditions = new StatusConditions(clock);
  }

  /**
   * The status of an admitted workload from the engine's view of it.
   *
   * @param currencyOfPool the currency a pool's prices are in ({@code null} when it has none)
   * @param previous the status the workload has now, or {@code null}
   */
  public WorkloadStatus of(Workload workload, EngineSnapshot.WorkloadView view, Function<String, String> currencyOfPool,
      WorkloadStatus previous) {
    String now = conditions.now();
    Map<String, InstanceStatus> before = byId(previous);
    Map<String, InstanceStatus> instances = new LinkedHashMap<>();
    for (EngineSnapshot.Placed p : view.placed()) {
      Assignment a = p.assignment();
      String id = Workloads.displayName(a.instanceId());
      InstanceStatus old = before.get(id);
      String node = a.agentId().substring(a.agentId().indexOf('/') + 1);
      boolean same = old != null && old.state() == InstanceState.Placed && node.equals(old.node()) && a.pool().equals(old.pool());
      instances.put(a.instanceId(), new InstanceStatus(id, node, a.pool(), ResourceUnits.toQuantities(a.resources()), InstanceState.Placed,
          a.revocable() ? Boolean.TRUE : null, same ? old.since() : now, null, cost(a, currencyOfPool)));
    }
    for (Unplaced u : view.pending()) {
      String id = Workloads.displayName(u.instanceId());
      InstanceStatus old = before.get(id);
      InstanceState state = u.reason().code() == io.poolbridge.scheduler.Reason.Code.PREEMPTED
          ? InstanceState.Preempted : InstanceState.Pending;
      boolean same = old != null && old.state() == state;
      instances.put(u.instanceId(), new InstanceStatus(id, null, null, null, state, null, same ? old.since() : now,
          u.reason().message(), null));
    }
    // Instance order: the workload's own (ordinal) order.
    List<InstanceStatus> ordered = new ArrayList<>();
    for (String id : Workloads.instanceIds(workload)) {
      InstanceStatus s = instances.get(id);
      if (s != null) {
        ordered.add(s);
      }
    }
    int placed = view.placed().size();
    int total = view.instances();
    Phase phase = placed == 0 && total > 0 ? Phase.Pending : placed < total ? Phase.Partial : Phase.Running;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(workload, previous, ACCEPTED, true, "Accepted", "Admitted by framework " + workload.getSpec().framework()));
    if (view.pending().isEmpty()) {
      conditions.add(condition(workload, previous, PLACED, true, "AllPlaced", placed + " of " + total + " instances placed"));
    } else {
      Unplaced first = view.pending().get(0);
      conditions.add(condition(workload, previous, PLACED, false, first.reason().code().condition(),
          view.pending().size() + " of " + total + " instances pending: " + first.reason().message()));
    }
    return new WorkloadStatus(workload.getMetadata().getGeneration(), phase, placed, ordered, conditions,
        previous == null ? null : previous.lastScheduleTime());
  }

  /** The status of a workload the operator refuses: nothing is allocated, {@code Accepted=False} says why. */
  public WorkloadStatus refused(Workload workload, Refusal refusal, WorkloadStatus previous) {
    String now = conditions.now();
    Map<String, InstanceStatus> before = byId(previous);
    List<InstanceStatus> instances = new ArrayList<>();
    for (String instanceId : Workloads.instanceIds(workload)) {
      String id = Workloads.displayName(instanceId);
      InstanceStatus old = before.get(id);
      boolean same = old != null && old.state() == InstanceState.Pending;
      instances.add(new InstanceStatus(id, null, null, null, InstanceState.Pending, null, same ? old.since() : now,
          refusal.message(), null));
    }
    List<Condition> conditions = List.of(
        condition(workload, previous, ACCEPTED, false, refusal.reason().name(), refusal.message()),
        condition(workload, previous, PLACED, false, "NotAccepted", "Nothing is placed until the Workload is accepted"));
    return new WorkloadStatus(workload.getMetadata().getGeneration(), Phase.Pending, 0, instances, conditions,
        previous == null ? null : previous.lastScheduleTime());
  }

  private Condition condition(Workload workload, WorkloadStatus previous, String type, boolean status, String reason,
      String message) {
    return conditions.condition(previous == null ? null : previous.conditions(), workload.getMetadata().getGeneration(),
        type, status, reason, message);
  }

  private static Map<String, InstanceStatus> byId(WorkloadStatus previous) {
    Map<String, InstanceStatus> m = new HashMap<>();
    if (previous != null && previous.instances() != null) {
      previous.instances().forEach(i -> m.put(i.id(), i));
    }
    return m;
  }

  private static String cost(Assignment a, Function<String, String> currencyOfPool) {
    if (a.pricePerHour() == null) {
      return null;
    }
    String currency = currencyOfPool.apply(a.pool());
    String amount = BigDecimal.valueOf(a.pricePerHour()).setScale(4, RoundingMode.HALF_UP).toPlainString();
    return currency == null ? amount : amount + " " + currency;
  }

}
