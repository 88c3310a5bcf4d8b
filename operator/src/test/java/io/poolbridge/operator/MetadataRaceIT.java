package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.reconciler.workload.WorkloadReconciler;
import io.poolbridge.simulate.EstateSimulation;
import io.poolbridge.simulate.SimulationOutcome;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Workload's metadata changes between the allocation loop's read and its status write (what
 * JOSDK does when it adds its finalizer, and what a user does with {@code kubectl label}): its
 * record is unchanged, so the placements decided on it stand. Here the API changes each Workload's
 * labels just before the loop's first status write reaches it, every time; the samples must still
 * land where {@code simulate} predicts, as {@link OperatorSamplesIT} shows without the race.
 */
class MetadataRaceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private EmbeddedEstate estate;
  private KubernetesClient client;
  private PoolbridgeOperator operator;

  /** Before the first status patch of each Workload, an update of its labels: the patch's resourceVersion is then stale. */
  static final class LabelsChangeFirst extends KubernetesCrudDispatcher {
    final Set<String> raced = ConcurrentHashMap.newKeySet();
    final AtomicInteger races = new AtomicInteger();

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
      String path = request.getPath().contains("?") ? request.getPath().substring(0, request.getPath().indexOf('?')) : request.getPath();
      if (path.contains("/workloads/") && path.endsWith("/status") && raced.add(path)) {
        String objectPath = path.substring(0, path.length() - "/status".length());
        MockResponse current = handleGet(objectPath);
        if (current.code() == 200) {
          try {
            ObjectNode o = (ObjectNode) JSON.readTree(current.getBody().getBytes());
            ObjectNode metadata = (ObjectNode) o.get("metadata");
            ObjectNode labels = metadata.has("labels") ? (ObjectNode) metadata.get("labels") : metadata.putObject("labels");
            labels.put("example.com/touched", "yes");
            super.handleUpdate(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, objectPath, request.getHeaders(),
                new Buffer(o.toString().getBytes(StandardCharsets.UTF_8))));
            races.incrementAndGet();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      return super.handlePatch(request);
    }
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      client.close();
    }
    if (estate != null) {
      estate.close();
    }
  }

  @Test
  void aLabelChangedBeforeTheStatusWriteKeepsThePlacementsSimulatePredicts() throws Exception {
    LabelsChangeFirst dispatcher = new LabelsChangeFirst();
    estate = EmbeddedEstate.samples(dispatcher);
    client = estate.client();
    Path samples = OperatorSamplesIT.dir("samples");
    EstateLoader.Input input = new EstateLoader().load(List.of(samples, samples.resolve("simulation")));
    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults().withRates(input.settings().rates()), Clock.systemUTC(),
        WorkloadReconciler.Materializer.NONE);
    operator.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.loop().state().settled()
        && client.resources(Workload.class).inAnyNamespace().list().getItems().stream().allMatch(w -> w.getStatus() != null));

    SimulationOutcome predicted = new EstateSimulation(input, 0, Instant.now(), input.settings().rates()).run(100);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    for (SimulationOutcome.WorkloadPlacement w : predicted.workloads()) {
      Map<String, String> nodes = new TreeMap<>();
      w.placements().forEach(i -> nodes.put(i.id(), i.pool() + "/" + i.node()));
      expected.put(w.key(), nodes);
    }
    Map<String, Map<String, String>> actual = new TreeMap<>();
    for (Workload w : client.resources(Workload.class).inAnyNamespace().list().getItems()) {
      Map<String, String> nodes = new TreeMap<>();
      w.getStatus().instances().forEach(i -> nodes.put(i.id(), i.node() == null ? "pending" : i.pool() + "/" + i.node()));
      actual.put(w.getMetadata().getNamespace() + "/" + w.getMetadata().getName(), nodes);
    }
    assertThat(dispatcher.races.get()).as("status writes raced by a label change").isEqualTo(7);
    assertThat(actual).isEqualTo(expected);
  }

  private void apply(File file) throws IOException {
    List<HasMetadata> items;
    try (var in = new FileInputStream(file)) {
      items = client.load(in).items();
    }
    for (HasMetadata item : items) {
      client.resource(item).create();
    }
  }
}
