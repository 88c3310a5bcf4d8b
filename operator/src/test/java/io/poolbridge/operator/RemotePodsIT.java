package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import io.poolbridge.materialize.Keys;
import io.poolbridge.materialize.PodPlacement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances placed on the Nodes of a pool that reads a remote cluster (through its kubeconfig
 * Secret) live as local ones do: their Pods in that cluster are watched, so a Pod that fails is
 * placed again after the back-off, one deleted from outside is replaced at once, and readiness is
 * the remote Pod's. The operator's clock runs ahead on demand: no test waits out a back-off.
 */
class RemotePodsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "remote-kubeconfig";
  private EmbeddedEstate estate;
  private KubernetesClient client;
  private KubernetesClient remote;
  private PoolbridgeOperator operator;
  private final AheadClock clock = new AheadClock();

  @BeforeEach
  void start(@TempDir Path dir) throws IOException {
    estate = EmbeddedEstate.empty(new ValidatingCrudDispatcher());
    client = estate.client();
    SmallEstate.apply(client, SmallEstate.NAMESPACES);
    Path file = dir.resolve("estate.yaml");
    Files.writeString(file, """
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: far}
        spec:
          provider: gcp
          region: europe-west4
          source:
            kubernetes:
              nodeSelector: {matchLabels: {pool: far}}
              kubeconfigSecretRef: {name: %s}
        """.formatted(SECRET) + "---\n" + SmallEstate.WEB_FRAMEWORK);
    estate.apply(List.of(file));
    // The Nodes go to the remote cluster (the pool that selects them reads it), the Secret to the operator's namespace.
    Path nodes = dir.resolve("nodes.yaml");
    Files.writeString(nodes, """
        apiVersion: v1
        kind: Node
        metadata: {name: r1, labels: {pool: far}}
        status:
          allocatable: {cpu: "4", memory: 16Gi}
          conditions: [{type: Ready, status: "True"}]
        """);
    estate.apply(List.of(nodes));
    remote = estate.remote(SECRET);
    assertThat(remote).as("the remote cluster").isNotNull();
    assertThat(client.nodes().list().getItems()).as("no Node in the operator's cluster").isEmpty();
    remote.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build()).create();
    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults(), clock, null);
    operator.start();
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    estate.close();
  }

  private void service(String name, int instances) {
    SmallEstate.apply(client, """
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: %s, namespace: team-a}
        spec:
          framework: web
          kind: Service
          instances: %d
          resources: {cpu: 1, memory: 1Gi}
          template:
            spec:
              containers: [{name: app, image: busybox}]
        """.formatted(name, instances));
  }

  private Workload get(String name) {
    return SmallEstate.workload(client, name);
  }

  private InstanceStatus instance(String workload, String id) {
    return SmallEstate.instance(client, workload, id);
  }

  private Pod remotePod(String name) {
    return remote.pods().inNamespace("team-a").withName(name).get();
  }

  /** Waits for the remote Pod {@code name} of attempt {@code attempt}, not ended, on Node r1. */
  private void awaitRemotePod(String name, int attempt) {
    await().atMost(WAIT).untilAsserted(() -> {
      Pod p = remotePod(name);
      assertThat(p).as("remote Pod %s", name).isNotNull();
      assertThat(PodPlacement.attemptOf(p.getMetadata().getAnnotations().get(Keys.PLACEMENT))).as("its attempt").isEqualTo(attempt);
      assertThat(p.getSpec().getNodeName()).isEqualTo("r1");
      assertThat(p.getStatus() == null ? null : p.getStatus().getPhase()).isNotIn("Failed", "Succeeded");
    });
  }

  @Test
  void aRemotePodThatFailsIsPlacedAgainAfterTheBackOff() {
    service("web", 1);
    awaitRemotePod("web-0", 0);
    assertThat(client.pods().inNamespace("team-a").list().getItems()).as("no Pod in the operator's cluster").isEmpty();

    remote.pods().inNamespace("team-a").withName("web-0").editStatus(p -> {
      p.setStatus(new PodStatusBuilder().withPhase("Failed").addNewContainerStatus().withName("app").withRestartCount(0)
          .withNewState().withNewTerminated().withExitCode(2).withReason("Error").endTerminated().endState()
          .endContainerStatus().build());
      return p;
    });
    await().atMost(WAIT).untilAsserted(() -> {
      InstanceStatus i = instance("web", "web-0");
      assertThat(i.state()).isEqualTo(InstanceState.Failed);
      assertThat(i.node()).isNull();
      assertThat(i.restarts()).isEqualTo(1);
      assertThat(i.reason()).isEqualTo("failed: exit code 2 (Error)");
      assertThat(Duration.between(Instant.parse(i.since()), Instant.parse(i.retryAt()))).isEqualTo(Duration.ofSeconds(10));
    });
    // The failed Pod goes from the remote cluster while the instance backs off.
    await().atMost(WAIT).until(() -> remotePod("web-0") == null);

    clock.advance(Duration.ofSeconds(11));
    awaitRemotePod("web-0", 1);
    await().atMost(WAIT).untilAsserted(() -> {
      InstanceStatus i = instance("web", "web-0");
      assertThat(i.state()).isEqualTo(InstanceState.Placed);
      assertThat(i.node()).isEqualTo("r1");
      assertThat(i.restarts()).isEqualTo(1);
    });
  }

  @Test
  void aRemotePodDeletedFromOutsideIsReplacedAtOnce() {
    service("web", 2);
    awaitRemotePod("web-0", 0);
    awaitRemotePod("web-1", 0);

    remote.pods().inNamespace("team-a").withName("web-1").delete();
    awaitRemotePod("web-1", 1);
    await().atMost(WAIT).untilAsserted(() -> {
      InstanceStatus i = instance("web", "web-1");
      assertThat(i.state()).isEqualTo(InstanceState.Placed);
      assertThat(i.restarts()).isEqualTo(1);
    });
    WorkloadStatus s = get("web").getStatus();
    assertThat(s.conditions()).as("a deleted Pod is not a failure").noneMatch(c -> "Healthy".equals(c.getType()));
    assertThat(instance("web", "web-0").restarts()).as("the other instance was not touched").isNull();
    assertThat(PodPlacement.attemptOf(remotePod("web-0").getMetadata().getAnnotations().get(Keys.PLACEMENT))).isZero();
  }

  @Test
  void aPodOfTheSameNameAndNodeDeletedInAnotherClusterIsNotTheInstances() {
    service("web", 2);
    awaitRemotePod("web-0", 0);
    awaitRemotePod("web-1", 0);

    // A Pod like web-0's (same name, Node name and attempt) in the operator's own cluster, deleted
    // there: it is not where web-0 runs, so web-0 runs on.
    Pod copy = remotePod("web-0");
    copy.getMetadata().setResourceVersion(null);
    copy.getMetadata().setUid(null);
    copy.getMetadata().setCreationTimestamp(null);
    client.pods().inNamespace("team-a").resource(copy).create();
    client.pods().inNamespace("team-a").withName("web-0").delete();
    await().atMost(WAIT).until(() -> client.pods().inNamespace("team-a").withName("web-0").get() == null);

    // A later change the loop hears (web-1 ready) comes after the deletion was seen.
    remote.pods().inNamespace("team-a").withName("web-1").editStatus(p -> {
      p.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition().build());
      return p;
    });
    await().atMost(WAIT).untilAsserted(() -> assertThat(instance("web", "web-1").ready()).isTrue());
    InstanceStatus i = instance("web", "web-0");
    assertThat(i.state()).isEqualTo(InstanceState.Placed);
    assertThat(i.restarts()).isNull();
    assertThat(PodPlacement.attemptOf(remotePod("web-0").getMetadata().getAnnotations().get(Keys.PLACEMENT))).isZero();
  }

  @Test
  void readinessIsTheRemotePods() {
    service("web", 2);
    awaitRemotePod("web-0", 0);
    awaitRemotePod("web-1", 0);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(get("web").getStatus().ready()).isZero();
      assertThat(instance("web", "web-0").ready()).isFalse();
      assertThat(instance("web", "web-1").ready()).isFalse();
    });

    remote.pods().inNamespace("team-a").withName("web-1").editStatus(p -> {
      p.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition().build());
      return p;
    });
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(get("web").getStatus().ready()).isEqualTo(1);
      assertThat(instance("web", "web-1").ready()).isTrue();
      assertThat(instance("web", "web-0").ready()).isFalse();
    });

    // Its Pod deleted, the instance is not ready until its new Pod is.
    remote.pods().inNamespace("team-a").withName("web-1").delete();
    awaitRemotePod("web-1", 1);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(instance("web", "web-1").restarts()).isEqualTo(1);
      assertThat(instance("web", "web-1").ready()).isFalse();
      assertThat(get("web").getStatus().ready()).isZero();
    });
  }
}
