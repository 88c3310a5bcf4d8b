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
import io.poolbridge.testing.ValidatingCrudDispatcher;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
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
  void theSamplesArePlaced() {
    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults(), Clock.systemUTC(),
        WorkloadReconciler.Materializer.NONE);
    operator.start();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<Workload> all = client.resources(Workload.class).inAnyNamespace().list().getItems();
      assertThat(all).allSatisfy(w -> assertThat(w.getStatus()).as(w.getMetadata().getName()).isNotNull());
    });
    for (Workload w : client.resources(Workload.class).inAnyNamespace().list().getItems()) {
      WorkloadStatus s = w.getStatus();
      System.out.println(w.getMetadata().getNamespace() + "/" + w.getMetadata().getName() + " " + s.phase() + " " + s.placed()
          + " " + s.conditions());
    }
  }
}
