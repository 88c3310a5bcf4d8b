package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.reconciler.workload.WorkloadReconciler;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A change to a Workload's metadata only (the finalizer the reconciler adds, an annotation) that
 * lands between the allocation loop's read and its status write makes the write a 409. The
 * placement the loop decided is still right (the spec and the status it was decided from are
 * unchanged), so it is recorded on the fresh version instead of being undone and made again a
 * tick later.
 */
class StatusWriteRaceIT {
  /** Touches the Workload's annotations just before the first status write of a Workload reaches the store. */
  static final class RacingDispatcher extends KubernetesCrudDispatcher {
    final AtomicBoolean raced = new AtomicBoolean();

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
      String path = request.getPath().contains("?") ? request.getPath().substring(0, request.getPath().indexOf('?'))
          : request.getPath();
      if (path.contains("/workloads/") && path.endsWith("/status") && raced.compareAndSet(false, true)) {
        String object = path.substring(0, path.length() - "/status".length());
        Headers headers = Headers.builder().add("Content-Type", "application/merge-patch+json").build();
        byte[] body = "{\"metadata\":{\"annotations\":{\"example.com/touched\":\"yes\"}}}".getBytes(StandardCharsets.UTF_8);
        super.handlePatch(new RecordedRequest("HTTP/1.1", HttpMethod.PATCH, object, headers, new Buffer(body)));
      }
      return super.handlePatch(request);
    }
  }

  private final RacingDispatcher dispatcher = new RacingDispatcher();
  private EmbeddedEstate estate;
  private KubernetesClient client;
  private PoolbridgeOperator operator;

  @BeforeEach
  void start() throws Exception {
    estate = EmbeddedEstate.empty(dispatcher);
    client = estate.client();
    apply("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: team-a}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: metal}
        spec:
          provider: metal
          region: r1
          source:
            static:
              nodes:
              - {name: m1, capacity: {cpu: 8, memory: 32Gi}}
              - {name: m2, capacity: {cpu: 8, memory: 32Gi}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: fw}
        spec:
          type: External
          role: team-a
          namespaces: {names: [team-a]}
        """);
  }

  private void apply(String yaml) {
    for (HasMetadata item : client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      client.resource(item).create();
    }
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    estate.close();
  }

  @Test
  void aMetadataChangeRacingTheFirstStatusWriteDoesNotUndoThePlacement() {
    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults(), Clock.systemUTC(),
        WorkloadReconciler.Materializer.NONE);
    AtomicInteger decided = new AtomicInteger();
    operator.loop().addListener((tick, state, took) -> decided.addAndGet(tick.placed().size()));
    operator.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.loop().state().settled());
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: team-a}
        spec:
          framework: fw
          kind: Service
          instances: 3
          resources: {cpu: 1, memory: 1Gi}
        """);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Workload w = client.resources(Workload.class).inNamespace("team-a").withName("web").get();
      return w.getStatus() != null && w.getStatus().instances() != null && w.getStatus().instances().size() == 3
          && w.getStatus().instances().stream().allMatch(i -> i.state() == WorkloadStatus.InstanceState.Placed)
          && operator.loop().state().settled();
    });
    assertThat(dispatcher.raced).isTrue();
    // Three instances, each decided once: the racing annotation did not roll the placement back.
    assertThat(decided.get()).isEqualTo(3);
  }
}
