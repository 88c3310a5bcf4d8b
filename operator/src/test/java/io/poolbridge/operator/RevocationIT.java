package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Borrowed capacity taken back, on the embedded API with the operator carrying out its record: a
 * revocable Service runs on capacity guaranteed to another role; when that role's Workload comes,
 * the borrower's instances are revoked, their Pods evicted, their status says why, and they are
 * placed again once a node with room joins.
 */
class RevocationIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private EmbeddedEstate estate;
  private KubernetesClient client;
  private PoolbridgeOperator operator;

  @BeforeEach
  void start() {
    estate = EmbeddedEstate.empty(new ValidatingCrudDispatcher());
    client = estate.client();
    apply(SmallEstate.NAMESPACES);
    apply(SmallEstate.K8S_POOL);
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: prod}
        spec:
          type: External
          role: prod
          quota: {guarantee: {cpu: 4, memory: 16Gi}}
          namespaces: {names: [team-a]}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: batch}
        spec:
          type: External
          role: batch
          namespaces: {names: [team-a]}
          offers: {refuseSeconds: 1}
          capabilities: {revocable: true}
        """);
    client.nodes().resource(node("k1")).create();
    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults(), Clock.systemUTC(), null);
    operator.start();
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

  private void workload(String name, String framework, int instances, boolean revocable) {
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: %s, namespace: team-a}
        spec:
          framework: %s
          kind: Service
          instances: %d
          revocable: %s
          resources: {cpu: 1, memory: 4Gi}
          template:
            spec:
              terminationGracePeriodSeconds: 30
              containers: [{name: app, image: busybox}]
        """.formatted(name, framework, instances, revocable));
  }

  private List<InstanceStatus> instances(String workload) {
    Workload w = client.resources(Workload.class).inNamespace("team-a").withName(workload).get();
    return w == null || w.getStatus() == null || w.getStatus().instances() == null ? List.of() : w.getStatus().instances();
  }

  private Pod pod(String name) {
    return client.pods().inNamespace("team-a").withName(name).get();
  }

  @Test
  void revokedInstancesAreEvictedSayWhyAndArePlacedAgainWhenRoomAppears() {
    // prod wants nothing yet: batch borrows its guaranteed node, revocably.
    workload("crunch", "batch", 4, true);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(instances("crunch")).hasSize(4).allSatisfy(i -> {
        assertThat(i.state()).isEqualTo(InstanceState.Placed);
        assertThat(i.revocable()).isTrue();
      });
      for (int n = 0; n < 4; n++) {
        assertThat(pod("crunch-" + n)).isNotNull();
        assertThat(pod("crunch-" + n).getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
      }
    });

    // prod's Service arrives: two of batch's instances are revoked for its 2 cpu.
    workload("api", "prod", 2, false);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(instances("api")).hasSize(2).allSatisfy(i -> assertThat(i.state()).isEqualTo(InstanceState.Placed));
      List<InstanceStatus> revoked = instances("crunch").stream().filter(i -> i.state() == InstanceState.Pending).toList();
      assertThat(revoked).hasSize(2).allSatisfy(i -> {
        assertThat(i.reason()).isEqualTo("revoked: borrowed capacity reclaimed by role prod");
        assertThat(pod(i.id())).as("evicted").isNull();
      });
      assertThat(pod("api-0")).isNotNull();
      assertThat(pod("api-1")).isNotNull();
    });

    // A node joins: the revoked instances run again.
    client.nodes().resource(node("k2")).create();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(instances("crunch")).hasSize(4).allSatisfy(i -> assertThat(i.state()).isEqualTo(InstanceState.Placed));
      for (int n = 0; n < 4; n++) {
        assertThat(pod("crunch-" + n)).isNotNull();
      }
    });
  }
}
