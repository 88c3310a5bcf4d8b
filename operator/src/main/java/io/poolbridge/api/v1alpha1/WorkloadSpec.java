package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/** What a tenant asks for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.resources.all(k, k.matches(" + Rules.RESOURCE_NAME + "))",
    message = Rules.MSG_RESOURCE_NAMES,
    fieldPath = ".resources")
@ValidationRule(
    value = "self.resources.all(k, size(k) <= " + Rules.MAX_RESOURCE_NAME + ")",
    message = Rules.MSG_RESOURCE_NAME_LENGTH,
    fieldPath = ".resources")
@ValidationRule(
    value = "!has(self.schedule) || self.kind == 'Job'",
    message = "schedule may only be set when kind is Job",
    fieldPath = ".schedule")
@ValidationRule(
    value = "!has(self.job) || self.kind == 'Job'",
    message = "job may only be set when kind is Job",
    fieldPath = ".job")
@ValidationRule(
    value = "!has(self.template) || self.kind != 'NodeLease'",
    message = "a pod template cannot be set when kind is NodeLease: a lease lends whole nodes, not pods",
    fieldPath = ".template")
@ValidationRule(
    value = "!has(self.rollout) || self.kind == 'Service'",
    message = "rollout may only be set when kind is Service",
    fieldPath = ".rollout")
@ValidationRule(
    value = "self.instances >= 1 || (has(self.schedule) && has(self.schedule.suspend) && self.schedule.suspend)",
    message = "instances must be at least 1 unless the schedule is suspended",
    fieldPath = ".instances")
public record WorkloadSpec(
    @JsonPropertyDescription("Name of the Framework the workload runs through; the Framework must list this namespace.")
    @Required @Size(max = Rules.MAX_LABEL_VALUE) @Pattern(Rules.DNS_SUBDOMAIN) String framework,
    @JsonPropertyDescription("Service: long-running, kept at 'instances' and relaunched elsewhere when a node is lost. Job: runs to completion, with retries, optionally on a cron schedule. NodeLease: whole nodes lent to a KubernetesCluster framework.")
    @Required WorkloadKind kind,
    @JsonPropertyDescription("How many instances (nodes, for NodeLease) to run, at most " + MAX_INSTANCES + ".")
    @Required @Min(0) @Max(MAX_INSTANCES) Integer instances,
    @JsonPropertyDescription("Resources of one instance, e.g. {cpu: 2, memory: 8Gi}, at most 32, named in at most 63 characters. For NodeLease, the least capacity a leased node must have.")
    @Required @Size(min = 1, max = 32) Map<String, Quantity> resources,
    @JsonPropertyDescription("Placement constraints, all of which must hold (Marathon semantics).")
    @Size(max = 32) List<Constraint> constraints,
    @JsonPropertyDescription("Priority of the instances: higher is placed first and may preempt lower-priority preemptible instances. Defaults to 0.")
    @Default("0") @Min(0) @Max(1000000000) Integer priority,
    @JsonPropertyDescription("Whether the instances may be evicted to make room for higher-priority ones. Defaults to false.")
    @Default("false") Boolean preemptible,
    @JsonPropertyDescription("Whether the instances may run on revocable (borrowed) capacity, which is taken back when its owner needs it. The Framework must accept revocable capacity. Defaults to false.")
    @Default("false") Boolean revocable,
    @JsonPropertyDescription("Gang scheduling: all instances are placed in the same cycle, or none. Defaults to false.")
    @Default("false") Boolean gang,
    @JsonPropertyDescription("Spread: least-loaded nodes first. BinPack: fullest nodes first. Defaults to Spread.")
    @Default("Spread") Strategy strategy,
    @JsonPropertyDescription("For Jobs: run on a cron schedule instead of once.")
    Schedule schedule,
    @JsonPropertyDescription("For Jobs: retries and deadlines.")
    JobSettings job,
    @JsonPropertyDescription("Pod template: instances on Kubernetes nodes become Pods bound to the node the allocator chose. Not allowed for NodeLease.")
    @PreserveUnknownFields @SchemaFrom(type = JsonNode.class) Map<String, Object> template,
    @JsonPropertyDescription("For Services: how a change of the template or the resources replaces the running instances, a few at a time.")
    Rollout rollout) {

  /** A Workload without rollout settings (the defaults). */
  public WorkloadSpec(String framework, WorkloadKind kind, Integer instances, Map<String, Quantity> resources,
      List<Constraint> constraints, Integer priority, Boolean preemptible, Boolean revocable, Boolean gang,
      Strategy strategy, Schedule schedule, JobSettings job, Map<String, Object> template) {
    this(framework, kind, instances, resources, constraints, priority, preemptible, revocable, gang, strategy,
        schedule, job, template, null);
  }

  /**
   * The most instances one Workload may ask for: what keeps its status, the record of every
   * placement, provably under etcd's 1.5 MiB object limit with 30% to spare for the spec, metadata
   * and managed fields. The status keeps one entry per instance, and in the worst case the schema
   * allows one entry is about 3.5 KB: an instance id of 63 characters, a node name of 253, a pool
   * name of 63, a reason of 256 bytes, a price, and (for an instance placed before its Workload's
   * resources changed, or a NodeLease holding a whole node) its own map of up to 32 resources named
   * in up to 63 characters. 250 such entries are about 0.83 MiB, 2000 would be 6.6 MiB, and about 315
   * is the most that fits in 1.05 MiB. {@code
   * io.poolbridge.validation.WorkloadStatusSizeTest} builds that status and checks the arithmetic.
   * More instances are more Workloads.
   */
  public static final int MAX_INSTANCES = 250;

  /** The three workload kinds. */
  public enum WorkloadKind {
    Service,
    Job,
    NodeLease
  }

  /** Placement preference among feasible nodes. */
  public enum Strategy {
    Spread,
    BinPack
  }

  /** Constraint operators, with Marathon's semantics. */
  public enum Operator {
    UNIQUE,
    CLUSTER,
    GROUP_BY,
    LIKE,
    UNLIKE,
    MAX_PER,
    IS
  }

  /** One placement constraint. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.operator != 'UNIQUE' || !has(self.value)",
      message = "UNIQUE takes no value",
      fieldPath = ".value")
  @ValidationRule(
      value = "self.operator != 'MAX_PER' || (has(self.value) && self.value.matches('^[1-9][0-9]{0,5}$'))",
      message = "MAX_PER needs a positive integer value, the most instances per attribute value",
      fieldPath = ".value")
  @ValidationRule(
      value = "self.operator != 'GROUP_BY' || !has(self.value) || self.value.matches('^[1-9][0-9]{0,5}$')",
      message = "GROUP_BY takes an optional positive integer value, the number of attribute values to spread over",
      fieldPath = ".value")
  @ValidationRule(
      value = "!(self.operator in ['LIKE', 'UNLIKE']) || (has(self.value) && size(self.value) > 0)",
      message = "LIKE and UNLIKE need a regular expression value",
      fieldPath = ".value")
  @ValidationRule(
      value = "self.operator != 'IS' || (has(self.value) && size(self.value) > 0)",
      message = "IS needs the value the attribute must equal",
      fieldPath = ".value")
  public record Constraint(
      @JsonPropertyDescription("Attribute the constraint is on: hostname, pool, provider, region, zone, or any node or pool attribute.")
      @Required @Size(max = 317) @Pattern(Rules.ATTRIBUTE_KEY) String attribute,
      @JsonPropertyDescription("UNIQUE: one instance per value. CLUSTER: all on one value (the given one, or the first placement's). GROUP_BY: spread evenly over values (optionally over N expected values). LIKE / UNLIKE: value matches / does not match a regular expression (RE2 syntax, as CEL matches(), whole value, at most 256 characters). MAX_PER: at most N instances per value. IS: value equals.")
      @Required Operator operator,
      @JsonPropertyDescription("Operand: none for UNIQUE; a positive integer for MAX_PER and optionally GROUP_BY; a regular expression for LIKE and UNLIKE; an exact value for IS and optionally CLUSTER.")
      @Size(max = 256) String value) {}

  /** A cron schedule for Jobs (what Chronos and Metronome did). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Schedule(
      @JsonPropertyDescription("Cron expression (five fields, or @hourly, @daily, ...), e.g. '0 2 * * *'.")
      @Required @Size(max = 128) @Pattern(Rules.CRON) String cron,
      @JsonPropertyDescription("IANA time zone the cron expression is read in, e.g. Europe/Amsterdam. Defaults to UTC.")
      @Size(max = 64) @Pattern("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$") String timeZone,
      @JsonPropertyDescription("What to do when a run is due while the previous one is still running: Allow (run both), Forbid (skip the new run), Replace (stop the old run). Defaults to Allow.")
      @Default("Allow") ConcurrencyPolicy concurrencyPolicy,
      @JsonPropertyDescription("A run that cannot start within this many seconds of its scheduled time is counted as missed.")
      @Min(0) @Max(31_536_000) Long startingDeadlineSeconds,
      @JsonPropertyDescription("Suspends future runs; runs already started are not affected. Defaults to false.")
      @Default("false") Boolean suspend) {}

  /** Concurrency policy of scheduled Jobs. */
  public enum ConcurrencyPolicy {
    Allow,
    Forbid,
    Replace
  }

  /**
   * How a changed Service replaces its instances (Kubernetes Deployment's rolling update): each a
   * number of instances or a percentage of {@code instances}; maxSurge rounds up, maxUnavailable
   * down, and when both come to 0 maxUnavailable is 1.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.maxUnavailable) || !has(self.maxSurge) || !(string(self.maxUnavailable) in ['0', '0%'] && string(self.maxSurge) in ['0', '0%'])",
      message = Rules.MSG_ROLLOUT_BOTH_ZERO,
      fieldPath = ".maxUnavailable")
  public record Rollout(
      @JsonPropertyDescription("How many instances may be unavailable during a rollout, below spec.instances: a number, or a percentage of spec.instances rounded down, e.g. 25%. Defaults to 25%.")
      @Default("25%") @SchemaFrom(type = IntOrString.class) IntOrString maxUnavailable,
      @JsonPropertyDescription("How many instances may run above spec.instances during a rollout: a number, or a percentage of spec.instances rounded up, e.g. 25%. Defaults to 25%.")
      @Default("25%") @SchemaFrom(type = IntOrString.class) IntOrString maxSurge) {}

  /** Retries and deadlines of a Job. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record JobSettings(
      @JsonPropertyDescription("How many times a failed instance is retried before the Job fails. Defaults to 3.")
      @Default("3") @Min(0) @Max(100) Integer backoffLimit,
      @JsonPropertyDescription("How long a run may take, in seconds, before its instances are stopped and the run fails.")
      @Min(1) @Max(31_536_000) Long activeDeadlineSeconds) {}
}
