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
    @JsonPropertyDescription("Pending (nothing placed yet), Partial (some instances placed), Running (all placed), Succeeded or Failed (Jobs; for a scheduled Job, its last run), Suspended, Waiting (a scheduled Job before its first run).")
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
    Map<String, Quantity> resources,
    @JsonPropertyDescription("Number of placed instances that are ready: their Pod's Ready condition is True (instances on static machines: placed and not reported ended).")
    Integer ready,
    @JsonPropertyDescription("For Jobs: where the run stands.")
    JobStatus job,
    @JsonPropertyDescription("For scheduled Jobs: the next run, the runs missed, and the last runs.")
    ScheduleStatus schedule,
    @JsonPropertyDescription("For Services: the rollout of the last change of the template or the resources.")
    RolloutStatus rollout) {

  /** A status without a rollout. */
  public WorkloadStatus(Long observedGeneration, Phase phase, Integer placed, List<InstanceStatus> instances,
      List<Condition> conditions, String lastScheduleTime, Map<String, Quantity> resources, Integer ready, JobStatus job,
      ScheduleStatus schedule) {
    this(observedGeneration, phase, placed, instances, conditions, lastScheduleTime, resources, ready, job, schedule, null);
  }

  /** A status without a schedule's figures. */
  public WorkloadStatus(Long observedGeneration, Phase phase, Integer placed, List<InstanceStatus> instances,
      List<Condition> conditions, String lastScheduleTime, Map<String, Quantity> resources, Integer ready, JobStatus job) {
    this(observedGeneration, phase, placed, instances, conditions, lastScheduleTime, resources, ready, job, null, null);
  }

  /** A scheduled Job's runs: Metronome's run history, Kubernetes CronJob's figures. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ScheduleStatus(
      @JsonPropertyDescription("When the next run is due, RFC 3339; absent while suspended or when the schedule never fires again.")
      String nextScheduleTime,
      @JsonPropertyDescription("Scheduled runs missed between the last two runs and since the last one (the operator was down, startingDeadlineSeconds passed): they never start; at most 100, with missedMore beyond.")
      Integer missedRuns,
      @JsonPropertyDescription("Whether more than 100 runs were missed.")
      Boolean missedMore,
      @JsonPropertyDescription("The last runs, newest first, at most 10.")
      @io.fabric8.generator.annotation.Size(max = 10) List<RunStatus> runs) {}

  /** Where a Service's rollout stands: Kubernetes Deployment's figures. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RolloutStatus(
      @JsonPropertyDescription("The revision being rolled out: a hash of spec.template and spec.resources.")
      String revision,
      @JsonPropertyDescription("Instances placed at that revision.")
      Integer updated,
      @JsonPropertyDescription("Instances at that revision that are ready.")
      Integer updatedReady,
      @JsonPropertyDescription("Instances of the Workload, old and new (spec.instances, and any surge above it).")
      Integer total,
      @JsonPropertyDescription("Surge instances: new instances above spec.instances (named on from <name>-<instances>) that run while old ones are replaced, at most maxSurge; released once the rollout no longer needs them.")
      Integer surge,
      @JsonPropertyDescription("Whether every instance runs at the revision and is ready.")
      Boolean complete,
      @JsonPropertyDescription("What the rollout waits for, when it waits: an instance to become ready, room for a replacement (and why it cannot be placed).")
      @io.fabric8.generator.annotation.Size(max = 512) String message) {}

  /** One run of a scheduled Job. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RunStatus(
      @JsonPropertyDescription("The scheduled time it ran for, RFC 3339.")
      String scheduledTime,
      @JsonPropertyDescription("When it started, RFC 3339.")
      String startTime,
      @JsonPropertyDescription("When it ended, RFC 3339.")
      String completionTime,
      @JsonPropertyDescription("Running, Succeeded, Failed, or Replaced (stopped for a newer run, concurrencyPolicy Replace).")
      String result,
      @JsonPropertyDescription("Why it ended so, when it did not succeed.")
      String reason,
      @JsonPropertyDescription("The first of the run's instances, when runs overlap (concurrencyPolicy Allow): a run started while another goes on uses the next spec.instances instances (<name>-<instances> on), released when it ends.")
      String firstInstance) {
    /** A run of the instances {@code <name>-0} on. */
    public RunStatus(String scheduledTime, String startTime, String completionTime, String result, String reason) {
      this(scheduledTime, startTime, completionTime, result, reason, null);
    }
  }

  /** A status without the instances' common resources (every instance lists its own, or none is placed). */
  public WorkloadStatus(Long observedGeneration, Phase phase, Integer placed, List<InstanceStatus> instances,
      List<Condition> conditions, String lastScheduleTime) {
    this(observedGeneration, phase, placed, instances, conditions, lastScheduleTime, null, null, null, null, null);
  }

  /** A status without readiness and Job figures. */
  public WorkloadStatus(Long observedGeneration, Phase phase, Integer placed, List<InstanceStatus> instances,
      List<Condition> conditions, String lastScheduleTime, Map<String, Quantity> resources) {
    this(observedGeneration, phase, placed, instances, conditions, lastScheduleTime, resources, null, null, null, null);
  }

  /** A Job's run: Kubernetes Job's figures. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record JobStatus(
      @JsonPropertyDescription("When the run started (the operator took it in), RFC 3339: activeDeadlineSeconds counts from here.")
      String startTime,
      @JsonPropertyDescription("When the run succeeded or failed, RFC 3339.")
      String completionTime,
      @JsonPropertyDescription("Instances that ran to completion.")
      Integer succeeded,
      @JsonPropertyDescription("Failed attempts, counted against spec.job.backoffLimit.")
      Integer failed) {}

  /** Phase of a workload. */
  public enum Phase {
    Pending,
    Partial,
    Running,
    Succeeded,
    Failed,
    Suspended,
    /** A scheduled Job before its first run. */
    Waiting
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
      @JsonPropertyDescription("Pending, Placed, Running, Succeeded, Failed (a Job's instance that will not run again, or one backing off until retryAt), Lost (node gone), Preempted or Draining.")
      InstanceState state,
      @JsonPropertyDescription("Whether the instance runs on revocable (borrowed) capacity.")
      Boolean revocable,
      @JsonPropertyDescription("When the instance entered its state, RFC 3339.")
      String since,
      @JsonPropertyDescription("Why the instance is in its state, when not obvious (e.g. why it is still pending); at most 256 bytes, longer reasons cut with an ellipsis.")
      String reason,
      @JsonPropertyDescription("Price per hour of the instance's resources in its pool, in the pool's currency (e.g. \"0.2784 USD\"), when the pool sets a cost: placement prefers the cheapest feasible pool, comparing pools priced in different currencies only through exchange rates.")
      String costPerHour,
      @JsonPropertyDescription("How many times the instance was placed again after its run ended (by itself, or replaced by a rollout; for a Job, retried); absent when never. A placed instance's Pod belongs to this attempt: a Pod of an earlier one is replaced.")
      Integer restarts,
      @JsonPropertyDescription("Whether the placed instance is ready: its Pod's Ready condition (on static machines, true while placed).")
      Boolean ready,
      @JsonPropertyDescription("When a failed instance backing off is placed again, RFC 3339.")
      String retryAt,
      @JsonPropertyDescription("The revision (status.rollout.revision: a hash of the template and the resources) the placed instance was placed at; a rollout replaces instances of another one.")
      String revision,
      @JsonPropertyDescription("How many times in a row the instance's run failed (a run of 10 minutes or more starts the count again): its back-off grows with it (10 s, doubling, at most 5 min), and from 3 it is crash-looping; absent when none.")
      @io.fabric8.generator.annotation.Min(0) Integer failuresInRow) {
    /** An instance without failures in a row. */
    public InstanceStatus(String id, String node, String pool, Map<String, Quantity> resources, InstanceState state, Boolean revocable,
        String since, String reason, String costPerHour, Integer restarts, Boolean ready, String retryAt, String revision) {
      this(id, node, pool, resources, state, revocable, since, reason, costPerHour, restarts, ready, retryAt, revision, null);
    }

    /** An instance without a revision. */
    public InstanceStatus(String id, String node, String pool, Map<String, Quantity> resources, InstanceState state, Boolean revocable,
        String since, String reason, String costPerHour, Integer restarts, Boolean ready, String retryAt) {
      this(id, node, pool, resources, state, revocable, since, reason, costPerHour, restarts, ready, retryAt, null);
    }

    /** An instance without lifecycle figures. */
    public InstanceStatus(String id, String node, String pool, Map<String, Quantity> resources, InstanceState state, Boolean revocable,
        String since, String reason, String costPerHour) {
      this(id, node, pool, resources, state, revocable, since, reason, costPerHour, null, null, null, null);
    }
  }

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
