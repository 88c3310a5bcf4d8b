package io.poolbridge.scheduler;

import io.poolbridge.allocator.Resources;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One framework's scheduling call.
 *
 * @param frameworkId the framework
 * @param limitedRole the role (the framework's or an ancestor) whose quota limit leaves no room for
 *     any pending instance, or {@code null}; it names the reason of instances left unplaced
 * @param offers the framework's outstanding offers
 * @param demands its workloads' pending instances
 * @param placed its workloads' instances already running (constraints count them)
 * @param capacity what the framework could be offered if nothing else held it: per agent that
 *     takes new work, the capacity that no placement uses and no other role's reservation keeps,
 *     as synthetic offers (their ids are not the allocator's); {@code null} when not known. It
 *     decides whether a gang can complete (and so may hold the offers it gathered) and where a
 *     {@code CLUSTER} without a value has room for the whole workload
 * @param holdDenied gang workloads that held offers for as long as they may: their offers are
 *     declined with the framework's refuse filter this time
 * @param limitRoom what the framework's role and its ancestors may still take under their limits
 *     ({@link Long#MAX_VALUE} where unlimited); {@code null} when no limit applies or it is not
 *     known. A gang whose instances together exceed it cannot complete
 */
public record SchedulingRequest(
    String frameworkId,
    String limitedRole,
    List<NodeOffer> offers,
    List<WorkloadDemand> demands,
    List<PlacedInstance> placed,
    List<NodeOffer> capacity,
    Set<String> holdDenied,
    Resources limitRoom) {
  public SchedulingRequest {
    Objects.requireNonNull(frameworkId, "frameworkId");
    offers = List.copyOf(offers);
    demands = List.copyOf(demands);
    placed = List.copyOf(placed);
    capacity = capacity == null ? null : List.copyOf(capacity);
    holdDenied = holdDenied == null ? Set.of() : Set.copyOf(holdDenied);
    for (NodeOffer o : offers) {
      if (!o.offer().frameworkId().equals(frameworkId)) {
        throw new IllegalArgumentException("offer " + o.offer().id() + " belongs to " + o.offer().frameworkId());
      }
    }
    for (WorkloadDemand d : demands) {
      if (!d.frameworkId().equals(frameworkId)) {
        throw new IllegalArgumentException("workload " + d.key() + " uses framework " + d.frameworkId());
      }
    }
  }

  /** A call that knows nothing of the estate beyond the offers. */
  public SchedulingRequest(
      String frameworkId, String limitedRole, List<NodeOffer> offers, List<WorkloadDemand> demands, List<PlacedInstance> placed) {
    this(frameworkId, limitedRole, offers, demands, placed, null, Set.of(), null);
  }
}
