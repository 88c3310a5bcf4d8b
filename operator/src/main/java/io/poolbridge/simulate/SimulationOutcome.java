package io.poolbridge.simulate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * Where a simulation left the estate: the machine-readable report of {@code poolbridge simulate}
 * ({@code -o json}, {@code -o yaml}); the tables print the same data. Amounts are Kubernetes
 * quantities, shares are fractions of the pooled totals.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"seed", "at", "rounds", "stable", "pools", "frameworks", "workloads", "draining", "events", "warnings"})
public record SimulationOutcome(
    long seed,
    String at,
    int rounds,
    boolean stable,
    List<Pool> pools,
    List<FrameworkUse> frameworks,
    List<WorkloadPlacement> workloads,
    List<Drain> draining,
    List<String> events,
    List<String> warnings) {

  /**
   * A node drained ahead of a maintenance window at {@code at} (within its drainBefore): it takes no
   * new work; {@code moved} are the Services' instances placed elsewhere first ({@code web-0 -> node}),
   * {@code staying} those that run there until the window opens (Jobs, leases, gangs, or no room
   * elsewhere). Absent when no node is.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Drain(String pool, String node, String windowStart, String reason, List<String> moved, List<String> staying) {}

  /**
   * A pool's figures, as the ResourcePool status describes them: {@code nodes} counts every node,
   * {@code ready} those that can take new work (ready and no maintenance window open); {@code
   * capacity} totals every node whatever its state, {@code allocated} what instances, leases and
   * outstanding offers hold on them, and {@code available} what is still free on the nodes that
   * can take new work, so capacity minus allocated exceeds it while nodes are out of service.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Pool(
      String name,
      String provider,
      String region,
      int nodes,
      int ready,
      Map<String, String> capacity,
      Map<String, String> allocated,
      Map<String, String> available) {}

  /**
   * What a framework holds and how fair that is; {@code pendingInstances} counts every pending
   * instance of its workloads, those refused outright (namespace not allowed, resource no pool
   * offers, ...) included. {@code guaranteeShortOf} is what its role's guarantee is still short
   * of, by resource (absent when the guarantee is met).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FrameworkUse(
      String name,
      String type,
      String role,
      double weight,
      Map<String, String> allocated,
      double dominantShare,
      double weightedShare,
      boolean guaranteeMet,
      Map<String, String> guaranteeShortOf,
      int pendingInstances) {}

  /**
   * A workload's instances: where the placed ones run and why the others do not. {@code
   * costPerHour} sums the placed instances' prices per currency.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record WorkloadPlacement(
      String namespace,
      String name,
      String kind,
      String framework,
      int instances,
      int placed,
      Map<String, Double> costPerHour,
      List<Instance> placements,
      List<Pending> pending,
      NextRun nextRun) {

    /** A workload without a schedule. */
    public WorkloadPlacement(String namespace, String name, String kind, String framework, int instances, int placed,
        Map<String, Double> costPerHour, List<Instance> placements, List<Pending> pending) {
      this(namespace, name, kind, framework, instances, placed, costPerHour, placements, pending, null);
    }

    public String key() {
      return namespace + "/" + name;
    }
  }

  /** A placed instance; {@code costPerHour} in its pool's currency, e.g. {@code 0.2784 EUR}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Instance(
      String id, String node, String pool, String zone, Map<String, String> resources, boolean revocable, String costPerHour) {}

  /**
   * A scheduled Job's next run after the simulated time: {@code at} in UTC (RFC 3339), {@code local}
   * the same wall-clock time in the schedule's zone; both absent, with {@code note}, when it never
   * fires again or is suspended, or the schedule cannot be read.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NextRun(String schedule, String at, String local, String note) {}

  /** An instance without a node, and why: {@code reason} is a condition reason, {@code message} what to do about it. */
  public record Pending(String id, String reason, String message) {}
}
