package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import io.poolbridge.materialize.Keys;
import io.poolbridge.materialize.PodPlacement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Service's changed template rolls out on the embedded API: its Pods are replaced one at a time
 * (maxUnavailable 1, maxSurge 0), each next one only once the one before is ready, with the
 * rollout's progress in status. No kubelet: the test makes the Pods ready.
 */
class RolloutIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private EmbeddedEstate estate;
  private KubernetesClient client;
  private PoolbridgeOperator operator;

  @BeforeEach
  void start() {
    estate = EmbeddedEstate.empty(new ValidatingCrudDispatcher());
    client = estate.client();
    apply(SmallEstate.NAMESPACES);
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
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: web}
        spec:
          type: External
          role: web
          namespaces: {names: [team-a]}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: team-a}
        spec:
          framework: web
          kind: Service
          instances: 3
          resources: {cpu: 1, memory: 1Gi}
          rollout: {maxUnavailable: 1, maxSurge: 0}
          template:
            spec:
              containers: [{name: app, image: "nginx:1.26"}]
        """);
    client.nodes().resource(node("k1")).create();
    client.nodes().resource(node("k2")).create();
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

  private Workload get() {
    return client.resources(Workload.class).inNamespace("team-a").withName("web").get();
  }

  private Pod pod(String name) {
    return client.pods().inNamespace("team-a").withName(name).get();
  }

  private static String image(Pod p) {
    return p.getSpec().getContainers().get(0).getImage();
  }

  private static int attempt(Pod p) {
    return PodPlacement.attemptOf(p.getMetadata().getAnnotations().get(Keys.PLACEMENT));
  }

  private void makeReady(String name) {
    client.pods().inNamespace("team-a").withName(name).editStatus(p -> {
      p.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition().build());
      return p;
    });
  }

  /** The image of each Pod there is, by name. */
  private Map<String, String> images() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String n : List.of("web-0", "web-1", "web-2")) {
      Pod p = pod(n);
      out.put(n, p == null || p.getMetadata().getDeletionTimestamp() != null ? null : image(p));
    }
    return out;
  }

  @Test
  void aChangedImageReplacesThePodsOneAtATimeEachOnceThePreviousIsReady() {
    await().atMost(WAIT).untilAsserted(() -> assertThat(images()).containsOnlyKeys("web-0", "web-1", "web-2")
        .allSatisfy((n, i) -> assertThat(i).isEqualTo("nginx:1.26")));
    List.of("web-0", "web-1", "web-2").forEach(this::makeReady);
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get().getStatus();
      assertThat(s.ready()).isEqualTo(3);
      assertThat(s.rollout().complete()).isTrue();
      assertThat(s.rollout().updatedReady()).isEqualTo(3);
    });
    String first = get().getStatus().rollout().revision();
    assertThat(get().getStatus().instances()).extracting(InstanceStatus::revision).containsOnly(first);

    client.resources(Workload.class).inNamespace("team-a").withName("web").edit(w -> {
      Map<String, Object> template = Map.of("spec", Map.of("containers", List.of(Map.of("name", "app", "image", "nginx:1.27"))));
      WorkloadSpec s = w.getSpec();
      w.setSpec(new WorkloadSpec(s.framework(), s.kind(), s.instances(), s.resources(), s.constraints(), s.priority(),
          s.preemptible(), s.revocable(), s.gang(), s.strategy(), s.schedule(), s.job(), template, s.rollout()));
      return w;
    });

    List<String> order = new ArrayList<>();
    for (int step = 0; step < 3; step++) {
      int done = step;
      // Exactly one more Pod on the new image, and never more than one not ready.
      await().atMost(WAIT).untilAsserted(() -> {
        Map<String, String> images = images();
        assertThat(images.values().stream().filter("nginx:1.27"::equals).count()).as("step %d: %s", done, images)
            .isEqualTo(done + 1);
        assertThat(images.values().stream().filter(i -> i == null || "nginx:1.27".equals(i)).count()).isEqualTo(done + 1);
      });
      String fresh = images().entrySet().stream().filter(e -> "nginx:1.27".equals(e.getValue()))
          .map(Map.Entry::getKey).filter(n -> !order.contains(n)).findFirst().orElseThrow();
      order.add(fresh);
      assertThat(attempt(pod(fresh))).isEqualTo(1);
      await().atMost(WAIT).untilAsserted(() -> {
        WorkloadStatus.RolloutStatus r = get().getStatus().rollout();
        assertThat(r.revision()).isNotEqualTo(first);
        assertThat(r.updated()).isEqualTo(done + 1);
        assertThat(r.updatedReady()).isEqualTo(done);
        assertThat(r.complete()).isFalse();
      });
      // Its status written with the replacement not ready: nothing else moved.
      assertThat(images().values().stream().filter("nginx:1.27"::equals).count()).isEqualTo(done + 1);
      makeReady(fresh);
    }
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get().getStatus();
      assertThat(s.rollout().complete()).isTrue();
      assertThat(s.rollout().updatedReady()).isEqualTo(3);
      assertThat(s.rollout().message()).isNull();
      assertThat(s.instances()).extracting(InstanceStatus::revision).containsOnly(s.rollout().revision());
      assertThat(s.ready()).isEqualTo(3);
    });
    assertThat(order).containsExactlyInAnyOrder("web-0", "web-1", "web-2");
    assertThat(pod(order.get(2)).getMetadata().getAnnotations().get(Keys.REVISION)).isEqualTo(get().getStatus().rollout().revision());
  }
}
