package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a platform team meets when something is missing or goes away: tenancy refused with a
 * condition and an Event, references to a Framework or Secret that does not exist (yet) as
 * conditions on the resource that has them (everything else keeps working, and creating what was
 * missing fixes it), and deletion through finalizers (a Workload's Pods removed, a Framework held
 * while Workloads use it, a pool drained before it goes).
 */
class ReferencesAndDeletionIT {
  private EmbeddedEstate estate;
  private KubernetesClient client;
  private PoolbridgeOperator operator;

  @BeforeEach
  void start() {
    estate = EmbeddedEstate.empty(new ValidatingCrudDispatcher());
    client = estate.client();
    apply("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: team-a}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: team-b}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: poolbridge-system}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: metal}
        spec:
          provider: metal
          region: r1
          source:
            static:
              nodes:
              - {name: m1, address: 10.0.0.1, capacity: {cpu: 8, memory: 32Gi}}
              - {name: m2, address: 10.0.0.2, capacity: {cpu: 8, memory: 32Gi}}
        """);
    apply(SmallEstate.WEB_FRAMEWORK);
    apply(SmallEstate.K8S_POOL);
    client.nodes().resource(node("k1", "k8s")).create();
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

  private static Node node(String name, String pool) {
    return SmallEstate.node(name, pool);
  }

  private static String workload(String namespace, String name, String framework, int instances) {
    return """
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: %s, namespace: %s}
        spec:
          framework: %s
          kind: Service
          instances: %d
          resources: {cpu: 1, memory: 1Gi}
        """.formatted(name, namespace, framework, instances);
  }

  private Workload get(String namespace, String name) {
    return client.resources(Workload.class).inNamespace(namespace).withName(name).get();
  }

  /** Instances the Workload's status says are placed; -1 before it has a status. */
  private int placed(String namespace, String name) {
    Workload w = get(namespace, name);
    return w == null || w.getStatus() == null || w.getStatus().placed() == null ? -1 : w.getStatus().placed();
  }

  private static Condition condition(List<Condition> conditions, String type) {
    return conditions == null ? null : conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
  }

  @Test
  void aWorkloadFromANamespaceItsFrameworkDoesNotListIsNotAdmittedAndHoldsNothing() {
    apply(workload("team-b", "intruder", "web", 2));
    apply(workload("team-a", "site", "web", 2));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Workload w = get("team-b", "intruder");
      assertThat(w.getStatus()).isNotNull();
      Condition admitted = condition(w.getStatus().conditions(), "Admitted");
      assertThat(admitted.getStatus()).isEqualTo("False");
      assertThat(admitted.getReason()).isEqualTo("NamespaceNotAllowed");
      assertThat(admitted.getMessage()).isEqualTo("framework web does not list namespace team-b");
      assertThat(w.getStatus().placed()).isZero();
      assertThat(w.getStatus().instances()).allSatisfy(i -> assertThat(i.node()).isNull());
      assertThat(placed("team-a", "site")).isEqualTo(2);
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace("team-b").list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("NamespaceNotAllowed");
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getInvolvedObject().getName()).isEqualTo("intruder");
        }));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace("team-a").list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("Placed");
          assertThat(e.getMessage()).startsWith("Placed 2 instance(s): site-0 on ");
        }));
  }

  @Test
  void aMissingFrameworkIsAConditionUntilItIsCreated() {
    apply(workload("team-a", "batch", "spark", 1));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Workload batch = get("team-a", "batch");
      assertThat(batch.getStatus()).isNotNull();
      Condition admitted = condition(batch.getStatus().conditions(), "Admitted");
      assertThat(admitted.getReason()).isEqualTo("FrameworkNotFound");
      assertThat(admitted.getMessage()).isEqualTo("framework spark does not exist");
    });
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: spark}
        spec:
          type: External
          role: batch
          namespaces: {names: [team-a]}
        """);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      WorkloadStatus s = get("team-a", "batch").getStatus();
      assertThat(condition(s.conditions(), "Admitted").getStatus()).isEqualTo("True");
      assertThat(s.placed()).isEqualTo(1);
    });
  }

  /** A pool reading the Nodes labelled {@code pool: far} of the cluster behind Secret {@code far-kubeconfig}. */
  private static final String FAR_POOL = """
      apiVersion: poolbridge.io/v1alpha1
      kind: ResourcePool
      metadata: {name: far}
      spec:
        provider: gcp
        region: r2
        source:
          kubernetes:
            nodeSelector: {matchLabels: {pool: far}}
            kubeconfigSecretRef: {name: far-kubeconfig}
      """;

  @Test
  void aPoolWhoseSecretIsMissingSaysSoUntilTheSecretArrives() {
    KubernetesMockServer remote =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    remote.init();
    try (KubernetesClient remoteClient = remote.createClient(new JdkHttpClientFactory())) {
      remoteClient.nodes().resource(node("r1", "far")).create();
      apply(FAR_POOL);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        ResourcePool pool = client.resources(ResourcePool.class).withName("far").get();
        assertThat(pool.getStatus()).isNotNull();
        Condition reachable = condition(pool.getStatus().conditions(), "SourceReachable");
        assertThat(reachable.getStatus()).isEqualTo("False");
        assertThat(reachable.getReason()).isEqualTo("SecretNotFound");
        assertThat(reachable.getMessage()).contains("Secret poolbridge-system/far-kubeconfig does not exist");
        assertThat(condition(pool.getStatus().conditions(), "Ready").getStatus()).isEqualTo("False");
      });
      // The condition's change is an Event on the pool, in the operator's namespace (a pool is cluster-scoped).
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace("poolbridge-system")
          .list().getItems()).anySatisfy(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("ResourcePool");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("far");
            assertThat(e.getReason()).isEqualTo("SecretNotFound");
            assertThat(e.getType()).isEqualTo("Warning");
          }));
      // The other pools keep working meanwhile.
      apply(workload("team-a", "meanwhile", "web", 1));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(placed("team-a", "meanwhile")).isEqualTo(1));

      client.secrets().inNamespace("poolbridge-system").resource(new SecretBuilder().withNewMetadata().withName("far-kubeconfig")
          .endMetadata().addToStringData("kubeconfig", EmbeddedEstate.kubeconfig(remoteClient)).build()).create();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        ResourcePool pool = client.resources(ResourcePool.class).withName("far").get();
        assertThat(condition(pool.getStatus().conditions(), "SourceReachable").getStatus()).isEqualTo("True");
        assertThat(pool.getStatus().nodeCount()).isEqualTo(1);
        Node r1 = remoteClient.nodes().withName("r1").get();
        assertThat(r1.getSpec().getTaints()).anySatisfy(t -> assertThat(t.getValue()).isEqualTo("far"));
      });
    } finally {
      remote.destroy();
    }
  }

  @Test
  void aNamespaceMissingInTheRemoteClusterIsAConditionUntilItExists() {
    KubernetesMockServer remote =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    remote.init();
    try (KubernetesClient remoteClient = remote.createClient(new JdkHttpClientFactory())) {
      remoteClient.nodes().resource(node("r1", "far")).create();
      client.secrets().inNamespace("poolbridge-system").resource(new SecretBuilder().withNewMetadata().withName("far-kubeconfig")
          .endMetadata().addToStringData("kubeconfig", EmbeddedEstate.kubeconfig(remoteClient)).build()).create();
      apply(FAR_POOL + """
          ---
          apiVersion: poolbridge.io/v1alpha1
          kind: Workload
          metadata: {name: api, namespace: team-a}
          spec:
            framework: web
            kind: Service
            instances: 1
            resources: {cpu: 1, memory: 1Gi}
            constraints: [{attribute: pool, operator: IS, value: far}]
            template:
              spec:
                containers: [{name: api, image: nginx:1.27}]
          """);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Workload w = get("team-a", "api");
        assertThat(w.getStatus()).isNotNull();
        assertThat(w.getStatus().placed()).isEqualTo(1);
        Condition materialized = condition(w.getStatus().conditions(), "Materialized");
        assertThat(materialized).isNotNull();
        assertThat(materialized.getStatus()).isEqualTo("False");
        assertThat(materialized.getReason()).isEqualTo("NamespaceMissing");
        assertThat(materialized.getMessage()).contains("team-a");
      });
      remoteClient.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
          .withName("team-a").endMetadata().build()).create();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(remoteClient.pods().inNamespace("team-a").withName("api-0").get()).isNotNull()
            .satisfies(p -> assertThat(p.getSpec().getNodeName()).isEqualTo("r1"));
        assertThat(condition(get("team-a", "api").getStatus().conditions(), "Materialized").getStatus()).isEqualTo("True");
      });
      assertThat(client.pods().inNamespace("team-a").list().getItems()).as("no Pod in the operator's cluster").isEmpty();

      // A remote Pod of a Workload that no longer exists (its finalizer was forced away) is collected.
      remoteClient.pods().inNamespace("team-a").resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
          .withName("orphan-0").addToLabels(io.poolbridge.materialize.Keys.MANAGED_BY, io.poolbridge.materialize.Keys.MANAGER)
          .addToLabels(io.poolbridge.materialize.Keys.WORKLOAD_UID, "0000-gone").endMetadata()
          .withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build()).create();
      await().atMost(Duration.ofSeconds(10)).until(() -> operator.materializer().collectGarbage() == 1);
      assertThat(remoteClient.pods().inNamespace("team-a").withName("orphan-0").get()).isNull();
      assertThat(remoteClient.pods().inNamespace("team-a").withName("api-0").get()).as("a live Workload's Pod stays").isNotNull();
    } finally {
      remote.destroy();
    }
  }

  @Test
  void aNodeLeaseSwapsTheNodesTaintAndLabelsItUntilTheLeaseEnds() {
    apply("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: tenant}
        spec:
          type: KubernetesCluster
          role: tenants
          namespaces: {names: [team-a]}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: lease, namespace: team-a}
        spec:
          framework: tenant
          kind: NodeLease
          instances: 1
          resources: {cpu: 1, memory: 1Gi}
          constraints: [{attribute: pool, operator: IS, value: k8s}]
        """);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(placed("team-a", "lease")).isEqualTo(1);
      Node k1 = client.nodes().withName("k1").get();
      assertThat(k1.getMetadata().getLabels()).containsEntry("poolbridge.io/leased-to", "tenant");
      assertThat(k1.getSpec().getTaints()).extracting(t -> t.getKey() + "=" + t.getValue() + ":" + t.getEffect())
          .containsExactly("poolbridge.io/leased-to=tenant:NoSchedule");
      ResourcePool pool = client.resources(ResourcePool.class).withName("k8s").get();
      assertThat(pool.getStatus().nodes()).singleElement().satisfies(n -> assertThat(n.leasedTo()).isEqualTo("tenant"));
    });
    client.resources(Workload.class).inNamespace("team-a").withName("lease").delete();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Node k1 = client.nodes().withName("k1").get();
      assertThat(k1.getMetadata().getLabels()).doesNotContainKey("poolbridge.io/leased-to");
      assertThat(k1.getSpec().getTaints()).extracting(t -> t.getKey() + "=" + t.getValue() + ":" + t.getEffect())
          .containsExactly("poolbridge.io/pool=k8s:NoSchedule");
    });
  }

  @Test
  void deletingAWorkloadReleasesItAndRemovesWhatWasMadeForIt() {
    apply(workload("team-a", "site", "web", 2));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(placed("team-a", "site")).isEqualTo(2);
      assertThat(client.services().inNamespace("team-a").withName("site").get()).isNotNull();
    });
    assertThat(get("team-a", "site").getMetadata().getFinalizers()).isNotEmpty();
    client.resources(Workload.class).inNamespace("team-a").withName("site").delete();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(get("team-a", "site")).isNull();
      assertThat(client.services().inNamespace("team-a").withName("site").get()).isNull();
      assertThat(client.discovery().v1().endpointSlices().inNamespace("team-a").list().getItems()).isEmpty();
      assertThat(operator.loop().state().snapshot().workloads()).doesNotContainKey("team-a/site");
    });
  }

  @Test
  void deletingAFrameworkIsHeldWhileWorkloadsUseIt() {
    apply(workload("team-a", "site", "web", 1));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(placed("team-a", "site")).isEqualTo(1));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(client.resources(Framework.class).withName("web").get().getMetadata().getFinalizers()).isNotEmpty());
    client.resources(Framework.class).withName("web").delete();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Framework fw = client.resources(Framework.class).withName("web").get();
      assertThat(fw).isNotNull();
      Condition deleting = condition(fw.getStatus().conditions(), "Deleting");
      assertThat(deleting.getReason()).isEqualTo("WorkloadsRemain");
      assertThat(deleting.getMessage()).isEqualTo("Deletion waits for 1 Workload(s) using this framework: team-a/site");
    });
    // The Workload keeps running while its framework's deletion waits.
    assertThat(placed("team-a", "site")).isEqualTo(1);
    client.resources(Workload.class).inNamespace("team-a").withName("site").delete();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.resources(Framework.class).withName("web").get()).isNull());
  }

  @Test
  void deletingAPoolDrainsItFirst() {
    apply(workload("team-a", "site", "web", 2));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(placed("team-a", "site")).isEqualTo(2));
    String pool = get("team-a", "site").getStatus().instances().get(0).pool();
    String other = pool.equals("metal") ? "k8s" : "metal";
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(client.resources(ResourcePool.class).withName(pool).get().getMetadata().getFinalizers()).isNotEmpty());
    client.resources(ResourcePool.class).withName(pool).delete();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(client.resources(ResourcePool.class).withName(pool).get()).isNull();
      WorkloadStatus s = get("team-a", "site").getStatus();
      assertThat(s.placed()).isEqualTo(2);
      assertThat(s.instances()).allSatisfy(i -> assertThat(i.pool()).isEqualTo(other));
    });
    if (pool.equals("k8s")) {
      assertThat(client.nodes().withName("k1").get().getSpec().getTaints()).isNullOrEmpty();
    }
  }
}
