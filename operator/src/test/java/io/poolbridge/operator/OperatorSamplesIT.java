package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.reconciler.workload.WorkloadReconciler;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.simulate.EstateSimulation;
import io.poolbridge.simulate.SimulationOutcome;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperatorSamplesIT {
  private KubernetesMockServer server;
  private KubernetesClient client;
  private PoolbridgeOperator operator;

  static Path dir(String name) {
    Path fromModule = Path.of("..", name);
    return Files.isDirectory(fromModule) ? fromModule : Path.of(name);
  }

  @BeforeEach
  void start() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new ValidatingCrudDispatcher(), false);
    server.init();
    client = server.createClient(new JdkHttpClientFactory());
    try (Stream<Path> crds = Files.list(dir("crds"))) {
      for (Path file : crds.sorted().toList()) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      }
    }
    apply(dir("samples").resolve("simulation/cloud-nodes.yaml").toFile());
    try (Stream<Path> files = Files.list(dir("samples"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        apply(f.toFile());
      }
    }
  }

  private void apply(File file) throws Exception {
    List<HasMetadata> items;
    try (var in = new java.io.FileInputStream(file)) {
      items = client.load(in).items();
    }
    for (HasMetadata item : items) {
      client.resource(item).create();
    }
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    client.close();
    server.destroy();
  }

  @Test
  void theSamplesArePlacedAsSimulatePredicts() {
    EstateLoader.Input input = new EstateLoader().load(List.of(dir("samples"), dir("samples").resolve("simulation")));
    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults().withRates(input.settings().rates()), Clock.systemUTC(),
        WorkloadReconciler.Materializer.NONE);
    operator.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.loop().state().settled());
    SimulationOutcome predicted = new EstateSimulation(input, 0, java.time.Instant.now(), input.settings().rates()).run(100);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    for (SimulationOutcome.WorkloadPlacement w : predicted.workloads()) {
      Map<String, String> nodes = new TreeMap<>();
      w.placements().forEach(i -> nodes.put(i.id(), i.pool() + "/" + i.node()));
      w.pending().forEach(p -> nodes.put(p.id(), "pending " + p.reason()));
      expected.put(w.key(), nodes);
    }
    Map<String, Map<String, String>> actual = new TreeMap<>();
    for (Workload w : client.resources(Workload.class).inAnyNamespace().list().getItems()) {
      Map<String, String> nodes = new TreeMap<>();
      w.getStatus().instances().forEach(i -> nodes.put(i.id(), i.node() == null ? "pending " + reason(w, i) : i.pool() + "/" + i.node()));
      actual.put(w.getMetadata().getNamespace() + "/" + w.getMetadata().getName(), nodes);
    }
    assertThat(actual).isEqualTo(expected);
  }

  private static String reason(Workload w, WorkloadStatus.InstanceStatus i) {
    return w.getStatus().conditions().stream().filter(c -> c.getType().equals(i.state() == null ? "" : "Placed"))
        .map(io.fabric8.kubernetes.api.model.Condition::getReason).findFirst().orElse("?");
  }
}
