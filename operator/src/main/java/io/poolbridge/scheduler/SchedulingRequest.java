package io.poolbridge.scheduler;

import java.util.List;
import java.util.Objects;

/**
 * One framework's scheduling call.
 *
 * @param frameworkId the framework
 * @param limitedRole the role (the framework's or an ancestor) whose quota limit leaves no room for
 *     any pending instance, or {@code null}; it names the reason of instances left unplaced
 * @param offers the framework's outstanding offers
 * @param demands its workloads' pending instances
 * @param placed its workloads' instances already running (constraints count them)
 */
public record SchedulingRequest(
    String frameworkId, String limitedRole, List<NodeOffer> offers, List<WorkloadDemand> demands, List<PlacedInstance> placed) {
  public SchedulingRequest {
    Objects.requireNonNull(frameworkId, "frameworkId");
    offers = List.copyOf(offers);
    demands = List.copyOf(demands);
    placed = List.copyOf(placed);
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
}
