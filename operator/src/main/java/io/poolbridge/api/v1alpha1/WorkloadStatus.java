package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * The record of a workload's placements. A placement is written here (with optimistic concurrency)
 * before anything is materialized for it, so that after a restart the allocator is rebuilt from
 * these entries.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
    Long observedGeneration,
    @JsonPropertyDescription("Pending (nothing placed yet), Partial (some instances placed), Running (all placed), Succeeded or Failed (Jobs), Suspended.")
    Phase phase,
    @JsonPropertyDescription("Number of instances placed on a node.")
    Integer placed,
    @JsonPropertyDescription("One entry per instance.")
    List<InstanceStatus> instances,
    @JsonPropertyDescription("Standard conditions: Admitted (the Framework exists and takes Workloads from this namespace; its reason says why not, e.g. NamespaceNotAllowed, FrameworkNotFound), Placed (all instances placed; its reason and message say why not), Materialized (only after a problem carrying out the placements: a namespace missing in a remote cluster, a template that cannot hold the allocation).")
    @SchemaFrom(type = SchemaOnly.Condition[].class) List<Condition> conditions,
    @JsonPropertyDescription("When a scheduled Job last started a run, RFC 3339.")
    String lastScheduleTime,
    @JsonPropertyDescription("Resources of each instance that lists none of its own: the Workload's spec.resources when this status was written. Absent in records written before it existed: spec.resources then.")
    Map<String, Quantity> resources) {

  /** A status without the instances' common resources (every instance lists its own, or none is placed). */
  public WorkloadStatus(Long observedGeneration, Phase phase, Integer placed, List<InstanceStatus> instances,
      List<Condition> conditions, String lastScheduleTime) {
    this(observedGeneration, phase, placed, instances, conditions, lastScheduleTime, null);
  }

  /** Phase of a workload. */
  public enum Phase {
    Pending,
    Partial,
    Running,
    Succeeded,
    Failed,
    Suspended
  }

  /** One instance and where it runs. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record InstanceStatus(
      @JsonPropertyDescription("Stable identifier of the instance, e.g. kafka-brokers-2.")
      String id,
      @JsonPropertyDescription("Node the instance is placed on.")
      String node,
      @JsonPropertyDescription("Pool of that node.")
      String pool,
      @JsonPropertyDescription("Resources allocated to the instance, when they differ from status.resources (it was placed before spec.resources changed, or it is a NodeLease holding a whole node); absent when it holds status.resources.")
      Map<String, Quantity> resources,
      @JsonPropertyDescription("Pending, Placed, Running, Succeeded, Failed, Lost (node gone), Preempted or Draining.")
      InstanceState state,
      @JsonPropertyDescription("Whether the instance runs on revocable (borrowed) capacity.")
      Boolean revocable,
      @JsonPropertyDescription("When the instance entered its state, RFC 3339.")
      String since,
      @JsonPropertyDescription("Why the instance is in its state, when not obvious (e.g. why it is still pending); at most 256 bytes, longer reasons cut with an ellipsis.")
      String reason,
      @JsonPropertyDescription("Price per hour of the instance's resources in its pool, in the pool's currency (e.g. \"0.2784 USD\"), when the pool sets a cost: placement prefers the cheapest feasible pool, comparing pools priced in different currencies only through exchange rates.")
      String costPerHour) {}

  /** State of one instance. */
  public enum InstanceState {
    Pending,
    Placed,
    Running,
    Succeeded,
    Failed,
    Lost,
    Preempted,
    Draining
  }
}
