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
 * rollout's progress in status; at the defaults on fewer than four instances (none unavailable, one
 * surge) a surge instance above {@code instances} is placed and ready before any old one goes, and
 * released at the end; a surge that finds no room holds the rollout and says why. No kubelet: the
 * test makes the Pods ready.
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
    apply(SmallEstate.K8S_POOL);
    apply(SmallEstate.WEB_FRAMEWORK);
    apply("""
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
    return images("web-0", "web-1", "web-2");
  }

  /** The image of each of these Pods, by name; null for one not there (or going). */
  private Map<String, String> images(String... names) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String n : names) {
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

  private Workload get(String name) {
    return client.resources(Workload.class).inNamespace("team-a").withName(name).get();
  }

  private void setImage(String name, String image) {
    client.resources(Workload.class).inNamespace("team-a").withName(name).edit(w -> {
      Map<String, Object> template = Map.of("spec", Map.of("containers", List.of(Map.of("name", "app", "image", image))));
      WorkloadSpec s = w.getSpec();
      w.setSpec(new WorkloadSpec(s.framework(), s.kind(), s.instances(), s.resources(), s.constraints(), s.priority(),
          s.preemptible(), s.revocable(), s.gang(), s.strategy(), s.schedule(), s.job(), template, s.rollout()));
      return w;
    });
  }

  private static long count(Map<String, String> images, String image) {
    return images.values().stream().filter(image::equals).count();
  }

  @Test
  void atTheDefaultsASurgeInstanceIsReadyBeforeAnyOldOneGoesAndIsReleasedAtTheEnd() {
    // Two instances at the defaults: 25% of 2 is one surge (rounded up) and none unavailable (rounded down).
    apiReadyAt("api:1", "");
    String first = get("api").getStatus().rollout().revision();

    setImage("api", "api:2");
    // The surge instance api-2 comes first, on the new image; both old Pods stay.
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(images("api-0", "api-1", "api-2")).containsExactly(
          Map.entry("api-0", "api:1"), Map.entry("api-1", "api:1"), Map.entry("api-2", "api:2"));
      WorkloadStatus s = get("api").getStatus();
      assertThat(s.instances()).extracting(InstanceStatus::id).containsExactly("api-0", "api-1", "api-2");
      assertThat(s.rollout().surge()).isEqualTo(1);
      assertThat(s.rollout().total()).isEqualTo(3);
      assertThat(s.rollout().revision()).isNotEqualTo(first);
      assertThat(s.rollout().message()).startsWith("0 of 2 instances updated and ready; 2 more to replace");
    });
    // Not ready yet: nothing old goes.
    assertThat(images("api-0", "api-1")).containsValues("api:1", "api:1");
    // The operator restarts mid-rollout: the surge instance is restored from the record, its Pod kept.
    String surgeUid = pod("api-2").getMetadata().getUid();
    operator.close();
    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults(), Clock.systemUTC(), null);
    operator.start();
    makeReady("api-2");
    List<String> order = new ArrayList<>();
    for (int step = 1; step <= 2; step++) {
      int done = step;
      // One more old Pod replaced, the other old ones untouched: two of the three stay available.
      await().atMost(WAIT).untilAsserted(() -> {
        Map<String, String> images = images("api-0", "api-1");
        assertThat(count(images, "api:2")).as("step %d: %s", done, images).isEqualTo(done);
        assertThat(count(images, "api:1")).isEqualTo(2 - done);
      });
      String fresh = images("api-0", "api-1").entrySet().stream().filter(e -> "api:2".equals(e.getValue()))
          .map(Map.Entry::getKey).filter(n -> !order.contains(n)).findFirst().orElseThrow();
      order.add(fresh);
      assertThat(pod("api-2")).as("the surge runs on while %s is replaced", fresh).isNotNull();
      assertThat(pod("api-2").getMetadata().getDeletionTimestamp()).isNull();
      assertThat(pod("api-2").getMetadata().getUid()).as("the surge's Pod, kept through the restart").isEqualTo(surgeUid);
      makeReady(fresh);
    }
    // Every old one replaced and ready: the surge is released, its Pod removed, the rollout complete.
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("api").getStatus();
      assertThat(s.instances()).extracting(InstanceStatus::id).containsExactly("api-0", "api-1");
      assertThat(s.rollout().complete()).isTrue();
      assertThat(s.rollout().surge()).isNull();
      assertThat(s.rollout().total()).isEqualTo(2);
      assertThat(s.rollout().message()).isNull();
      Pod surge = pod("api-2");
      assertThat(surge == null || surge.getMetadata().getDeletionTimestamp() != null).as("api-2 removed").isTrue();
    });
    assertThat(order).containsExactlyInAnyOrder("api-0", "api-1");
    assertThat(images("api-0", "api-1")).containsValues("api:2", "api:2");
  }

  @Test
  void aSurgeThatFindsNoRoomHoldsTheRolloutSaysWhyAndGoesOnWhenRoomComes() {
    client.nodes().resource(node("k3")).create();
    // 4 cpu: only k3 holds it whole (web takes room on k1 and k2).
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: big, namespace: team-a}
        spec:
          framework: web
          kind: Service
          instances: 1
          resources: {cpu: 4, memory: 1Gi}
          template:
            spec:
              containers: [{name: app, image: "big:1"}]
        """);
    await().atMost(WAIT).untilAsserted(() -> assertThat(images("big-0")).containsEntry("big-0", "big:1"));
    makeReady("big-0");
    await().atMost(WAIT).untilAsserted(() -> assertThat(get("big").getStatus().rollout().complete()).isTrue());

    setImage("big", "big:2");
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("big").getStatus();
      assertThat(s.rollout().surge()).isEqualTo(1);
      assertThat(s.rollout().message()).startsWith("surge instance big-1 cannot be placed: ");
      assertThat(s.instances()).extracting(InstanceStatus::id, InstanceStatus::state)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("big-0", WorkloadStatus.InstanceState.Placed),
              org.assertj.core.groups.Tuple.tuple("big-1", WorkloadStatus.InstanceState.Pending));
    });
    // The old one runs on, untouched: the user allowed none unavailable.
    assertThat(images("big-0", "big-1")).containsEntry("big-0", "big:1").containsEntry("big-1", null);

    client.nodes().resource(node("k4")).create();
    await().atMost(WAIT).untilAsserted(() -> assertThat(images("big-0", "big-1")).containsEntry("big-1", "big:2"));
    makeReady("big-1");
    await().atMost(WAIT).untilAsserted(() -> assertThat(images("big-0")).containsEntry("big-0", "big:2"));
    makeReady("big-0");
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("big").getStatus();
      assertThat(s.rollout().complete()).isTrue();
      assertThat(s.instances()).extracting(InstanceStatus::id).containsExactly("big-0");
    });
  }

  @Test
  void aTemplateChangedAgainMidRolloutReplacesTheSurgeOfTheRevisionBeforeAndEndsAtTheLatest() {
    apiReadyAt("api:1", "rollout: {maxSurge: 1, maxUnavailable: 0}");
    setImage("api", "api:2");
    await().atMost(WAIT).untilAsserted(() -> assertThat(images("api-2")).containsEntry("api-2", "api:2"));
    makeReady("api-2");
    // One old one replaced by api:2 (not ready yet) when the template changes again.
    await().atMost(WAIT).untilAsserted(() -> assertThat(count(images("api-0", "api-1"), "api:2")).isEqualTo(1));
    setImage("api", "api:3");
    // Everything ends at api:3, the surge released.
    // A kubelet stand-in: every new Pod becomes Ready when the test looks, until the rollout is
    // complete; at every look at least two Pods are Ready (maxUnavailable 0 of 2).
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      long ready = 0;
      for (String n : List.of("api-0", "api-1", "api-2")) {
        Pod p = pod(n);
        if (p != null && p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
            && p.getStatus().getConditions() != null
            && p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
          ready++;
        }
      }
      assertThat(ready).as("Ready Pods").isGreaterThanOrEqualTo(2);
      readyAll("api-0", "api-1", "api-2");
      WorkloadStatus s = get("api").getStatus();
      return s.rollout().complete() && count(images("api-0", "api-1"), "api:3") == 2;
    });
    await().atMost(WAIT).untilAsserted(() -> {
      WorkloadStatus s = get("api").getStatus();
      assertThat(s.rollout().complete()).isTrue();
      assertThat(s.instances()).extracting(InstanceStatus::id).containsExactly("api-0", "api-1");
      assertThat(images("api-0", "api-1")).containsValues("api:3", "api:3");
      Pod surge = pod("api-2");
      assertThat(surge == null || surge.getMetadata().getDeletionTimestamp() != null).isTrue();
    });
  }

  /**
   * The Service {@code api}: two instances of {@code image} with the {@code rollout} line given (or
   * the defaults), placed, Ready, its rollout complete.
   */
  private void apiReadyAt(String image, String rollout) {
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: api, namespace: team-a}
        spec:
          framework: web
          kind: Service
          instances: 2
          resources: {cpu: 1, memory: 1Gi}
          %s
          template:
            spec:
              containers: [{name: app, image: "%s"}]
        """.formatted(rollout, image));
    await().atMost(WAIT).untilAsserted(() -> assertThat(images("api-0", "api-1")).allSatisfy((n, i) -> assertThat(i).isEqualTo(image)));
    readyAll("api-0", "api-1");
    await().atMost(WAIT).untilAsserted(() -> assertThat(get("api").getStatus().rollout().complete()).isTrue());
  }

  /** A kubelet stand-in: makes every Pod of {@code names} there and not yet Ready, Ready. */
  private void readyAll(String... names) {
    for (String n : names) {
      Pod p = pod(n);
      if (p != null && p.getMetadata().getDeletionTimestamp() == null
          && (p.getStatus() == null || p.getStatus().getConditions() == null || p.getStatus().getConditions().isEmpty())) {
        try {
          makeReady(n);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException gone) {
          // Replaced between the look and the edit: its successor is made ready at the next look.
        }
      }
    }
  }

  @Test
  void scaledUpMidRolloutTheSurgeInstanceBecomesOneOfTheServicesOwnAndTheRolloutEnds() {
    apiReadyAt("api:1", "rollout: {maxSurge: 1, maxUnavailable: 0}");
    setImage("api", "api:2");
    await().atMost(WAIT).untilAsserted(() -> assertThat(images("api-2")).containsEntry("api-2", "api:2"));
    String surgeUid = pod("api-2").getMetadata().getUid();
    client.resources(Workload.class).inNamespace("team-a").withName("api").edit(w -> {
      WorkloadSpec s = w.getSpec();
      w.setSpec(new WorkloadSpec(s.framework(), s.kind(), 3, s.resources(), s.constraints(), s.priority(), s.preemptible(),
          s.revocable(), s.gang(), s.strategy(), s.schedule(), s.job(), s.template(), s.rollout()));
      return w;
    });
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      readyAll("api-0", "api-1", "api-2", "api-3");
      WorkloadStatus s = get("api").getStatus();
      return s.rollout().complete() && count(images("api-0", "api-1", "api-2"), "api:2") == 3;
    });
    WorkloadStatus s = get("api").getStatus();
    assertThat(s.instances()).extracting(InstanceStatus::id).containsExactly("api-0", "api-1", "api-2");
    assertThat(pod("api-2").getMetadata().getUid()).as("the surge's Pod, now api-2 of the Service's own, kept").isEqualTo(surgeUid);
    Pod extra = pod("api-3");
    assertThat(extra == null || extra.getMetadata().getDeletionTimestamp() != null).as("no instance above 3 left").isTrue();
  }
}
