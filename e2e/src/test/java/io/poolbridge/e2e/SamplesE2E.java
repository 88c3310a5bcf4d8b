package io.poolbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.operator.PoolbridgeOperator;
import io.poolbridge.simulate.EstateSimulation;
import io.poolbridge.simulate.SimulationOutcome;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl apply -f samples/} on a one-node k3s cluster, with the operator running in this
 * JVM: every Workload ends up where {@code poolbridge simulate -f samples/} says it would, from the
 * same files. The static pools (metal-ams, metal-fra) have their machines in the files; the two
 * kubernetes-source pools select no Node here (the k3s Node has none of their labels, and the gcp
 * pool's kubeconfig Secret does not exist), exactly as simulate sees them without
 * {@code samples/simulation/cloud-nodes.yaml}. The operator's settings (currency, exchange rates)
 * are those of {@code samples/simulation/poolbridge-settings.yaml}, as simulate reads them.
 */
@ExtendWith(K3sExtension.class)
class SamplesE2E {

  private static final Path SAMPLES = ProjectRoot.resolve("samples");
  private static final Path SETTINGS = SAMPLES.resolve("simulation/poolbridge-settings.yaml");
  private static final Duration SETTLED = Duration.ofMinutes(3);
  private static final Duration WRITTEN = Duration.ofMinutes(2);

  private static KubernetesClient client;
  private static PoolbridgeOperator operator;
  private static EstateLoader.Input input;

  @BeforeAll
  static void applyTheSamplesAndStartTheOperator(KubernetesClient k3s) {
    client = k3s;
    Estate.installCrds(client);
    Estate.reset(client);
    Estate.ensureNamespace(client, Estate.OPERATOR_NAMESPACE, Map.of());
    List<Path> files = Manifests.yamlFiles(SAMPLES).stream()
        .filter(f -> SAMPLES.equals(f.getParent()))
        .toList();
    Estate.apply(client, files);
    input = new EstateLoader().load(List.of(SAMPLES, SETTINGS));
    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults().withRates(input.settings().rates()),
        Clock.systemUTC(), null);
    operator.start();
  }

  @AfterAll
  static void stopOperatorAndCleanUp() {
    try {
      if (operator != null) {
        Estate.deleteAll(client, Duration.ofMinutes(3));
      }
    } finally {
      if (operator != null) {
        operator.close();
      }
      if (client != null) {
        Estate.reset(client);
      }
    }
  }

  @Test
  void theSamplesArePlacedAsSimulatePredicts() {
    SimulationOutcome predicted = new EstateSimulation(input, 0, Instant.now(), input.settings().rates()).run(100);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    for (SimulationOutcome.WorkloadPlacement w : predicted.workloads()) {
      Map<String, String> instances = new TreeMap<>();
      w.placements().forEach(i -> instances.put(i.id(), i.pool() + "/" + i.node()));
      w.pending().forEach(p -> instances.put(p.id(), "pending"));
      expected.put(w.key(), instances);
    }
    assertThat(expected).as("simulate places something from the samples").isNotEmpty();

    // Waited for as the result, not for the loop to report itself settled: the gcp pool's missing
    // kubeconfig Secret is retried in the background, and only the outcome is the user's concern.
    await("Workloads placed as simulate predicts").atMost(SETTLED).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      Map<String, Map<String, String>> actual = new TreeMap<>();
      for (Workload w : client.resources(Workload.class).inAnyNamespace().list().getItems()) {
        Map<String, String> instances = new TreeMap<>();
        if (w.getStatus() != null && w.getStatus().instances() != null) {
          w.getStatus().instances().forEach(i -> instances.put(i.id(), i.node() == null ? "pending" : i.pool() + "/" + i.node()));
        }
        actual.put(w.getMetadata().getNamespace() + "/" + w.getMetadata().getName(), instances);
      }
      assertThat(actual).isEqualTo(expected);
    });

    // Instances on static machines are endpoints of a headless Service named after their Workload.
    for (SimulationOutcome.WorkloadPlacement w : predicted.workloads()) {
      if ("Service".equals(w.kind()) && !w.placements().isEmpty()
          && w.placements().stream().allMatch(i -> i.pool().startsWith("metal-"))) {
        await("Service " + w.key()).atMost(WRITTEN).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
          var service = client.services().inNamespace(w.namespace()).withName(w.name()).get();
          assertThat(service).as("Service %s", w.key()).isNotNull();
          assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
          var hostnames = client.discovery().v1().endpointSlices().inNamespace(w.namespace())
              .withLabel("kubernetes.io/service-name", w.name()).list().getItems().stream()
              .flatMap(slice -> slice.getEndpoints().stream())
              .map(e -> e.getHostname())
              .sorted()
              .toList();
          assertThat(hostnames).as("endpoints of %s", w.key())
              .isEqualTo(w.placements().stream().map(SimulationOutcome.Instance::id).sorted().toList());
        });
      }
    }

    // The k3s Node is in no pool: nothing taints it.
    assertThat(Estate.poolbridgeTaints(Estate.onlyNode(client))).as("taints of the k3s Node, which no pool selects").isEmpty();

    // Pool and Framework statuses follow the engine.
    await("pool and framework statuses").atMost(WRITTEN).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      for (SimulationOutcome.Pool p : predicted.pools()) {
        ResourcePool pool = client.resources(ResourcePool.class).withName(p.name()).get();
        assertThat(pool.getStatus()).as("status of pool %s", p.name()).isNotNull();
        assertThat(Objects.requireNonNullElse(pool.getStatus().nodeCount(), 0)).as("nodes of pool %s", p.name())
            .isEqualTo(p.nodes());
      }
      for (SimulationOutcome.FrameworkUse f : predicted.frameworks()) {
        Framework fw = client.resources(Framework.class).withName(f.name()).get();
        assertThat(fw.getStatus()).as("status of framework %s", f.name()).isNotNull();
        assertThat(Objects.requireNonNullElse(fw.getStatus().pendingInstances(), 0)).as("pending of framework %s", f.name())
            .isEqualTo(f.pendingInstances());
      }
    });
  }
}
