package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.ResourcePoolStatus;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import io.poolbridge.materialize.Keys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A maintenance window on the embedded API with the operator carrying out its record: from the
 * window's drainBefore on, its node gets nothing new and a Service's instances there are placed
 * elsewhere first, their old Pods evicted once the replacements are recorded (a PodDisruptionBudget
 * that allows no disruption holds the old Pod, and the Workload says so); after the window the node
 * takes work again. The operator's clock runs ahead on demand: no test waits out a lead time.
 */
class MaintenanceIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String REASON = "Kernel upgrade";
  private EmbeddedEstate estate;
  private KubernetesClient client;
  private PoolbridgeOperator operator;
  /** The window on k1 opens 30 minutes after the test starts, for an hour; drained 10 minutes ahead. */
  private final Instant start = Instant.now().plus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
  private final AheadClock clock = new AheadClock();

  @BeforeEach
  void start() {
    estate = EmbeddedEstate.empty(new ValidatingCrudDispatcher());
    client = estate.client();
    apply(SmallEstate.NAMESPACES);
    apply(SmallEstate.WEB_FRAMEWORK);
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: k8s}
        spec:
          provider: aws
          region: r1
          source:
            kubernetes:
              nodeSelector: {matchLabels: {pool: k8s}}
          maintenance:
          - nodes: [k1]
            start: "%s"
            duration: 1h
            drainBefore: 10m
            reason: %s
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: team-a}
        spec:
          framework: web
          kind: Service
          instances: 2
          resources: {cpu: 1, memory: 1Gi}
          constraints: [{attribute: pool, operator: IS, value: k8s}]
          template:
            spec:
              containers: [{name: app, image: busybox}]
        """.formatted(start, REASON));
    // Only k1 at first: both instances land there.
    client.nodes().resource(node("k1")).create();
    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults(), clock, null);
    operator.start();
    awaitPodOn("web-0", "k1");
    awaitPodOn("web-1", "k1");
  }

  @AfterEach
  void stop() {
    operator.close();
    estate.close();
  }

  private void apply(String yaml) {
    SmallEstate.apply(client, yaml);
  }

  private static Node node(String name) {
    return SmallEstate.node(name, "k8s");
  }

  private Workload web() {
    return SmallEstate.workload(client, "web");
  }

  private InstanceStatus instance(String id) {
    return SmallEstate.instance(client, "web", id);
  }

  private Condition condition(String type) {
    WorkloadStatus s = web().getStatus();
    return s == null || s.conditions() == null ? null : s.conditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private Pod pod(String name) {
    return client.pods().inNamespace("team-a").withName(name).get();
  }

  private void awaitPodOn(String name, String node) {
    await().atMost(WAIT).untilAsserted(() -> {
      Pod p = pod(name);
      assertThat(p).as("Pod %s", name).isNotNull();
      assertThat(p.getSpec().getNodeName()).as("Pod %s's node", name).isEqualTo(node);
    });
  }

  private ResourcePoolStatus.NodeStatus poolNode(String name) {
    ResourcePool pool = client.resources(ResourcePool.class).withName("k8s").get();
    if (pool == null || pool.getStatus() == null || pool.getStatus().nodes() == null) {
      return null;
    }
    return pool.getStatus().nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
  }

  private void advanceTo(Instant at) {
    clock.setAhead(Duration.between(Instant.now(), at));
  }

  @Test
  void aServiceIsDrainedAheadOfTheWindowThroughEvictionsABudgetHoldsAndTheNodeReturnsAfter() {
    // A budget that allows no disruption of web's Pods.
    PodDisruptionBudget pdb = new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("web").withNamespace("team-a").endMetadata()
        .withNewSpec().withMinAvailable(new IntOrString(2))
        .withNewSelector().withMatchLabels(Map.of(Keys.WORKLOAD, "web")).endSelector().endSpec()
        .withNewStatus().withDisruptionsAllowed(0).withCurrentHealthy(2).withDesiredHealthy(2).withExpectedPods(2).endStatus()
        .build();
    client.policy().v1().podDisruptionBudget().resource(pdb).create();

    // 9 minutes 30 s before the window: the lead has begun. No room elsewhere yet: both run on, Draining.
    advanceTo(start.minus(Duration.ofMinutes(9)).minusSeconds(30));
    await().atMost(WAIT).untilAsserted(() -> {
      for (String id : new String[] {"web-0", "web-1"}) {
        InstanceStatus i = instance(id);
        assertThat(i.state()).isEqualTo(InstanceState.Draining);
        assertThat(i.node()).isEqualTo("k1");
        assertThat(i.reason()).isEqualTo("draining: node k1 has a maintenance window at " + start + " (" + REASON
            + "); a replacement is placed elsewhere first");
      }
      ResourcePoolStatus.NodeStatus k1 = poolNode("k1");
      assertThat(k1.state()).isEqualTo(ResourcePoolStatus.NodeState.Draining);
      assertThat(k1.maintenance()).isEqualTo(REASON + "; window from " + start + " to " + start.plus(Duration.ofHours(1)));
    });
    assertThat(pod("web-0").getSpec().getNodeName()).isEqualTo("k1");

    // k2 joins: the replacements are placed and recorded there, but the budget keeps the old Pods.
    client.nodes().resource(node("k2")).create();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(instance("web-0").state()).isEqualTo(InstanceState.Placed);
      assertThat(instance("web-0").node()).isEqualTo("k2");
      assertThat(instance("web-1").node()).isEqualTo("k2");
      Condition materialized = condition("Materialized");
      assertThat(materialized).isNotNull();
      assertThat(materialized.getStatus()).isEqualTo("False");
      assertThat(materialized.getMessage()).contains("evicting it would violate a PodDisruptionBudget in namespace team-a");
    });
    assertThat(pod("web-0").getSpec().getNodeName()).as("held by the budget").isEqualTo("k1");

    // The budget allows disruptions: the old Pods are evicted, the new ones made on k2.
    PodDisruptionBudget allowing = client.policy().v1().podDisruptionBudget().inNamespace("team-a").withName("web").get();
    allowing.getStatus().setDisruptionsAllowed(2);
    client.policy().v1().podDisruptionBudget().resource(allowing).updateStatus();
    awaitPodOn("web-0", "k2");
    awaitPodOn("web-1", "k2");
    await().atMost(WAIT).untilAsserted(() -> assertThat(condition("Materialized").getStatus()).isEqualTo("True"));

    // The window opens, then ends: k1 is Maintenance, then Active and taking work again.
    advanceTo(start.plusSeconds(5));
    await().atMost(WAIT).untilAsserted(() -> assertThat(poolNode("k1").state()).isEqualTo(ResourcePoolStatus.NodeState.Maintenance));
    advanceTo(start.plus(Duration.ofHours(1)).plusSeconds(5));
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(poolNode("k1").state()).isEqualTo(ResourcePoolStatus.NodeState.Active);
      assertThat(poolNode("k1").maintenance()).isNull();
    });
    // A new instance may land there again: a third Pod of the Workload's template fits only with k1's room.
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: big, namespace: team-a}
        spec:
          framework: web
          kind: Service
          instances: 2
          resources: {cpu: 3, memory: 1Gi}
          constraints: [{attribute: pool, operator: IS, value: k8s}]
          template:
            spec:
              containers: [{name: app, image: busybox}]
        """);
    awaitPodOn("big-0", "k1");
  }

  @Test
  void withNoRoomElsewhereTheInstancesRunUntilTheWindowOpensThenWaitWithTheReason() {
    advanceTo(start.minus(Duration.ofMinutes(5)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(instance("web-0").state()).isEqualTo(InstanceState.Draining));
    assertThat(pod("web-0").getSpec().getNodeName()).isEqualTo("k1");

    advanceTo(start.plusSeconds(5));
    await().atMost(WAIT).untilAsserted(() -> {
      InstanceStatus i = instance("web-0");
      assertThat(i.state()).isEqualTo(InstanceState.Pending);
      assertThat(i.node()).isNull();
      assertThat(pod("web-0")).isNull();
      assertThat(pod("web-1")).isNull();
    });
  }
}
