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

/**
 * The operator on the sample estate: the aws pool's Nodes in its own cluster, the gcp pool's in a
 * remote cluster reached through the kubeconfig Secret the pool names, the static pools from their
 * inventories. Every instance lands where {@code simulate} predicts from the same files.
 */
class OperatorSamplesIT {
  private EmbeddedEstate estate;
  private KubernetesClient client;
  private PoolbridgeOperator operator;

  static Path dir(String name) {
    return EmbeddedEstate.dir(name);
  }

  @BeforeEach
  void start() {
    estate = EmbeddedEstate.samples();
    client = estate.client();
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    estate.close();
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
    assertThat(operator.cache().remotes().health(new RemoteClusters.Ref(EmbeddedEstate.OPERATOR_NAMESPACE,
        "gke-europe-west4-kubeconfig", "kubeconfig"))).isEqualTo(RemoteClusters.Health.REACHABLE);
    assertThat(actual).isEqualTo(expected);
  }

  private static String reason(Workload w, WorkloadStatus.InstanceStatus i) {
    return w.getStatus().conditions().stream().filter(c -> c.getType().equals(i.state() == null ? "" : "Placed"))
        .map(io.fabric8.kubernetes.api.model.Condition::getReason).findFirst().orElse("?");
  }
}
