package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/** What the operator observed of a pool: per-node and total capacity, allocation and health. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourcePoolStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
    Long observedGeneration,
    @JsonPropertyDescription("Standard conditions: Ready (nodes discovered and offered), SourceReachable (the remote cluster of the kubeconfig Secret answers; reasons SecretNotFound, KeyNotFound, InvalidKubeconfig, Unreachable), Degraded (some nodes not ready or in maintenance, or the source unreachable).")
    @SchemaFrom(type = SchemaOnly.Condition[].class) List<Condition> conditions,
    @JsonPropertyDescription("Number of nodes in the pool.")
    Integer nodeCount,
    @JsonPropertyDescription("Number of nodes that are ready and not under maintenance.")
    Integer readyNodes,
    @JsonPropertyDescription("CPU allocated / total, for display, e.g. 12/48.")
    String cpu,
    @JsonPropertyDescription("Memory allocated / total, for display, e.g. 96Gi/384Gi.")
    String memory,
    @JsonPropertyDescription("Total capacity of all the pool's nodes, whatever their state (ready or not, under maintenance or not).")
    Map<String, Quantity> capacity,
    @JsonPropertyDescription("Capacity allocated to instances and leases.")
    Map<String, Quantity> allocated,
    @JsonPropertyDescription("Capacity still free on the nodes that can take new work (ready and not under maintenance); less than capacity minus allocated while some nodes are out of service.")
    Map<String, Quantity> available,
    @JsonPropertyDescription("The pool's nodes, at most 1,000 entries and about 512 KiB: every node when the pool is within both; otherwise the nodes not ready or not Active first, then those in use, then idle ones, listed in name order. nodeCount counts every node; the Ready condition says how many are listed.")
    List<NodeStatus> nodes) {

  /** The state of one node of the pool. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NodeStatus(
      @JsonPropertyDescription("Node name.")
      String name,
      @JsonPropertyDescription("Address of the node, when known.")
      String address,
      @JsonPropertyDescription("Zone of the node.")
      String zone,
      @JsonPropertyDescription("Whether the node is healthy (the Ready condition for Kubernetes nodes).")
      Boolean ready,
      @JsonPropertyDescription("Active, Draining (no new offers, instances moving away: ahead of a maintenance window, or its pool deleted), Maintenance (window open) or Down.")
      NodeState state,
      @JsonPropertyDescription("Capacity of the node.")
      Map<String, Quantity> capacity,
      @JsonPropertyDescription("Capacity allocated on the node.")
      Map<String, Quantity> allocated,
      @JsonPropertyDescription("Capacity still free on the node.")
      Map<String, Quantity> available,
      @JsonPropertyDescription("Framework the whole node is leased to by a NodeLease workload, if any.")
      String leasedTo,
      @JsonPropertyDescription("The maintenance window that makes the node Draining or Maintenance: its reason and start, e.g. 'Replace a failed NVMe drive; window from 2026-12-05T22:00:00Z to 2026-12-06T04:00:00Z'.")
      String maintenance) {}

  /** Lifecycle of a pool node as the allocator sees it. */
  public enum NodeState {
    Active,
    Draining,
    Maintenance,
    Down
  }
}
