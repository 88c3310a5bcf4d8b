package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.simulate.EstateSimulation;
import io.poolbridge.simulate.SimulationOutcome;
import java.util.List;
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
        null);
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

    // What the record is carried out as. kafka-connect has a pod template and runs on aws Nodes of
    // this cluster: one Pod per instance, bound to its node, tolerating the pool's taint.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Map<String, String> pods = new TreeMap<>();
      for (Pod pod : client.pods().inNamespace("streaming").list().getItems()) {
        pods.put(pod.getMetadata().getName(), "aws-eu-west-1/" + pod.getSpec().getNodeName());
      }
      assertThat(pods).isEqualTo(expected.get("streaming/kafka-connect"));
    });
    Pod connect = client.pods().inNamespace("streaming").withName("kafka-connect-0").get();
    assertThat(connect.getSpec().getTolerations()).anySatisfy(t -> {
      assertThat(t.getKey()).isEqualTo("poolbridge.io/pool");
      assertThat(t.getValue()).isEqualTo("aws-eu-west-1");
    });
    assertThat(connect.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("kafka-connect"));
    // Every Node of a pool is tainted, in this cluster and in the remote one; a Node no pool selects is not.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (var n : client.nodes().list().getItems()) {
        boolean pooled = operator.loop().state().poolNodes().get("aws-eu-west-1").stream()
            .anyMatch(p -> p.name().equals(n.getMetadata().getName()));
        if (pooled) {
          assertThat(taints(n)).as(n.getMetadata().getName()).anySatisfy(t -> assertThat(t.getValue()).isEqualTo("aws-eu-west-1"));
        } else {
          assertThat(taints(n)).as(n.getMetadata().getName()).noneSatisfy(t -> assertThat(t.getKey()).isEqualTo("poolbridge.io/pool"));
        }
      }
      assertThat(estate.remote("gke-europe-west4-kubeconfig").nodes().list().getItems()).allSatisfy(n -> assertThat(taints(n))
          .as(n.getMetadata().getName()).anySatisfy(t -> assertThat(t.getValue()).isEqualTo("gcp-europe-west4")));
    });
    // Instances on static machines are endpoints of a headless Service named after their Workload.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var slices = client.discovery().v1().endpointSlices().inNamespace("streaming")
          .withLabel("kubernetes.io/service-name", "kafka-brokers").list().getItems();
      assertThat(slices.stream().flatMap(sl -> sl.getEndpoints().stream()).map(e -> e.getHostname()).sorted().toList())
          .isEqualTo(List.copyOf(expected.get("streaming/kafka-brokers").keySet()));
      assertThat(client.services().inNamespace("streaming").withName("kafka-brokers").get().getSpec().getClusterIP()).isEqualTo("None");
    });
    // Pool and framework statuses follow the engine.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var pool = client.resources(io.poolbridge.api.v1alpha1.ResourcePool.class).withName("gcp-europe-west4").get();
      assertThat(pool.getStatus()).isNotNull();
      assertThat(pool.getStatus().nodeCount()).isEqualTo(predicted.pools().stream()
          .filter(p -> p.name().equals("gcp-europe-west4")).findFirst().orElseThrow().nodes());
      var fw = client.resources(io.poolbridge.api.v1alpha1.Framework.class).withName("spark").get();
      assertThat(fw.getStatus()).isNotNull();
      assertThat(fw.getStatus().pendingInstances()).isEqualTo(predicted.frameworks().stream()
          .filter(f -> f.name().equals("spark")).findFirst().orElseThrow().pendingInstances());
    });
  }

  private static List<io.fabric8.kubernetes.api.model.Taint> taints(io.fabric8.kubernetes.api.model.Node n) {
    return n.getSpec() == null || n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints();
  }

  private static String reason(Workload w, WorkloadStatus.InstanceStatus i) {
    return w.getStatus().conditions().stream().filter(c -> c.getType().equals(i.state() == null ? "" : "Placed"))
        .map(io.fabric8.kubernetes.api.model.Condition::getReason).findFirst().orElse("?");
  }
}
