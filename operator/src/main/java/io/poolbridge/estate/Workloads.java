package io.poolbridge.estate;

import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.FrameworkSpec;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.scheduler.Constraint;
import io.poolbridge.scheduler.Strategy;
import io.poolbridge.scheduler.WorkloadDemand;
import io.poolbridge.scheduler.WorkloadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Workloads as the scheduler's demand: whether a Workload is admitted at all (namespace admission
 * by its Framework, a NodeLease only through a KubernetesCluster framework, resources some pool
 * offers), and if so its {@link WorkloadDemand} (instances, resources, constraints, kind,
 * strategy, gang, priority). {@code simulate} and the operator map Workloads through here alike.
 */
public final class Workloads {
  private Workloads() {}

  /** What a Workload becomes: a demand to schedule, a refusal, or nothing while it is suspended. */
  public sealed interface Mapped permits Demand, Refused, Suspended {}

  /** An admitted Workload's demand. */
  public record Demand(WorkloadDemand demand) implements Mapped {}

  /** A Workload the operator does not place at all, and why. */
  public record Refused(Refusal refusal) implements Mapped {}

  /** An admitted Workload whose schedule is suspended: nothing to place. */
  public record Suspended() implements Mapped {}

  /**
   * Maps one Workload.
   *
   * @param framework the Framework its {@code spec.framework} names, or {@code null} when there is none
   * @param offered the resources some node of some pool has
   * @param namespaceLabels the labels of each namespace, for Frameworks that select namespaces by label
   * @param created the Workload's creation order among the others (older first breaks ties)
   */
  public static Mapped map(
      Workload workload,
      Framework framework,
      ResourceSchema schema,
      Set<String> offered,
      Map<String, Map<String, String>> namespaceLabels,
      long created) {
    return map(workload, framework, schema, offered, namespaceLabels, created, 0);
  }

  /** As {@link #map(Workload, Framework, ResourceSchema, Set, Map, long)}, with {@code surge} surge instances of a rollout. */
  public static Mapped map(
      Workload workload,
      Framework framework,
      ResourceSchema schema,
      Set<String> offered,
      Map<String, Map<String, String>> namespaceLabels,
      long created,
      int surge) {
    Optional<Refusal> refusal = refusal(workload, framework, offered, namespaceLabels);
    if (refusal.isPresent()) {
      return new Refused(refusal.get());
    }
    if (suspended(workload)) {
      return new Suspended();
    }
    return new Demand(demand(schema, workload, created, surge));
  }

  /**
   * Why the operator would not place the Workload at all, checked in this order: no namespace, no
   * Framework, a namespace the Framework does not admit, a NodeLease through a framework that is not
   * a KubernetesCluster, a resource no pool offers. Empty when it is admitted.
   */
  public static Optional<Refusal> refusal(
      Workload workload, Framework framework, Set<String> offered, Map<String, Map<String, String>> namespaceLabels) {
    WorkloadSpec spec = workload.getSpec();
    String namespace = workload.getMetadata().getNamespace();
    if (namespace == null) {
      return refuse(Refusal.Reason.NamespaceMissing, "a Workload is namespaced; set metadata.namespace");
    }
    if (framework == null) {
      return refuse(Refusal.Reason.FrameworkNotFound, "framework " + spec.framework() + " does not exist");
    }
    if (!admits(framework, namespace, namespaceLabels.get(namespace))) {
      return refuse(Refusal.Reason.NamespaceNotAllowed,
          "framework " + spec.framework() + " does not list namespace " + namespace);
    }
    if (spec.kind() == WorkloadSpec.WorkloadKind.NodeLease
        && framework.getSpec().type() != FrameworkSpec.FrameworkType.KubernetesCluster) {
      return refuse(Refusal.Reason.NodeLeaseNeedsKubernetesCluster,
          "a NodeLease lends whole nodes to a KubernetesCluster framework; " + spec.framework() + " is "
              + framework.getSpec().type());
    }
    for (String resource : spec.resources().keySet()) {
      if (!offered.contains(resource)) {
        return refuse(Refusal.Reason.ResourceNotOffered, "no pool has " + resource);
      }
    }
    if (spec.schedule() != null) {
      try {
        io.poolbridge.lifecycle.CronSchedule.parse(spec.schedule().cron(), spec.schedule().timeZone());
      } catch (io.poolbridge.lifecycle.InvalidScheduleException e) {
        return refuse(Refusal.Reason.InvalidSchedule, e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static Optional<Refusal> refuse(Refusal.Reason reason, String message) {
    return Optional.of(new Refusal(reason, message));
  }

  /**
   * Namespace admission: whether {@code framework} takes Workloads from {@code namespace}, by name
   * ({@code spec.namespaces.names}) or by the namespace's labels ({@code spec.namespaces.selector}).
   * A Framework that lists no namespaces admits none.
   *
   * @param labels the namespace's labels, or {@code null} when they are not known
   */
  public static boolean admits(Framework framework, String namespace, Map<String, String> labels) {
    FrameworkSpec.Namespaces allowed = framework.getSpec().namespaces();
    if (allowed == null) {
      return false;
    }
    if (allowed.names() != null && allowed.names().contains(namespace)) {
      return true;
    }
    return allowed.selector() != null && labels != null && Selectors.matches(allowed.selector(), labels);
  }

  /** Whether the Workload's schedule is suspended. */
  public static boolean suspended(Workload workload) {
    WorkloadSpec.Schedule s = workload.getSpec().schedule();
    return s != null && Boolean.TRUE.equals(s.suspend());
  }

  /** The Workload's key, {@code <namespace>/<name>}: its demand's key. */
  public static String key(Workload workload) {
    return workload.getMetadata().getNamespace() + "/" + workload.getMetadata().getName();
  }

  /**
   * The ids of a workload's instances, unique across the cluster: {@code <namespace>/<name>-<ordinal>}
   * ({@code ns1/web-0}), so that workloads of the same name in two namespaces never share one.
   */
  public static List<String> instanceIds(Workload workload) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < workload.getSpec().instances(); i++) {
      ids.add(key(workload) + "-" + i);
    }
    return ids;
  }

  /**
   * The ids of a workload's instances with {@code surge} surge instances of a rollout above {@code
   * instances}: {@code ns1/web-3} and on for a Service of 3. The surge instances are the last.
   */
  public static List<String> instanceIds(Workload workload, int surge) {
    List<String> ids = instanceIds(workload);
    int instances = workload.getSpec().instances();
    for (int j = 0; j < surge; j++) {
      ids.add(key(workload) + "-" + (instances + j));
    }
    return ids;
  }

  /**
   * The ordinal of an instance id or display name ({@code 3} for {@code web-3} or {@code ns1/web-3}),
   * or -1 when it has none.
   */
  public static int ordinal(String id) {
    int dash = id.lastIndexOf('-');
    if (dash < 0 || dash == id.length() - 1 || id.length() - dash - 1 > 9) {
      return -1;
    }
    int n = 0;
    for (int i = dash + 1; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /**
   * Whether {@code workload} may run surge instances during a rollout: a Service with instances,
   * not a gang (a gang resized is placed again whole, so its rollout replaces in place).
   */
  public static boolean surges(Workload workload) {
    WorkloadSpec spec = workload.getSpec();
    return spec.kind() == WorkloadSpec.WorkloadKind.Service && spec.instances() != null && spec.instances() > 0
        && !Boolean.TRUE.equals(spec.gang());
  }

  /** At most this many runs of one scheduled Job at once (concurrency policy Allow). */
  public static final int MAX_RUNS_AT_ONCE = 10;

  /**
   * Whether runs of {@code workload} may overlap: a scheduled Job with instances whose concurrency
   * policy is Allow (the default), not a gang (a gang is placed whole: its runs take turns).
   */
  public static boolean overlaps(Workload workload) {
    WorkloadSpec spec = workload.getSpec();
    if (spec.kind() != WorkloadSpec.WorkloadKind.Job || spec.schedule() == null || spec.instances() == null
        || spec.instances() <= 0 || Boolean.TRUE.equals(spec.gang())) {
      return false;
    }
    return spec.schedule().concurrencyPolicy() == null || spec.schedule().concurrencyPolicy() == WorkloadSpec.ConcurrencyPolicy.Allow;
  }

  /**
   * How many runs of {@code workload} may go on at once: {@link #MAX_RUNS_AT_ONCE}, and no more than
   * {@link WorkloadSpec#MAX_INSTANCES} instances in all (a Job of more than 125 instances runs one
   * run at a time); 1 when its runs do not {@link #overlaps overlap}.
   */
  public static int maxRuns(Workload workload) {
    if (!overlaps(workload)) {
      return 1;
    }
    return Math.max(1, Math.min(MAX_RUNS_AT_ONCE, WorkloadSpec.MAX_INSTANCES / workload.getSpec().instances()));
  }

  /**
   * The extra instances {@code workload} may list above {@code instances}, out of {@code asked}: a
   * rollout's surge instances (at most {@code instances}) for a Service, whole runs alongside (a
   * multiple of {@code instances}, up to {@link #maxRuns} runs) for a scheduled Job under Allow,
   * none otherwise; never more than {@link WorkloadSpec#MAX_INSTANCES} instances in all, so that the
   * status listing them stays within the API server's object size limit.
   */
  public static int extra(Workload workload, int asked) {
    if (asked <= 0) {
      return 0;
    }
    int instances = workload.getSpec().instances() == null ? 0 : workload.getSpec().instances();
    if (surges(workload)) {
      return Math.max(0, Math.min(asked, Math.min(instances, WorkloadSpec.MAX_INSTANCES - instances)));
    }
    if (overlaps(workload)) {
      return Math.min(asked / instances, maxRuns(workload) - 1) * instances;
    }
    return 0;
  }

  /**
   * The extra instances {@code workload}'s status records above {@code instances}: a rollout's surge
   * instances, as many as the highest recorded ordinal reaches past them, at most {@code maxSurge}
   * resolved against the spec; or a scheduled Job's runs alongside, whole (see {@link #extra}). What
   * the operator reads back after a restart, so that those instances placed are restored rather than
   * lost. Zero for a Workload that has none.
   */
  public static int recordedExtra(Workload workload) {
    io.poolbridge.api.v1alpha1.WorkloadStatus status = workload.getStatus();
    if (!(surges(workload) || overlaps(workload)) || status == null || status.instances() == null) {
      return 0;
    }
    int instances = workload.getSpec().instances();
    String prefix = workload.getMetadata().getName() + "-";
    int highest = -1;
    for (io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus i : status.instances()) {
      if (i.id() != null && i.id().startsWith(prefix) && i.id().length() > prefix.length()) {
        int n = ordinal(i.id());
        if (n > highest && n < Integer.MAX_VALUE && i.id().length() == prefix.length() + Integer.toString(n).length()) {
          highest = n;
        }
      }
    }
    if (highest < instances) {
      return 0;
    }
    if (overlaps(workload)) {
      // The runs alongside whose instances the record lists, whole.
      return extra(workload, (highest / instances) * instances);
    }
    WorkloadSpec.Rollout r = workload.getSpec().rollout();
    int maxSurge = io.poolbridge.engine.Rollout.resolve(r == null ? null : text(r.maxSurge()),
        r == null ? null : text(r.maxUnavailable()), instances).maxSurge();
    return extra(workload, Math.min(maxSurge, highest - instances + 1));
  }

  /** An int-or-string as text: {@code 2} or {@code 25%}; {@code null} for none. */
  public static String text(io.fabric8.kubernetes.api.model.IntOrString v) {
    if (v == null) {
      return null;
    }
    return v.getIntVal() != null ? v.getIntVal().toString() : v.getStrVal();
  }

  /** The name users know an instance by, within its workload's namespace: {@code web-0} for {@code ns1/web-0}. */
  public static String displayName(String instanceId) {
    return instanceId.substring(instanceId.indexOf('/') + 1);
  }

  /**
   * An admitted Workload as the scheduler's demand: its instances, resources over {@code schema}
   * (every resource it names must be in the schema), priority (0 when unset), kind, strategy
   * (Spread unless BinPack), gang, preemptible, revocable and constraints.
   */
  public static WorkloadDemand demand(ResourceSchema schema, Workload workload, long created) {
    return demand(schema, workload, created, 0);
  }

  /**
   * As {@link #demand(ResourceSchema, Workload, long)}, with {@code surge} surge instances of a
   * rollout listed after the Workload's own (none when it does not {@link #surges}).
   */
  public static WorkloadDemand demand(ResourceSchema schema, Workload workload, long created, int surge) {
    WorkloadSpec spec = workload.getSpec();
    WorkloadDemand.Builder b = WorkloadDemand.builder(
            key(workload), spec.framework(), ResourceUnits.toResources(schema, spec.resources()))
        .instanceIds(instanceIds(workload, extra(workload, surge)))
        .priority(spec.priority() == null ? 0 : spec.priority())
        .created(created)
        .strategy(spec.strategy() == WorkloadSpec.Strategy.BinPack ? Strategy.BIN_PACK : Strategy.SPREAD)
        .kind(switch (spec.kind()) {
          case Service -> WorkloadKind.SERVICE;
          case Job -> WorkloadKind.JOB;
          case NodeLease -> WorkloadKind.NODE_LEASE;
        });
    if (Boolean.TRUE.equals(spec.gang())) {
      b.gang();
    }
    if (Boolean.TRUE.equals(spec.preemptible())) {
      b.preemptible();
    }
    if (Boolean.TRUE.equals(spec.revocable())) {
      b.revocableOk();
    }
    if (spec.constraints() != null) {
      for (WorkloadSpec.Constraint c : spec.constraints()) {
        b.constraint(Constraint.of(c.attribute(), Constraint.Operator.valueOf(c.operator().name()), c.value()));
      }
    }
    return b.build();
  }

  /**
   * The placements a Workload's status records (what the operator reads back after a restart to
   * {@code restore} the engine): every instance placed on a node, with its resources over {@code
   * schema} (its own when it lists them, else {@code status.resources}, what the spec asked for when
   * the status was written, or for records without one {@code spec.resources}) and whether it is
   * revocable. The reservation split is not recorded: the allocator works
   * it out on restore.
   */
  public static List<io.poolbridge.engine.RecordedPlacement> recorded(ResourceSchema schema, Workload workload) {
    List<io.poolbridge.engine.RecordedPlacement> records = new ArrayList<>();
    io.poolbridge.api.v1alpha1.WorkloadStatus status = workload.getStatus();
    if (status == null || status.instances() == null) {
      return records;
    }
    String namespace = workload.getMetadata().getNamespace();
    // An instance that lists no resources holds the ones the status was written against (older
    // records: the spec's).
    java.util.Map<String, io.fabric8.kubernetes.api.model.Quantity> common =
        status.resources() != null ? status.resources() : workload.getSpec() == null ? null : workload.getSpec().resources();
    for (io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus i : status.instances()) {
      boolean placed = i.state() == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Placed
          || i.state() == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Running
          || i.state() == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Draining;
      java.util.Map<String, io.fabric8.kubernetes.api.model.Quantity> resources = i.resources() != null ? i.resources() : common;
      if (placed && i.node() != null && i.pool() != null && resources != null) {
        records.add(new io.poolbridge.engine.RecordedPlacement(namespace + "/" + i.id(), key(workload), i.pool() + "/" + i.node(),
            ResourceUnits.toResources(schema, resources), Boolean.TRUE.equals(i.revocable()), null));
      }
    }
    return records;
  }

  /** A Job's retry settings: {@code spec.job.backoffLimit} (default 3) and {@code activeDeadlineSeconds}. */
  public static io.poolbridge.engine.JobPolicy jobPolicy(Workload workload) {
    WorkloadSpec.JobSettings job = workload.getSpec().job();
    boolean scheduled = workload.getSpec().schedule() != null;
    int runSize = overlaps(workload) ? workload.getSpec().instances() : 0;
    if (job == null) {
      return new io.poolbridge.engine.JobPolicy(io.poolbridge.engine.JobPolicy.DEFAULT.backoffLimit(), null, scheduled, runSize);
    }
    return new io.poolbridge.engine.JobPolicy(job.backoffLimit() == null ? io.poolbridge.engine.JobPolicy.DEFAULT.backoffLimit()
        : job.backoffLimit(), job.activeDeadlineSeconds() == null ? null : java.time.Duration.ofSeconds(job.activeDeadlineSeconds()),
        scheduled, runSize);
  }

  /** The prefix of a backing-off instance's reason after a failure; {@link #ENDED} after a success. */
  public static final String FAILED = "failed: ";
  public static final String ENDED = "ended: ";

  /**
   * The history of the Workload's instances as its status records it, by cluster-wide instance id:
   * restarts, how the last run ended (a done Job instance: {@code Succeeded}, or {@code Failed}
   * without {@code retryAt}; one backing off: {@code Failed} with {@code retryAt}). The failures in
   * a row of a backing-off instance are read back from its back-off; a running instance's are not
   * recorded and start again from zero. Entries that cannot be read are left out.
   */
  public static java.util.Map<String, io.poolbridge.engine.InstanceLife> recordedLives(Workload workload) {
    java.util.Map<String, io.poolbridge.engine.InstanceLife> lives = new java.util.LinkedHashMap<>();
    io.poolbridge.api.v1alpha1.WorkloadStatus status = workload.getStatus();
    if (status == null || status.instances() == null) {
      return lives;
    }
    String namespace = workload.getMetadata().getNamespace();
    for (io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus i : status.instances()) {
      if (i.id() == null) {
        continue;
      }
      int restarts = i.restarts() == null ? 0 : Math.max(0, i.restarts());
      // Failures in a row as recorded (bounded: beyond 16 the back-off is at its 5-minute cap anyway).
      int recordedInRow = i.failuresInRow() == null ? 0 : Math.max(0, Math.min(16, i.failuresInRow()));
      java.time.Instant since = instant(i.since());
      io.poolbridge.engine.InstanceLife life = null;
      boolean job = workload.getSpec() != null && workload.getSpec().kind() == WorkloadSpec.WorkloadKind.Job;
      boolean reported = i.node() != null;
      if (reported && !(job && i.state() == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Succeeded)) {
        // A placed instance whose end an External framework reported and the operator did not take
        // in before it restarted: placed again (a Job's success excepted: it is done).
        if (restarts > 0 || recordedInRow > 0) {
          life = new io.poolbridge.engine.InstanceLife(restarts, recordedInRow, null, null, null, null, false);
        }
      } else if (i.state() == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Succeeded) {
        life = new io.poolbridge.engine.InstanceLife(restarts, 0, io.poolbridge.engine.Exit.SUCCEEDED, since, i.reason(), null, true);
      } else if (i.state() == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Failed) {
        java.time.Instant retryAt = instant(i.retryAt());
        if (retryAt == null) {
          life = new io.poolbridge.engine.InstanceLife(restarts, 0, io.poolbridge.engine.Exit.FAILED, since, i.reason(), null, true);
        } else {
          String reason = i.reason() == null ? "" : i.reason();
          io.poolbridge.engine.Exit exit = reason.startsWith(ENDED) ? io.poolbridge.engine.Exit.SUCCEEDED : io.poolbridge.engine.Exit.FAILED;
          String message = reason.startsWith(ENDED) ? reason.substring(ENDED.length())
              : reason.startsWith(FAILED) ? reason.substring(FAILED.length()) : reason;
          int inRow = recordedInRow > 0 ? recordedInRow : 1;
          if (recordedInRow == 0 && since != null) {
            long seconds = java.time.Duration.between(since, retryAt).toSeconds();
            while (inRow < 16 && 10L << inRow <= seconds) {
              inRow++;
            }
          }
          life = new io.poolbridge.engine.InstanceLife(restarts, inRow, exit, since, message, retryAt, false);
        }
      } else if (restarts > 0 || recordedInRow > 0) {
        life = new io.poolbridge.engine.InstanceLife(restarts, recordedInRow, null, null, null, null, false);
      }
      if (life != null) {
        lives.put(namespace + "/" + i.id(), life);
      }
    }
    return lives;
  }

  /** The Job's standing as its status records it, or {@code null} when none is recorded. */
  public static io.poolbridge.engine.JobLife recordedJob(Workload workload) {
    io.poolbridge.api.v1alpha1.WorkloadStatus status = workload.getStatus();
    if (status == null || status.job() == null) {
      return null;
    }
    io.poolbridge.api.v1alpha1.WorkloadStatus.JobStatus job = status.job();
    io.poolbridge.engine.JobLife.Phase phase = status.phase() == io.poolbridge.api.v1alpha1.WorkloadStatus.Phase.Waiting
        ? io.poolbridge.engine.JobLife.Phase.WAITING
        : status.phase() == io.poolbridge.api.v1alpha1.WorkloadStatus.Phase.Succeeded
        ? io.poolbridge.engine.JobLife.Phase.SUCCEEDED
        : status.phase() == io.poolbridge.api.v1alpha1.WorkloadStatus.Phase.Failed ? io.poolbridge.engine.JobLife.Phase.FAILED
        : io.poolbridge.engine.JobLife.Phase.RUNNING;
    String reason = null;
    String message = null;
    if (phase.ended() && status.conditions() != null) {
      String type = phase == io.poolbridge.engine.JobLife.Phase.SUCCEEDED ? "Complete" : "Failed";
      for (io.fabric8.kubernetes.api.model.Condition c : status.conditions()) {
        if (type.equals(c.getType())) {
          reason = c.getReason();
          message = c.getMessage();
        }
      }
    }
    return new io.poolbridge.engine.JobLife(phase, instant(job.startTime()), job.succeeded() == null ? 0 : job.succeeded(),
        job.failed() == null ? 0 : job.failed(), instant(job.completionTime()), reason, message);
  }

  /**
   * A scheduled Job's runs by lane as its record shows them: each run going on whose {@code
   * firstInstance} names its lane (its start from the run, its successes and failed attempts from its
   * instances' entries: a failed attempt is a restart), and lane 0 from {@link #recordedJob} when no
   * run goes on there (or, when the status's {@code job} is a run of another lane, the newest run that
   * ended). Empty when nothing is recorded.
   */
  public static java.util.SortedMap<Integer, io.poolbridge.engine.JobLife> recordedRuns(Workload workload) {
    java.util.SortedMap<Integer, io.poolbridge.engine.JobLife> runs = new java.util.TreeMap<>();
    io.poolbridge.engine.JobLife base = recordedJob(workload);
    io.poolbridge.api.v1alpha1.WorkloadStatus status = workload.getStatus();
    int instances = workload.getSpec().instances() == null ? 0 : workload.getSpec().instances();
    if (overlaps(workload) && status != null && status.schedule() != null && status.schedule().runs() != null) {
      String prefix = workload.getMetadata().getName() + "-";
      for (io.poolbridge.api.v1alpha1.WorkloadStatus.RunStatus r : status.schedule().runs()) {
        if (!"Running".equals(r.result()) || instant(r.startTime()) == null) {
          continue;
        }
        int first = r.firstInstance() == null ? 0
            : r.firstInstance().startsWith(prefix) && r.firstInstance().equals(prefix + ordinal(r.firstInstance()))
            ? ordinal(r.firstInstance()) : -1;
        if (first < 0 || first % instances != 0 || first / instances >= maxRuns(workload)) {
          continue;
        }
        int lane = first / instances;
        int succeeded = 0;
        int failures = 0;
        if (status.instances() != null) {
          for (io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus i : status.instances()) {
            int n = i.id() == null || !i.id().startsWith(prefix) ? -1 : ordinal(i.id());
            if (n >= lane * instances && n < (lane + 1) * instances && i.id().equals(prefix + n)) {
              if (i.state() == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Succeeded) {
                succeeded++;
              }
              failures += i.restarts() == null ? 0 : Math.max(0, Math.min(1_000, i.restarts()));
            }
          }
        }
        runs.put(lane, new io.poolbridge.engine.JobLife(io.poolbridge.engine.JobLife.Phase.RUNNING, instant(r.startTime()),
            succeeded, failures, null, null, null));
      }
    }
    if (!runs.containsKey(0) && base != null) {
      if (base.running() && !runs.isEmpty()) {
        // The status's job is a run of another lane: lane 0's run ended; the newest ended run stands for it.
        io.poolbridge.api.v1alpha1.WorkloadStatus.RunStatus ended = null;
        for (io.poolbridge.api.v1alpha1.WorkloadStatus.RunStatus r : status.schedule().runs()) {
          if (!"Running".equals(r.result()) && instant(r.completionTime()) != null && instant(r.startTime()) != null
              && (ended == null || instant(r.startTime()).isAfter(instant(ended.startTime())))) {
            ended = r;
          }
        }
        runs.put(0, ended == null ? new io.poolbridge.engine.JobLife(io.poolbridge.engine.JobLife.Phase.WAITING, null, 0, 0, null, null, null)
            : new io.poolbridge.engine.JobLife("Succeeded".equals(ended.result()) ? io.poolbridge.engine.JobLife.Phase.SUCCEEDED
                : io.poolbridge.engine.JobLife.Phase.FAILED, instant(ended.startTime()), 0, 0, instant(ended.completionTime()),
                "Succeeded".equals(ended.result()) ? io.poolbridge.engine.JobLife.COMPLETE : ended.result(), ended.reason()));
      } else {
        runs.put(0, base);
      }
    }
    return runs;
  }

  private static java.time.Instant instant(String rfc3339) {
    if (rfc3339 == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(rfc3339).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
