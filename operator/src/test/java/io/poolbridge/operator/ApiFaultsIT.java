package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults injected into the embedded API server while the operator places the samples: refused and
 * failed status writes, a concurrent writer, dropped watches. In each case the estate converges to
 * what {@code simulate} predicts (as OperatorSamplesIT checks without faults), no instance is
 * recorded twice, no node over-committed, and the allocation loop still runs.
 */
class ApiFaultsIT {
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

  private static boolean workloadStatusPatch(RecordedRequest r) {
    String p = r.getPath().contains("?") ? r.getPath().substring(0, r.getPath().indexOf('?')) : r.getPath();
    return (r.getMethod().equals("PATCH") || r.getMethod().equals("PUT")) && p.contains("/workloads/") && p.endsWith("/status");
  }

  /** Runs the operator on the faulty API until settled and checks the outcome. */
  private void convergesDespite(Function<RecordedRequest, MockResponse> fault, AtomicInteger injected) {
    estate.api.fault = fault;
    PoolbridgeOperator op = estate.operator();
    op.start();
    await().atMost(SETTLE).until(() -> op.loop().state().settled());
    assertThat(injected.get()).as("faults injected").isPositive();
    assertThat(estate.recorded()).isEqualTo(estate.predicted());
    estate.assertValidRecord();
    assertThat(op.loop().running()).as("the allocation loop runs").isTrue();
    assertThat(op.healthy()).isTrue();
  }

  @Test
  void everyThirdStatusPatchRefusedWithConflict() {
    AtomicInteger writes = new AtomicInteger();
    AtomicInteger injected = new AtomicInteger();
    convergesDespite(r -> {
      if (workloadStatusPatch(r) && writes.incrementAndGet() % 3 == 0) {
        injected.incrementAndGet();
        return FaultyApi.status(409, "Conflict", "Operation cannot be fulfilled: the object has been modified");
      }
      return null;
    }, injected);
  }

  @Test
  void everyThirdStatusWriteFailsWithServerError() {
    AtomicInteger writes = new AtomicInteger();
    AtomicInteger injected = new AtomicInteger();
    convergesDespite(r -> {
      if (workloadStatusPatch(r) && writes.incrementAndGet() % 3 == 1) {
        injected.incrementAndGet();
        return FaultyApi.status(500, "InternalError", "etcdserver: request timed out");
      }
      return null;
    }, injected);
  }

  @Test
  void aConcurrentWriterEditsTheWorkloadBetweenTheLoopsReadAndWrite() {
    // The first status write of each Workload finds it relabelled by someone else since the loop read it.
    Set<String> touched = ConcurrentHashMap.newKeySet();
    AtomicInteger injected = new AtomicInteger();
    convergesDespite(r -> {
      if (workloadStatusPatch(r)) {
        String path = r.getPath().substring(0, r.getPath().length() - "/status".length());
        if (touched.add(path)) {
          MockResponse edit = estate.api.serve("PATCH", path, "application/merge-patch+json",
              "{\"metadata\":{\"labels\":{\"example.com/touched\":\"yes\"}}}");
          assertThat(edit.code()).isLessThan(300);
          injected.incrementAndGet();
        }
      }
      return null;
    }, injected);
    estate.workloads().forEach(w -> assertThat(w.getMetadata().getLabels()).containsEntry("example.com/touched", "yes"));
  }

  @Test
  void watchesDroppedMidWay() {
    AtomicInteger writes = new AtomicInteger();
    AtomicInteger injected = new AtomicInteger();
    convergesDespite(r -> {
      if (workloadStatusPatch(r) && writes.incrementAndGet() == 2) {
        // Mid-way: every watch connection closes (an API server restart); the informers must re-list or resume.
        new Thread(() -> injected.addAndGet(estate.api.dropWatches())).start();
      }
      return null;
    }, injected);
    // After the drop the operator still follows the cluster: a Workload scaled down is trimmed.
    var connect = estate.client.resources(io.poolbridge.api.v1alpha1.Workload.class).inNamespace("streaming").withName("kafka-connect");
    estate.api.dropWatches();
    int instances = connect.get().getSpec().instances();
    connect.patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\":{\"instances\":" + (instances - 1) + "}}");
    await().atMost(SETTLE).until(() -> estate.placed().get("streaming/kafka-connect").size() == instances - 1);
    estate.assertValidRecord();
  }
}
