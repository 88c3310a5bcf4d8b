package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import io.poolbridge.materialize.Keys;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Instances that end by themselves, on the embedded API with the operator carrying out its record:
 * a Service's failed Pod is replaced (placed again through the allocator) after the crash-loop
 * back-off, a deleted one at once, a crash-looping instance shows as such; a Job runs to completion,
 * fails past its backoffLimit or its deadline; an External framework reports the end of an instance
 * on a static machine through the status subresource; a new operator goes on with the recorded
 * back-offs. The operator's clock runs ahead on demand: no test waits out a back-off.
 */
class LifecycleIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private EmbeddedEstate estate;
  private KubernetesClient client;
  private PoolbridgeOperator operator;
  private final AheadClock clock = new AheadClock();

  @BeforeEach
  void start() {
    estate = EmbeddedEstate.empty(new ValidatingCrudDispatcher());
    client = estate.client();
    apply(SmallEstate.NAMESPACES);
    apply(SmallEstate.K8S_POOL);
    apply(SmallEstate.WEB_FRAMEWORK);
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: metal}
        spec:
          provider: metal
          region: r1
          source:
            static:
              nodes:
              - {name: m1, address: 10.0.0.1, capacity: {cpu: 8, memory: 32Gi}}
        """);
    client.nodes().resource(node("k1")).create();
    client.nodes().resource(node("k2")).create();
    operator = newOperator();
  }

  private PoolbridgeOperator newOperator() {
    PoolbridgeOperator op = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults(), clock, null);
    op.start();
    return op;
  }

  @AfterEach
  void stop() {
    operator.close();
    estate.close();
  }

  private void apply(String yaml) {
    SmallEstate.apply(client, yaml);
  }

  private static Node node(String name) {
    return SmallEstate.node(name, "k8s");
  }

  /** A Workload of {@code kind} on the k8s pool's nodes, with a pod template, plus {@code extra} spec lines. */
  private void workload(String name, String kind, int instances, String extra) {
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: %s, namespace: team-a}
        spec:
          framework: web
          kind: %s
          instances: %d
          resources: {cpu: 1, memory: 1Gi}
          constraints: [{attribute: pool, operator: IS, value: k8s}]
        %s
          template:
            spec:
              containers: [{name: app, image: busybox}]
        """.formatted(name, kind, instances, extra.indent(2).stripTrailing()));
  }

  private Workload get(String name) {
    return SmallEstate.workload(client, name);
  }

  private InstanceStatus instance(String workload, String id) {
    return SmallEstate.instance(client, workload, id);
  }

  private Pod pod(String name) {
    return client.pods().inNamespace("team-a").withName(name).get();
  }

  private Condition condition(String workload, String type) {
    WorkloadStatus s = get(workload).getStatus();
    return s == null || s.conditions() == null ? null : s.conditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /** The Pod's run ends: phase {@code phase}, its container terminated with {@code exitCode}. */
  private void end(String pod, String phase, int exitCode) {
    PodStatus status = new PodStatusBuilder().withPhase(phase).addNewContainerStatus().withName("app").withRestartCount(0)
        .withNewState().withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
        .endTerminated().endState().endContainerStatus().build();
    client.pods().inNamespace("team-a").withName(pod).editStatus(p -> {
      p.setStatus(status);
      return p;
    });
  }

  private void awaitPod(String name, int attempt) {
    await().atMost(WAIT).untilAsserted(() -> {
      Pod p = pod(name);
      assertThat(p).as("Pod %s", name).isNotNull();
      assertThat(p.getMetadata().getAnnotations().get(Keys.PLACEMENT)).as("Pod %s's placement", name)
          .satisfies(a -> assertThat(io.poolbridge.materialize.PodPlacement.attemptOf(a)).isEqualTo(attempt));
      assertThat(p.getStatus() == null ? null : p.getStatus().getPhase()).isNotIn("Failed", "Succeeded");
    });
  }

  private void advance(Duration d) {
    clock.advance(d);
  }

  @Test
  void aServiceWhosePodFailsIsPlacedAgainAfterTheBackOffAndShowsCrashLoopingWhenItKeepsFailing() {
    workload("web", "Service", 2, "");
    awaitPod("web-0", 0);
    awaitPod("web-1", 0);

    end("web-0", "Failed", 1);
    await().atMost(WAIT).untilAsserted(() -> {
      InstanceStatus i = instance("web", "web-0");
      assertThat(i.state()).isEqualTo(InstanceState.Failed);
      assertThat(i.node()).isNull();
      assertThat(i.restarts()).isEqualTo(1);
      assertThat(i.reason()).isEqualTo("failed: exit code 1 (Error)");
      assertThat(Duration.between(Instant.parse(i.since()), Instant.parse(i.retryAt()))).isEqualTo(Duration.ofSeconds(10));
      assertThat(get("web").getStatus().phase()).isEqualTo(WorkloadStatus.Phase.Partial);
      assertThat(condition("web", "Placed").getReason()).isEqualTo("BackOff");
    });
    // The failed Pod goes (its instance holds no placement while it backs off), and no new one comes
    // before the back-off is over.
    await().atMost(WAIT).until(() -> pod("web-0") == null);
    assertThat(instance("web", "web-0").state()).isEqualTo(InstanceState.Failed);

    advance(Duration.ofSeconds(11));
    awaitPod("web-0", 1);
    await().atMost(WAIT).untilAsserted(() -> {
      InstanceStatus i = instance("web", "web-0");
      assertThat(i.state()).isEqualTo(InstanceState.Placed);
      assertThat(i.restarts()).isEqualTo(1);
      assertThat(i.retryAt()).isNull();
    });

    // Two more failures at once: 20 s, then 40 s, and three in a row is a crash loop.
    end("web-0", "Failed", 1);
    await().atMost(WAIT).until(() -> instance("web", "web-0").retryAt() != null);
    advance(Duration.ofSeconds(21));
    awaitPod("web-0", 2);
    end("web-0", "Failed", 1);
    await().atMost(WAIT).untilAsserted(() -> {
      InstanceStatus i = instance("web", "web-0");
      assertThat(i.restarts()).isEqualTo(3);
      assertThat(Duration.between(Instant.parse(i.since()), Instant.parse(i.retryAt()))).isEqualTo(Duration.ofSeconds(40));
      Condition healthy = condition("web", "Healthy");
      assertThat(healthy).isNotNull();
      assertThat(healthy.getStatus()).isEqualTo("False");
      assertThat(healthy.getReason()).isEqualTo("CrashLoopBackOff");
      assertThat(healthy.getMessage()).startsWith("1 instance(s) keep failing: web-0 failed 3 times in a row (exit code 1 (Error))");
    });
    // The other instance was never touched.
    assertThat(instance("web", "web-1").restarts()).isNull();
    assertThat(pod("web-1").getMetadata().getAnnotations().get(Keys.PLACEMENT)).doesNotContain("attempt");
  }

  @Test
  void aDeletedPodIsPlacedAgainAtOnceAndReadinessIsCounted() {
    workload("web", "Service", 2, "");
    awaitPod("web-0", 0);
    awaitPod("web-1", 0);
    await().atMost(WAIT).untilAsserted(() -> assertThat(get("web").getStatus().ready()).isZero());

    client.pods().inNamespace("team-a").withName("web-1").editStatus(p -> {
      p.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition().build());
      return p;
    });
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(get("web").getStatus().ready()).isEqualTo(1);
      assertThat(instance("web", "web-1").ready()).isTrue();
      assertThat(instance("web", "web-0").ready()).isFalse();
    });

    client.pods().inNamespace("team-a").withName("web-1").delete();
    awaitPod("web-1", 1);
    await().atMost(WAIT).untilAsserted(() -> {
      InstanceStatus i = instance("web", "web-1");
      assertThat(i.state()).isEqualTo(InstanceState.Placed);
      assertThat(i.restarts()).isEqualTo(1);
      assertThat(get("web").getStatus().ready()).isZero();
    });
    assertThat(condition("web", "Healthy")).as("a deleted Pod is not a failure").isNull();
  }

  @Test
  void aJobSucceedsWhenEveryPodDidKeepingThePodsAndReleasingTheAllocation() {
    workload("report", "Job", 2, "");
    awaitPod("report-0", 0);
    awaitPod("report-1", 0);
    end("report-0", "Succeeded", 0);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(instance("report", "report-0").state()).isEqualTo(InstanceState.Succeeded);
      assertThat(get("report").getStatus().job().succeeded()).isEqualTo(1);
      assertThat(get("report").getStatus().placed()).isEqualTo(1);
    });
    end("report-1", "Succeeded", 0);
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("report").getStatus();
      assertThat(s.phase()).isEqualTo(WorkloadStatus.Phase.Succeeded);
      assertThat(s.placed()).isZero();
      assertThat(s.job().succeeded()).isEqualTo(2);
      assertThat(s.job().failed()).isZero();
      assertThat(s.job().completionTime()).isNotNull();
      Condition complete = condition("report", "Complete");
      assertThat(complete.getStatus()).isEqualTo("True");
      assertThat(complete.getMessage()).isEqualTo("all 2 instance(s) ran to completion");
    });
    // The finished Pods stay for their logs; the pool has the allocation back.
    assertThat(pod("report-0").getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(pod("report-1").getStatus().getPhase()).isEqualTo("Succeeded");
    await().atMost(WAIT).untilAsserted(() -> assertThat(operator.loop().state().snapshot().pools().get("k8s").placed().asMap()).isEmpty());
  }

  @Test
  void aJobFailsPastItsBackoffLimitAndStopsItsOtherInstances() {
    workload("report", "Job", 2, "job: {backoffLimit: 1}");
    awaitPod("report-0", 0);
    awaitPod("report-1", 0);
    end("report-0", "Failed", 2);
    await().atMost(WAIT).until(() -> instance("report", "report-0").retryAt() != null);
    assertThat(get("report").getStatus().job().failed()).isEqualTo(1);
    advance(Duration.ofSeconds(11));
    awaitPod("report-0", 1);
    end("report-0", "Failed", 2);
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("report").getStatus();
      assertThat(s.phase()).isEqualTo(WorkloadStatus.Phase.Failed);
      assertThat(s.job().failed()).isEqualTo(2);
      Condition failed = condition("report", "Failed");
      assertThat(failed.getReason()).isEqualTo("BackoffLimitExceeded");
      assertThat(failed.getMessage()).isEqualTo(
          "the Job failed 2 time(s), more than its backoffLimit of 1; last: report-0 exit code 2 (Error)");
      assertThat(instance("report", "report-1").state()).isEqualTo(InstanceState.Failed);
    });
    // The instance still running was stopped: its Pod goes; the failed one's stays for its logs.
    await().atMost(WAIT).until(() -> pod("report-1") == null);
    assertThat(pod("report-0").getStatus().getPhase()).isEqualTo("Failed");
  }

  @Test
  void aJobPastItsActiveDeadlineFails() {
    workload("report", "Job", 1, "job: {activeDeadlineSeconds: 60}");
    awaitPod("report-0", 0);
    advance(Duration.ofSeconds(61));
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(get("report").getStatus().phase()).isEqualTo(WorkloadStatus.Phase.Failed);
      assertThat(condition("report", "Failed").getReason()).isEqualTo("DeadlineExceeded");
    });
    await().atMost(WAIT).until(() -> pod("report-0") == null);
  }

  @Test
  void anExternalFrameworkReportsTheEndOfAnInstanceOnAStaticMachineThroughTheStatusSubresource() {
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: etl, namespace: team-a}
        spec:
          framework: web
          kind: Job
          instances: 1
          resources: {cpu: 1, memory: 1Gi}
          constraints: [{attribute: pool, operator: IS, value: metal}]
        """);
    await().atMost(WAIT).until(() -> instance("etl", "etl-0") != null && instance("etl", "etl-0").node() != null);
    assertThat(get("etl").getStatus().ready()).isEqualTo(1);
    // What the External framework does (kubectl patch --subresource=status --type=json), with the
    // resourceVersion it read so that it never overwrites a newer record.
    Workload w = get("etl");
    int index = 0;
    client.resources(Workload.class).inNamespace("team-a").resource(w).editStatus(edited -> {
      InstanceStatus i = edited.getStatus().instances().get(index);
      java.util.List<InstanceStatus> list = new java.util.ArrayList<>(edited.getStatus().instances());
      list.set(index, new InstanceStatus(i.id(), i.node(), i.pool(), i.resources(), InstanceState.Succeeded, i.revocable(), i.since(),
          "exit code 0", i.costPerHour(), i.restarts(), i.ready(), i.retryAt()));
      WorkloadStatus s = edited.getStatus();
      edited.setStatus(new WorkloadStatus(s.observedGeneration(), s.phase(), s.placed(), list, s.conditions(), s.lastScheduleTime(),
          s.resources(), s.ready(), s.job()));
      return edited;
    });
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("etl").getStatus();
      assertThat(s.phase()).isEqualTo(WorkloadStatus.Phase.Succeeded);
      assertThat(s.instances().get(0).state()).isEqualTo(InstanceState.Succeeded);
      assertThat(s.instances().get(0).node()).isNull();
      assertThat(s.instances().get(0).reason()).isEqualTo("exit code 0");
    });
  }

  @Test
  void aNewOperatorGoesOnWithTheRecordedBackOffAndRestarts() {
    workload("web", "Service", 1, "");
    awaitPod("web-0", 0);
    end("web-0", "Failed", 1);
    await().atMost(WAIT).until(() -> instance("web", "web-0").retryAt() != null);
    InstanceStatus before = instance("web", "web-0");
    operator.close();
    operator = newOperator();
    // The new operator rebuilds from the record: still backing off, nothing placed before retryAt.
    await().atMost(WAIT).until(() -> operator.loop().state().settled());
    assertThat(instance("web", "web-0")).isEqualTo(before);
    assertThat(pod("web-0")).isNull();
    advance(Duration.ofSeconds(11));
    awaitPod("web-0", 1);
    await().atMost(WAIT).untilAsserted(() -> assertThat(instance("web", "web-0").restarts()).isEqualTo(1));
  }

  /** Moves the operator's clock to {@code offset} after {@code at}. */
  private void advanceTo(Instant at, Duration offset) {
    Duration by = Duration.between(clock.instant(), at.plus(offset));
    if (!by.isNegative()) {
      advance(by);
    }
  }

  private WorkloadStatus.ScheduleStatus schedule(String name) {
    WorkloadStatus s = get(name).getStatus();
    return s == null ? null : s.schedule();
  }

  @Test
  void aScheduledJobWaitsForItsTimeRunsAndKeepsItsHistory() {
    workload("nightly", "Job", 1, "schedule: {cron: '*/5 * * * *'}");
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(get("nightly").getStatus()).isNotNull();
      assertThat(get("nightly").getStatus().phase()).isEqualTo(WorkloadStatus.Phase.Waiting);
      assertThat(schedule("nightly").nextScheduleTime()).isNotNull();
    });
    Instant first = Instant.parse(schedule("nightly").nextScheduleTime());
    assertThat(first.getEpochSecond() % 300).as("every five minutes, on the minute").isZero();
    assertThat(pod("nightly-0")).isNull();

    advanceTo(first, Duration.ofSeconds(5));
    awaitPod("nightly-0", 0);
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("nightly").getStatus();
      assertThat(s.lastScheduleTime()).isEqualTo(first.toString());
      assertThat(s.schedule().runs()).singleElement().satisfies(r -> {
        assertThat(r.scheduledTime()).isEqualTo(first.toString());
        assertThat(r.result()).isEqualTo("Running");
      });
      assertThat(s.schedule().nextScheduleTime()).isEqualTo(first.plusSeconds(300).toString());
    });
    end("nightly-0", "Succeeded", 0);
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("nightly").getStatus();
      assertThat(s.phase()).isEqualTo(WorkloadStatus.Phase.Succeeded);
      assertThat(s.schedule().runs()).singleElement().satisfies(r -> {
        assertThat(r.result()).isEqualTo("Succeeded");
        assertThat(r.completionTime()).isNotNull();
      });
    });

    // The second run starts afresh: a new Pod (the finished one of the first run replaced, never
    // taken for the new run's), no failures carried over.
    advanceTo(first.plusSeconds(300), Duration.ofSeconds(5));
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("nightly").getStatus();
      assertThat(s.schedule().runs()).hasSize(2);
      assertThat(s.schedule().runs().get(0).scheduledTime()).isEqualTo(first.plusSeconds(300).toString());
      assertThat(s.schedule().runs().get(0).result()).isEqualTo("Running");
      assertThat(s.phase()).isIn(WorkloadStatus.Phase.Running, WorkloadStatus.Phase.Pending);
    });
    awaitPod("nightly-0", 0);
    assertThat(io.poolbridge.materialize.PodPlacement.runOf(pod("nightly-0").getMetadata().getAnnotations().get(Keys.PLACEMENT)))
        .isEqualTo(get("nightly").getStatus().job().startTime());
    assertThat(get("nightly").getStatus().schedule().runs().get(0).result()).isEqualTo("Running");
  }

  @Test
  void afterDowntimeOnlyTheLatestMissedRunStartsAndOnlyWithinTheStartingDeadline() {
    workload("nightly", "Job", 1, "schedule: {cron: '*/5 * * * *', startingDeadlineSeconds: 60}");
    await().atMost(WAIT).until(() -> schedule("nightly") != null && schedule("nightly").nextScheduleTime() != null);
    Instant first = Instant.parse(schedule("nightly").nextScheduleTime());
    // An hour and two minutes later: 13 scheduled times passed, the latest (first + 60 min) two
    // minutes ago, past the 60 s deadline. Nothing starts; all 13 are missed.
    advanceTo(first, Duration.ofMinutes(62));
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus.ScheduleStatus s = schedule("nightly");
      assertThat(s.missedRuns()).isEqualTo(13);
      assertThat(s.nextScheduleTime()).isEqualTo(first.plus(Duration.ofMinutes(65)).toString());
      assertThat(s.runs()).isNullOrEmpty();
    });
    assertThat(pod("nightly-0")).as("no stampede, no late start").isNull();
    // The next time comes: it runs, once.
    advanceTo(first.plus(Duration.ofMinutes(65)), Duration.ofSeconds(5));
    awaitPod("nightly-0", 0);
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus.ScheduleStatus s = schedule("nightly");
      assertThat(s.runs()).singleElement().extracting(WorkloadStatus.RunStatus::scheduledTime)
          .isEqualTo(first.plus(Duration.ofMinutes(65)).toString());
      assertThat(s.missedRuns()).isEqualTo(13);
    });
  }

  @Test
  void underAllowARunDueWhileOneGoesOnStartsAlongsideOnTheNextInstancesAndEachEndsOnItsOwn() {
    workload("nightly", "Job", 1, "schedule: {cron: '*/5 * * * *'}\njob: {backoffLimit: 0}");
    await().atMost(WAIT).until(() -> schedule("nightly") != null && schedule("nightly").nextScheduleTime() != null);
    Instant first = Instant.parse(schedule("nightly").nextScheduleTime());
    advanceTo(first, Duration.ofSeconds(5));
    awaitPod("nightly-0", 0);
    String firstRun = io.poolbridge.materialize.PodPlacement.runOf(pod("nightly-0").getMetadata().getAnnotations().get(Keys.PLACEMENT));

    // The next run is due while the first goes on: it starts alongside, on nightly-1.
    Instant second = first.plusSeconds(300);
    advanceTo(second, Duration.ofSeconds(5));
    awaitPod("nightly-1", 0);
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("nightly").getStatus();
      assertThat(s.schedule().runs()).extracting(WorkloadStatus.RunStatus::scheduledTime, WorkloadStatus.RunStatus::result,
              WorkloadStatus.RunStatus::firstInstance)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(second.toString(), "Running", "nightly-1"),
              org.assertj.core.groups.Tuple.tuple(first.toString(), "Running", null));
      assertThat(s.instances()).extracting(InstanceStatus::id, InstanceStatus::state).containsExactly(
          org.assertj.core.groups.Tuple.tuple("nightly-0", WorkloadStatus.InstanceState.Placed),
          org.assertj.core.groups.Tuple.tuple("nightly-1", WorkloadStatus.InstanceState.Placed));
      assertThat(s.job().startTime()).as("the status's job is the newest run").isNotEqualTo(firstRun);
    });
    assertThat(io.poolbridge.materialize.PodPlacement.runOf(pod("nightly-0").getMetadata().getAnnotations().get(Keys.PLACEMENT)))
        .as("the first run's Pod goes on").isEqualTo(firstRun);

    // The operator restarts with both runs going on: each is read back in its own lane, no Pod replaced.
    String uid0 = pod("nightly-0").getMetadata().getUid();
    String uid1 = pod("nightly-1").getMetadata().getUid();
    operator.close();
    operator = newOperator();

    // The first run succeeds on its own; the second goes on.
    end("nightly-0", "Succeeded", 0);
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("nightly").getStatus();
      assertThat(s.schedule().runs()).extracting(WorkloadStatus.RunStatus::result).containsExactly("Running", "Succeeded");
      assertThat(s.phase()).isIn(WorkloadStatus.Phase.Running, WorkloadStatus.Phase.Partial);
    });
    assertThat(pod("nightly-1").getMetadata().getUid()).isEqualTo(uid1);
    assertThat(pod("nightly-0").getMetadata().getUid()).as("the finished Pod is kept").isEqualTo(uid0);
    assertThat(pod("nightly-1").getMetadata().getDeletionTimestamp()).isNull();

    // The second fails (backoffLimit 0): its run is Failed, and its lane's instance is released.
    end("nightly-1", "Failed", 3);
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("nightly").getStatus();
      assertThat(s.schedule().runs()).extracting(WorkloadStatus.RunStatus::result).containsExactly("Failed", "Succeeded");
      assertThat(s.schedule().runs().get(0).firstInstance()).isNull();
      assertThat(s.instances()).extracting(InstanceStatus::id).containsExactly("nightly-0");
    });

    // The third run has lane 0 to itself again: nightly-0 afresh.
    advanceTo(first.plusSeconds(600), Duration.ofSeconds(5));
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("nightly").getStatus();
      assertThat(s.schedule().runs()).extracting(WorkloadStatus.RunStatus::result).containsExactly("Running", "Failed", "Succeeded");
      assertThat(s.schedule().runs().get(0).firstInstance()).isNull();
    });
    await().atMost(WAIT).untilAsserted(() -> assertThat(pod("nightly-0").getMetadata().getUid()).isNotEqualTo(uid0));
    awaitPod("nightly-0", 0);
  }

  @Test
  void underReplaceADueRunStopsTheOneStillGoing() {
    workload("nightly", "Job", 1, "schedule: {cron: '*/5 * * * *', concurrencyPolicy: Replace}");
    await().atMost(WAIT).until(() -> schedule("nightly") != null && schedule("nightly").nextScheduleTime() != null);
    Instant first = Instant.parse(schedule("nightly").nextScheduleTime());
    advanceTo(first, Duration.ofSeconds(5));
    awaitPod("nightly-0", 0);
    advanceTo(first.plusSeconds(300), Duration.ofSeconds(5));
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus.ScheduleStatus s = schedule("nightly");
      assertThat(s.runs()).extracting(WorkloadStatus.RunStatus::result).containsExactly("Running", "Replaced");
      assertThat(s.runs().get(1).reason()).isEqualTo("replaced by the run scheduled at " + first.plusSeconds(300));
    });
  }

  @Test
  void aScheduleTheApiServerLetThroughButNoCronReadsIsRefusedWithTheField() {
    workload("nightly", "Job", 1, "schedule: {cron: '61 * * * *'}");
    await().atMost(WAIT).untilAsserted(() -> {
      Condition admitted = condition("nightly", "Admitted");
      assertThat(admitted).isNotNull();
      assertThat(admitted.getStatus()).isEqualTo("False");
      assertThat(admitted.getReason()).isEqualTo("InvalidSchedule");
      assertThat(admitted.getMessage()).startsWith("spec.schedule.cron: ");
    });
  }
}
