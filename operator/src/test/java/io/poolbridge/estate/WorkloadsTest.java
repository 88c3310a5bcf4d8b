package io.poolbridge.estate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.scheduler.Constraint;
import io.poolbridge.scheduler.Strategy;
import io.poolbridge.scheduler.WorkloadDemand;
import io.poolbridge.scheduler.WorkloadKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadsTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory");
  private static final Set<String> OFFERED = Set.of("cpu", "memory");
  private static final Map<String, Map<String, String>> NAMESPACES = Map.of(
      "shop", Map.of("team", "retail"),
      "lab", Map.of("team", "research"));

  private static final Framework SPARK = framework("""
      metadata: {name: spark}
      spec:
        type: External
        role: eng/analytics
        namespaces:
          names: [analytics]
          selector: {matchLabels: {team: retail}}
      """);
  private static final Framework RETAIL = framework("""
      metadata: {name: retail-k8s}
      spec:
        type: KubernetesCluster
        role: platform/tenants
        namespaces: {names: [analytics]}
      """);

  private static Framework framework(String yaml) {
    return Serialization.unmarshal("apiVersion: poolbridge.io/v1alpha1\nkind: Framework\n" + yaml, Framework.class);
  }

  private static Workload workload(String namespace, String spec) {
    return Serialization.unmarshal("apiVersion: poolbridge.io/v1alpha1\nkind: Workload\nmetadata: {name: etl"
        + (namespace == null ? "" : ", namespace: " + namespace) + "}\nspec:\n" + spec, Workload.class);
  }

  private static final String JOB = """
        framework: spark
        kind: Job
        instances: 2
        resources: {cpu: 2, memory: 4Gi}
      """;

  private static Workloads.Mapped map(Workload w, Framework fw) {
    return Workloads.map(w, fw, SCHEMA, OFFERED, NAMESPACES, 0);
  }

  private static Refusal refusalOf(Workloads.Mapped mapped) {
    assertThat(mapped).isInstanceOf(Workloads.Refused.class);
    return ((Workloads.Refused) mapped).refusal();
  }

  @Test
  void aNamespaceTheFrameworkNeitherListsNorSelectsIsRefusedByName() {
    Refusal r = refusalOf(map(workload("lab", JOB), SPARK));
    assertThat(r.reason()).isEqualTo(Refusal.Reason.NamespaceNotAllowed);
    assertThat(r.code()).isEqualTo("NamespaceNotAllowed");
    assertThat(r.message()).isEqualTo("framework spark does not list namespace lab");
  }

  @Test
  void aNamespaceIsAdmittedByNameOrByItsLabels() {
    assertThat(map(workload("analytics", JOB), SPARK)).isInstanceOf(Workloads.Demand.class);
    assertThat(map(workload("shop", JOB), SPARK)).isInstanceOf(Workloads.Demand.class);
    // A namespace whose labels are unknown is admitted by name only.
    assertThat(Workloads.admits(SPARK, "shop", null)).isFalse();
  }

  @Test
  void aFrameworkWithoutNamespacesAdmitsNone() {
    Framework closed = framework("metadata: {name: spark}\nspec: {type: External, role: eng}\n");
    assertThat(refusalOf(map(workload("analytics", JOB), closed)).reason()).isEqualTo(Refusal.Reason.NamespaceNotAllowed);
  }

  @Test
  void eachRefusalNamesItsReason() {
    assertThat(refusalOf(map(workload(null, JOB), SPARK)))
        .isEqualTo(new Refusal(Refusal.Reason.NamespaceMissing, "a Workload is namespaced; set metadata.namespace"));
    assertThat(refusalOf(map(workload("analytics", JOB), null)))
        .isEqualTo(new Refusal(Refusal.Reason.FrameworkNotFound, "framework spark does not exist"));
    Workload lease = workload("analytics", """
          framework: spark
          kind: NodeLease
          instances: 1
          resources: {cpu: 48}
        """);
    assertThat(refusalOf(map(lease, SPARK))).isEqualTo(new Refusal(Refusal.Reason.NodeLeaseNeedsKubernetesCluster,
        "a NodeLease lends whole nodes to a KubernetesCluster framework; spark is External"));
    assertThat(map(lease, RETAIL)).isInstanceOf(Workloads.Demand.class);
    Workload gpu = workload("analytics", """
          framework: spark
          kind: Job
          instances: 1
          resources: {cpu: 1, nvidia.com/gpu: 1}
        """);
    assertThat(refusalOf(map(gpu, SPARK)))
        .isEqualTo(new Refusal(Refusal.Reason.ResourceNotOffered, "no pool has nvidia.com/gpu"));
  }

  @Test
  void aSuspendedWorkloadIsAdmittedButDemandsNothing() {
    Workload suspended = workload("analytics", JOB + "  schedule: {cron: '0 2 * * *', suspend: true}\n");
    assertThat(map(suspended, SPARK)).isInstanceOf(Workloads.Suspended.class);
    // A refusal still comes first: the operator reports it whether or not the Workload is suspended.
    assertThat(map(workload("lab", JOB + "  schedule: {cron: '0 2 * * *', suspend: true}\n"), SPARK)).isInstanceOf(Workloads.Refused.class);
  }

  @Test
  void anAdmittedWorkloadBecomesItsDemand() {
    Workload w = workload("analytics", """
          framework: spark
          kind: Service
          instances: 3
          resources: {cpu: 500m, memory: 1Gi}
          priority: 700
          strategy: BinPack
          gang: true
          constraints:
          - {attribute: zone, operator: UNIQUE}
        """);
    WorkloadDemand d = ((Workloads.Demand) Workloads.map(w, SPARK, SCHEMA, OFFERED, NAMESPACES, 5)).demand();
    assertThat(d.key()).isEqualTo("analytics/etl");
    assertThat(d.frameworkId()).isEqualTo("spark");
    assertThat(d.resources()).isEqualTo(Resources.of(SCHEMA, "cpu", 500, "memory", 1L << 30));
    assertThat(d.instanceIds()).containsExactly("analytics/etl-0", "analytics/etl-1", "analytics/etl-2");
    assertThat(d.priority()).isEqualTo(700);
    assertThat(d.created()).isEqualTo(5);
    assertThat(d.strategy()).isEqualTo(Strategy.BIN_PACK);
    assertThat(d.kind()).isEqualTo(WorkloadKind.SERVICE);
    assertThat(d.gang()).isTrue();
    assertThat(d.constraints()).containsExactly(Constraint.of("zone", Constraint.Operator.UNIQUE, null));
  }

  @Test
  void instancesAreNamedWithinTheirNamespace() {
    assertThat(Workloads.displayName("analytics/etl-10")).isEqualTo("etl-10");
  }

  private static Workload withStatusIds(String spec, String... ids) {
    Workload w = workload("analytics", spec);
    List<io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus> entries = new java.util.ArrayList<>();
    for (String id : ids) {
      entries.add(new io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus(id, "n1", "p", null,
          io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Placed, null, null, null, null));
    }
    w.setStatus(new io.poolbridge.api.v1alpha1.WorkloadStatus(1L, io.poolbridge.api.v1alpha1.WorkloadStatus.Phase.Running,
        ids.length, entries, List.of(), null));
    return w;
  }

  private static final String SERVICE = """
        framework: spark
        kind: Service
        instances: 3
        resources: {cpu: 1, memory: 1Gi}
        rollout: {maxSurge: 2, maxUnavailable: 0}
      """;

  @Test
  void aRolloutsSurgeInstancesAreListedAboveTheServicesOwn() {
    Workload w = workload("analytics", SERVICE);
    assertThat(Workloads.instanceIds(w, 2)).containsExactly(
        "analytics/etl-0", "analytics/etl-1", "analytics/etl-2", "analytics/etl-3", "analytics/etl-4");
    assertThat(Workloads.demand(SCHEMA, w, 0, 2).instanceIds()).hasSize(5);
    // At most as many surge instances as there are instances, and 250 in all; a Job or a gang has none.
    assertThat(Workloads.demand(SCHEMA, w, 0, 1_000).instanceIds()).hasSize(6);
    assertThat(Workloads.extra(workload("analytics", SERVICE.replace("instances: 3", "instances: 240")), 100)).isEqualTo(10);
    assertThat(Workloads.extra(workload("analytics", SERVICE.replace("instances: 3", "instances: 250")), 100)).isZero();
    assertThat(Workloads.demand(SCHEMA, workload("analytics", JOB), 0, 2).instanceIds()).hasSize(2);
    assertThat(Workloads.demand(SCHEMA, workload("analytics", SERVICE + "  gang: true\n"), 0, 2).instanceIds()).hasSize(3);
  }

  @Test
  void theSurgeARecordShowsIsReadBackBoundedByMaxSurge() {
    assertThat(Workloads.recordedExtra(withStatusIds(SERVICE, "etl-0", "etl-1", "etl-2"))).isZero();
    assertThat(Workloads.recordedExtra(withStatusIds(SERVICE, "etl-0", "etl-1", "etl-2", "etl-3"))).isEqualTo(1);
    // etl-3 released already, etl-4 still there: ids are contiguous in the demand, so two are listed.
    assertThat(Workloads.recordedExtra(withStatusIds(SERVICE, "etl-0", "etl-4"))).isEqualTo(2);
    // A record (edited by hand, or of a larger maxSurge before) never lists more than maxSurge now.
    assertThat(Workloads.recordedExtra(withStatusIds(SERVICE, "etl-0", "etl-9"))).isEqualTo(2);
    // Entries that are not this Workload's instances are not surge.
    assertThat(Workloads.recordedExtra(withStatusIds(SERVICE, "etl-0", "etl-x-7", "etl-04", "other-5", "etl-", "etl-99999999999")))
        .isZero();
    // A Job, a gang, a Service without a status: none.
    assertThat(Workloads.recordedExtra(withStatusIds(JOB, "etl-0", "etl-5"))).isZero();
    assertThat(Workloads.recordedExtra(withStatusIds(SERVICE + "  gang: true\n", "etl-0", "etl-3"))).isZero();
    assertThat(Workloads.recordedExtra(workload("analytics", SERVICE))).isZero();
  }

  @Test
  void ordinalsAreTheDigitsAfterTheLastDash() {
    assertThat(Workloads.ordinal("analytics/etl-10")).isEqualTo(10);
    assertThat(Workloads.ordinal("web-api-3")).isEqualTo(3);
    assertThat(Workloads.ordinal("web")).isEqualTo(-1);
    assertThat(Workloads.ordinal("web-")).isEqualTo(-1);
    assertThat(Workloads.ordinal("web-3a")).isEqualTo(-1);
    assertThat(Workloads.ordinal("web-1234567890")).isEqualTo(-1);
  }

  private static final String NIGHTLY = """
        framework: spark
        kind: Job
        instances: 20
        resources: {cpu: 1, memory: 1Gi}
        schedule: {cron: "30 1 * * *"}
      """;

  @Test
  void aScheduledJobUnderAllowListsWholeRunsAlongsideUpToItsBound() {
    Workload w = workload("analytics", NIGHTLY);
    assertThat(Workloads.overlaps(w)).isTrue();
    assertThat(Workloads.maxRuns(w)).isEqualTo(10);
    assertThat(Workloads.jobPolicy(w).runSize()).isEqualTo(20);
    // Whole runs only: 25 asked is one run alongside; 1000 asked is 9 (10 at most at once).
    assertThat(Workloads.extra(w, 25)).isEqualTo(20);
    assertThat(Workloads.extra(w, 1_000)).isEqualTo(180);
    assertThat(Workloads.demand(SCHEMA, w, 0, 40).instanceIds()).hasSize(60).last().isEqualTo("analytics/etl-59");
    // At most 250 instances listed in all (the status stays within the object size limit): a Job of
    // 100 runs two at once, one of 126 or more one at a time.
    Workload hundred = workload("analytics", NIGHTLY.replace("instances: 20", "instances: 100"));
    assertThat(Workloads.maxRuns(hundred)).isEqualTo(2);
    assertThat(Workloads.extra(hundred, 1_000)).isEqualTo(100);
    Workload big = workload("analytics", NIGHTLY.replace("instances: 20", "instances: 126"));
    assertThat(Workloads.maxRuns(big)).isEqualTo(1);
    assertThat(Workloads.extra(big, 1_000)).isZero();
    // Forbid, Replace, an unscheduled Job, a gang: runs do not overlap.
    for (String other : List.of(NIGHTLY.replace("30 1 * * *\"}", "30 1 * * *\", concurrencyPolicy: Forbid}"),
        NIGHTLY.replace("30 1 * * *\"}", "30 1 * * *\", concurrencyPolicy: Replace}"), JOB, NIGHTLY + "  gang: true\n")) {
      Workload o = workload("analytics", other);
      assertThat(Workloads.overlaps(o)).as(other).isFalse();
      assertThat(Workloads.extra(o, 40)).isZero();
      assertThat(Workloads.jobPolicy(o).runSize()).isZero();
    }
  }

  @Test
  void theRunsGoingOnAreReadBackInTheirLanes() {
    Workload w = withStatusIds(NIGHTLY, "etl-0", "etl-20", "etl-21");
    List<io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus> entries = new java.util.ArrayList<>();
    entries.add(new io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus("etl-0", null, null, null,
        io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Succeeded, null, null, null, null, 1, null, null));
    entries.add(new io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus("etl-20", "n1", "p", null,
        io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Placed, null, null, null, null, 2, null, null));
    entries.add(new io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus("etl-21", null, null, null,
        io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Succeeded, null, null, null, null));
    var runs = List.of(
        new io.poolbridge.api.v1alpha1.WorkloadStatus.RunStatus("2026-12-02T01:30:00Z", "2026-12-02T01:30:02Z", null, "Running", null,
            "etl-20"),
        new io.poolbridge.api.v1alpha1.WorkloadStatus.RunStatus("2026-12-01T01:30:00Z", "2026-12-01T01:30:01Z", null, "Running", null,
            null),
        // Hostile or stale entries: a lane past the bound, not on a run's boundary, another Workload's.
        new io.poolbridge.api.v1alpha1.WorkloadStatus.RunStatus("2026-11-30T01:30:00Z", "2026-11-30T01:30:01Z", null, "Running", null,
            "etl-7"),
        new io.poolbridge.api.v1alpha1.WorkloadStatus.RunStatus("2026-11-29T01:30:00Z", "2026-11-29T01:30:01Z", null, "Running", null,
            "etl-400"),
        new io.poolbridge.api.v1alpha1.WorkloadStatus.RunStatus("2026-11-28T01:30:00Z", "2026-11-28T01:30:01Z", null, "Running", null,
            "other-20"));
    w.setStatus(new io.poolbridge.api.v1alpha1.WorkloadStatus(1L, io.poolbridge.api.v1alpha1.WorkloadStatus.Phase.Running, 1, entries,
        List.of(), "2026-12-02T01:30:00Z", null, null,
        new io.poolbridge.api.v1alpha1.WorkloadStatus.JobStatus("2026-12-02T01:30:02Z", null, 0, 2),
        new io.poolbridge.api.v1alpha1.WorkloadStatus.ScheduleStatus(null, 0, null, runs)));
    var read = Workloads.recordedRuns(w);
    assertThat(read).containsOnlyKeys(0, 1);
    assertThat(read.get(1).running()).isTrue();
    assertThat(read.get(1).startedAt()).isEqualTo(java.time.Instant.parse("2026-12-02T01:30:02Z"));
    // Lane 1 (etl-20..39): one success (etl-21), two failed attempts (etl-20 restarted twice).
    assertThat(read.get(1).succeeded()).isEqualTo(1);
    assertThat(read.get(1).failures()).isEqualTo(2);
    assertThat(read.get(0).startedAt()).isEqualTo(java.time.Instant.parse("2026-12-01T01:30:01Z"));
    assertThat(read.get(0).succeeded()).isEqualTo(1);
    assertThat(read.get(0).failures()).isEqualTo(1);
    // The record lists lane 1's instances: one run alongside is listed again.
    assertThat(Workloads.recordedExtra(w)).isEqualTo(20);
  }
}
