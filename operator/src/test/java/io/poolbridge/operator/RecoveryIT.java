package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stop the operator at several points, start a fresh one on the same API server: the record is
 * restored, not placed again; what was recorded stays where it is; nothing is placed twice, no node
 * over-committed; and a fresh operator over a settled estate writes nothing.
 */
class RecoveryIT {
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private FaultyEstate estate;

  @BeforeEach
  void start() throws Exception {
    estate = new FaultyEstate();
  }

  @AfterEach
  void stop() {
    estate.close();
  }

  private PoolbridgeOperator settledOperator() {
    PoolbridgeOperator op = estate.operator();
    op.start();
    await().atMost(SETTLE).until(() -> op.loop().state().settled());
    return op;
  }

  /** The placements recorded before the stop are still recorded, on the same nodes. */
  private void assertKept(Map<String, Map<String, String>> before) {
    Map<String, Map<String, String>> after = estate.placed();
    before.forEach((workload, instances) -> assertThat(after.get(workload))
        .as("placements of %s recorded before the stop", workload).containsAllEntriesOf(instances));
  }

  /** The Pods of kafka-connect (the sample with a pod template), by name: uid and node. */
  private Map<String, String> pods() {
    Map<String, String> pods = new java.util.TreeMap<>();
    estate.client.pods().inNamespace("streaming").list().getItems()
        .forEach(p -> pods.put(p.getMetadata().getName(), p.getMetadata().getUid() + "@" + p.getSpec().getNodeName()));
    return pods;
  }

  @Test
  void aFreshOperatorAdoptsThePodsItFindsAndDuplicatesNone() {
    PoolbridgeOperator a = estate.materializingOperator();
    a.start();
    Map<String, String> placed = estate.predicted().get("streaming/kafka-connect");
    await().atMost(SETTLE).untilAsserted(() -> assertThat(pods().keySet()).isEqualTo(placed.keySet()));
    Map<String, String> before = pods();
    a.close();

    long mark = estate.api.mark();
    PoolbridgeOperator b = estate.materializingOperator();
    b.start();
    await().atMost(SETTLE).until(() -> b.loop().state().settled());
    long ticks = b.loop().state().generation();
    await().atMost(SETTLE).until(() -> b.loop().state().generation() >= ticks + 3);

    assertThat(pods()).as("the same Pods, same uids, same nodes").isEqualTo(before);
    assertThat(estate.api.since(mark).stream().filter(s -> s.path().contains("/pods") && !s.method().equals("GET")).toList())
        .as("Pod writes after B started").isEmpty();
  }

  @Test
  void stoppedBeforeTheFirstTickCompletes() {
    PoolbridgeOperator a = estate.operator();
    a.start();
    a.close();
    Map<String, Map<String, String>> before = estate.placed();

    settledOperator();

    assertKept(before);
    estate.assertValidRecord();
    assertThat(estate.recorded()).isEqualTo(estate.predicted());
  }

  @Test
  void stoppedAfterSomeWorkloadsAreRecorded() {
    // The samples' Workloads are recorded over several writes: the API takes the first two, then
    // answers every other Workload status write with 500 until A is stopped.
    java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
    estate.api.fault = r -> {
      String path = r.getPath();
      boolean workloadStatus = r.getMethod().equals("PATCH") && path.contains("/workloads/") && path.contains("/status");
      return workloadStatus && taken.incrementAndGet() > 2
          ? new io.fabric8.mockwebserver.http.MockResponse().setResponseCode(500).setBody("{}") : null;
    };
    PoolbridgeOperator a = estate.operator();
    long mark = estate.api.mark();
    a.start();
    await().atMost(SETTLE).until(() -> estate.api.since(mark).stream()
        .filter(s -> s.workloadStatusWrite() && s.code() < 300).count() >= 2);
    await().atMost(SETTLE).until(() -> taken.get() > 4);
    a.close();
    estate.api.fault = r -> null;
    Map<String, Map<String, String>> before = estate.placed();
    assertThat(before.values().stream().mapToInt(Map::size).sum()).as("instances recorded by A").isPositive();
    assertThat(before.values().stream().filter(Map::isEmpty).count()).as("workloads A left unrecorded").isPositive();

    settledOperator();

    assertKept(before);
    estate.assertValidRecord();
    Map<String, Map<String, String>> predicted = estate.predicted();
    assertThat(estate.recorded().keySet()).isEqualTo(predicted.keySet());
    estate.recorded().forEach((w, instances) -> assertThat(instances.keySet()).as("instances of %s", w)
        .isEqualTo(predicted.get(w).keySet()));
  }

  /**
   * Waits until A has written its last status: the loop settles before the pool and framework
   * controllers write the statuses of its last tick, so "settled" alone would stop A between the two.
   */
  private void untilStatusWritesStop() {
    long[] last = {-1};
    await().atMost(SETTLE).pollDelay(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(1500)).until(() -> {
      long writes = estate.api.since(0).stream().filter(FaultyApi.Served::statusWrite).count();
      boolean quiet = writes == last[0];
      last[0] = writes;
      return quiet;
    });
  }

  @Test
  void aFreshOperatorOverASettledEstateChangesNothing() {
    PoolbridgeOperator a = settledOperator();
    untilStatusWritesStop();
    Map<String, Map<String, String>> before = estate.recorded();
    List<String> versions = versions();
    a.close();

    long mark = estate.api.mark();
    PoolbridgeOperator b = settledOperator();
    // A few allocation intervals more: B ticks over the restored engine and finds nothing to do.
    long ticks = b.loop().state().generation();
    await().atMost(SETTLE).until(() -> b.loop().state().generation() >= ticks + 3);

    assertThat(estate.recorded()).isEqualTo(before);
    assertThat(estate.api.since(mark).stream().filter(FaultyApi.Served::statusWrite).toList())
        .as("status writes after B started").isEmpty();
    assertThat(versions()).isEqualTo(versions);
  }

  private List<String> versions() {
    List<String> out = new ArrayList<>();
    estate.workloads().forEach(w -> out.add(FaultyEstate.key(w) + "@" + w.getMetadata().getResourceVersion()));
    out.sort(null);
    return out;
  }

  @Test
  void aRecordNamingANodeThatDoesNotExistIsPlacedAgain() {
    PoolbridgeOperator a = settledOperator();
    a.close();
    Map<String, Map<String, String>> settled = estate.recorded();
    var brokers = estate.client.resources(Workload.class).inNamespace("streaming").withName("kafka-brokers");
    Workload edited = brokers.editStatus(w -> {
      List<WorkloadStatus.InstanceStatus> instances = new ArrayList<>(w.getStatus().instances());
      WorkloadStatus.InstanceStatus first = instances.get(0);
      instances.set(0, new WorkloadStatus.InstanceStatus(first.id(), "no-such-node", first.pool(), first.resources(),
          first.state(), first.revocable(), first.since(), first.reason(), first.costPerHour()));
      w.setStatus(new WorkloadStatus(w.getStatus().observedGeneration(), w.getStatus().phase(), w.getStatus().placed(),
          instances, w.getStatus().conditions(), w.getStatus().lastScheduleTime()));
      return w;
    });
    assertThat(edited.getStatus().instances().get(0).node()).isEqualTo("no-such-node");

    settledOperator();

    estate.assertValidRecord();
    assertThat(estate.recorded().get("streaming/kafka-brokers").values()).noneMatch(n -> n.endsWith("/no-such-node"));
    assertThat(estate.recorded().get("streaming/kafka-brokers")).as("every broker placed again")
        .allSatisfy((id, node) -> assertThat(node).doesNotStartWith("pending"));
    // The others are untouched.
    settled.remove("streaming/kafka-brokers");
    Map<String, Map<String, String>> now = estate.recorded();
    now.remove("streaming/kafka-brokers");
    assertThat(now).isEqualTo(settled);
  }

  @Test
  void aRecordListingMoreInstancesThanTheSpecIsTrimmed() {
    PoolbridgeOperator a = settledOperator();
    a.close();
    var brokers = estate.client.resources(Workload.class).inNamespace("streaming").withName("kafka-brokers");
    Workload w = brokers.get();
    int instances = w.getSpec().instances();
    Map<String, String> recorded = estate.placed().get("streaming/kafka-brokers");
    assertThat(recorded).hasSize(instances);
    // Scaled down by one while no operator ran.
    brokers.patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\":{\"instances\":" + (instances - 1) + "}}");
    assertThat(brokers.get().getSpec().instances()).isEqualTo(instances - 1);

    settledOperator();

    estate.assertValidRecord();
    Map<String, String> now = estate.placed().get("streaming/kafka-brokers");
    assertThat(now).hasSize(instances - 1).doesNotContainKey("kafka-brokers-" + (instances - 1));
    recorded.remove("kafka-brokers-" + (instances - 1));
    assertThat(now).as("the brokers kept stay where they were").isEqualTo(recorded);
  }
}
