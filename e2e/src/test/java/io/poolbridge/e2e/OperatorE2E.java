package io.poolbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.operator.PoolbridgeOperator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator, run in this JVM against a real k3s API server and kubelet (no image of it is
 * needed), on a small estate: the k3s Node in a kubernetes-source pool (selected by a label the
 * test puts on it), a static pool of two machines, a Service of Pods on the k3s Node and a Service
 * on the static machines. What a user would check with kubectl: the placements in Workload status,
 * the Pods running on the chosen Node and tolerating its pool, the pool's taint on the real Node, a
 * NodeLease's taint and label, the headless Service and EndpointSlices of static instances, and
 * what deleting a Workload or a pool leaves behind (nothing).
 *
 * <p>The steps run in order on one estate, as a user would go through them: a later step starts
 * from what the earlier ones left.
 */
@ExtendWith(K3sExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorE2E {

  private static final String NAMESPACE = "pb-e2e";
  /** The label that puts the k3s Node into pool {@code e2e-k3s}. */
  private static final String POOL_LABEL = "e2e.poolbridge.io/pool";
  private static final String K3S_POOL = "e2e-k3s";
  private static final String STATIC_POOL = "e2e-static";
  private static final Map<String, String> STATIC_ADDRESSES = Map.of("static-1", "192.0.2.11", "static-2", "192.0.2.12");
  /** Tiny and on every registry mirror; pulled by the k3s node on first use. */
  private static final String IMAGE = "registry.k8s.io/pause:3.9";

  /** The operator's decisions and the API writes that follow them. */
  private static final Duration DECIDED = Duration.ofMinutes(2);
  /** A Pod created, its image pulled and its container started (a cold pull on a slow network). */
  private static final Duration POD_RUNNING = Duration.ofMinutes(5);
  /** Pods terminating, finalizers removed, garbage collected. */
  private static final Duration GONE = Duration.ofMinutes(3);
  private static final Duration POLL = Duration.ofSeconds(2);

  private static final String ESTATE = """
      apiVersion: poolbridge.io/v1alpha1
      kind: Framework
      metadata: {name: e2e-web}
      spec:
        type: External
        role: e2e/web
        namespaces: {names: [%1$s]}
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: Framework
      metadata: {name: e2e-tenant}
      spec:
        type: KubernetesCluster
        role: e2e/tenants
        namespaces: {names: [%1$s]}
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: ResourcePool
      metadata: {name: %2$s}
      spec:
        provider: k3s
        region: local
        source:
          kubernetes:
            nodeSelector: {matchLabels: {%3$s: k3s}}
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: ResourcePool
      metadata: {name: %4$s}
      spec:
        provider: onprem
        region: local
        source:
          static:
            nodes:
            - {name: static-1, address: 192.0.2.11, capacity: {cpu: 4, memory: 8Gi}}
            - {name: static-2, address: 192.0.2.12, capacity: {cpu: 4, memory: 8Gi}}
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: Workload
      metadata: {name: web, namespace: %1$s}
      spec:
        framework: e2e-web
        kind: Service
        instances: 2
        resources: {cpu: 50m, memory: 32Mi}
        constraints: [{attribute: pool, operator: IS, value: %2$s}]
        template:
          spec:
            containers: [{name: pause, image: "%5$s"}]
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: Workload
      metadata: {name: directory, namespace: %1$s}
      spec:
        framework: e2e-web
        kind: Service
        instances: 2
        resources: {cpu: 1, memory: 1Gi}
        constraints:
        - {attribute: pool, operator: IS, value: %4$s}
        - {attribute: hostname, operator: UNIQUE}
      """.formatted(NAMESPACE, K3S_POOL, POOL_LABEL, STATIC_POOL, IMAGE);

  private static final String LEASE = """
      apiVersion: poolbridge.io/v1alpha1
      kind: Workload
      metadata: {name: lease, namespace: %s}
      spec:
        framework: e2e-tenant
        kind: NodeLease
        instances: 1
        resources: {cpu: 100m, memory: 64Mi}
        constraints: [{attribute: pool, operator: IS, value: %s}]
      """.formatted(NAMESPACE, K3S_POOL);

  private static KubernetesClient client;
  private static PoolbridgeOperator operator;
  private static String node;

  @BeforeAll
  static void startOperatorOnTheEstate(KubernetesClient k3s) {
    client = k3s;
    Estate.installCrds(client);
    Estate.reset(client, POOL_LABEL);
    node = Estate.onlyNode(client).getMetadata().getName();
    Estate.editNode(client, node, n -> {
      n.getMetadata().getLabels().put(POOL_LABEL, "k3s");
      return n;
    });
    Estate.ensureNamespace(client, NAMESPACE, Map.of());
    Estate.ensureNamespace(client, Estate.OPERATOR_NAMESPACE, Map.of());
    Estate.apply(client, ESTATE);
    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults(), Clock.systemUTC(), null);
    operator.start();
  }

  @AfterAll
  static void stopOperatorAndCleanUp() {
    try {
      if (operator != null) {
        // Deleted while the operator runs, so that its finalizers go as they would in a cluster.
        Estate.deleteAll(client, GONE);
      }
    } finally {
      if (operator != null) {
        operator.close();
      }
      if (client != null) {
        Estate.reset(client, POOL_LABEL);
      }
    }
  }

  @Test
  @Order(1)
  void aServiceWithAPodTemplateRunsAsPodsBoundToTheK3sNode() {
    await("web placed").atMost(DECIDED).pollInterval(POLL).untilAsserted(() -> {
      WorkloadStatus status = status("web");
      assertThat(status.placed()).isEqualTo(2);
      assertThat(status.instances()).extracting(InstanceStatus::id, InstanceStatus::pool, InstanceStatus::node)
          .containsExactlyInAnyOrder(
              org.assertj.core.api.Assertions.tuple("web-0", K3S_POOL, node),
              org.assertj.core.api.Assertions.tuple("web-1", K3S_POOL, node));
    });

    await("web's Pods running").atMost(POD_RUNNING).pollInterval(POLL).untilAsserted(() -> {
      for (String name : List.of("web-0", "web-1")) {
        Pod pod = client.pods().inNamespace(NAMESPACE).withName(name).get();
        assertThat(pod).as("Pod %s", name).isNotNull();
        assertThat(pod.getSpec().getNodeName()).as("node of Pod %s", name).isEqualTo(node);
        assertThat(pod.getStatus().getPhase()).as("phase of Pod %s (%s)", name, pod.getStatus()).isEqualTo("Running");
      }
    });
    Pod pod = client.pods().inNamespace(NAMESPACE).withName("web-0").get();
    assertThat(pod.getSpec().getTolerations()).anySatisfy(t -> {
      assertThat(t.getKey()).isEqualTo("poolbridge.io/pool");
      assertThat(t.getValue()).isEqualTo(K3S_POOL);
      assertThat(t.getEffect()).isEqualTo("NoSchedule");
    });
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("Workload");
      assertThat(o.getName()).isEqualTo("web");
    });
    assertThat(pod.getSpec().getContainers()).singleElement().satisfies(c -> {
      assertThat(c.getImage()).isEqualTo(IMAGE);
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    });

    await("pool taint on the Node").atMost(DECIDED).pollInterval(POLL).untilAsserted(() ->
        assertThat(Estate.poolbridgeTaints(client.nodes().withName(node).get()))
            .containsExactly("poolbridge.io/pool=" + K3S_POOL + ":NoSchedule"));
  }

  @Test
  @Order(2)
  void instancesOnStaticMachinesAreEndpointsOfAHeadlessService() {
    await("directory placed").atMost(DECIDED).pollInterval(POLL).untilAsserted(() -> {
      WorkloadStatus status = status("directory");
      assertThat(status.placed()).isEqualTo(2);
      assertThat(status.instances()).extracting(InstanceStatus::pool).containsOnly(STATIC_POOL);
      assertThat(status.instances()).extracting(InstanceStatus::node).containsExactlyInAnyOrder("static-1", "static-2");
    });
    Map<String, String> expected = new TreeMap<>();
    status("directory").instances().forEach(i -> expected.put(i.id(), STATIC_ADDRESSES.get(i.node())));

    await("directory's Service and EndpointSlices").atMost(DECIDED).pollInterval(POLL).untilAsserted(() -> {
      Service service = client.services().inNamespace(NAMESPACE).withName("directory").get();
      assertThat(service).as("Service directory").isNotNull();
      assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
      assertThat(service.getSpec().getSelector()).as("a selector-less Service").isNullOrEmpty();
      Map<String, String> endpoints = new TreeMap<>();
      for (EndpointSlice slice : slices("directory")) {
        for (Endpoint e : slice.getEndpoints()) {
          endpoints.put(e.getHostname(), String.join(",", e.getAddresses()));
        }
      }
      assertThat(endpoints).isEqualTo(expected);
    });
    assertThat(client.pods().inNamespace(NAMESPACE).withLabel("poolbridge.io/workload", "directory").list().getItems())
        .as("no Pod for instances on machines without a kubelet").isEmpty();
  }

  @Test
  @Order(3)
  void deletingWorkloadsRemovesTheirPodsServiceAndSlices() {
    client.resources(Workload.class).inNamespace(NAMESPACE).withName("web").delete();
    client.resources(Workload.class).inNamespace(NAMESPACE).withName("directory").delete();

    await("web and directory gone with what was made for them").atMost(GONE).pollInterval(POLL).untilAsserted(() -> {
      assertThat(client.resources(Workload.class).inNamespace(NAMESPACE).withName("web").get()).isNull();
      assertThat(client.resources(Workload.class).inNamespace(NAMESPACE).withName("directory").get()).isNull();
      assertThat(client.pods().inNamespace(NAMESPACE).list().getItems()).extracting(p -> p.getMetadata().getName())
          .doesNotContain("web-0", "web-1");
      assertThat(client.services().inNamespace(NAMESPACE).withName("directory").get()).isNull();
      assertThat(slices("directory")).isEmpty();
    });
    assertThat(Estate.poolbridgeTaints(client.nodes().withName(node).get()))
        .as("the Node stays in its pool").containsExactly("poolbridge.io/pool=" + K3S_POOL + ":NoSchedule");
  }

  @Test
  @Order(4)
  void aNodeLeaseSwapsTheNodesTaintAndLabelsItUntilTheLeaseEnds() {
    Estate.apply(client, LEASE);
    await("lease placed, Node leased").atMost(DECIDED).pollInterval(POLL).untilAsserted(() -> {
      WorkloadStatus status = status("lease");
      assertThat(status.placed()).isEqualTo(1);
      assertThat(status.instances()).singleElement().satisfies(i -> assertThat(i.node()).isEqualTo(node));
      Node leased = client.nodes().withName(node).get();
      assertThat(leased.getMetadata().getLabels()).containsEntry("poolbridge.io/leased-to", "e2e-tenant");
      assertThat(Estate.poolbridgeTaints(leased)).containsExactly("poolbridge.io/leased-to=e2e-tenant:NoSchedule");
      ResourcePool pool = client.resources(ResourcePool.class).withName(K3S_POOL).get();
      assertThat(pool.getStatus().nodes()).singleElement().satisfies(n -> assertThat(n.leasedTo()).isEqualTo("e2e-tenant"));
    });

    client.resources(Workload.class).inNamespace(NAMESPACE).withName("lease").delete();
    await("lease ended").atMost(GONE).pollInterval(POLL).untilAsserted(() -> {
      Node back = client.nodes().withName(node).get();
      assertThat(back.getMetadata().getLabels()).doesNotContainKey("poolbridge.io/leased-to");
      assertThat(Estate.poolbridgeTaints(back)).containsExactly("poolbridge.io/pool=" + K3S_POOL + ":NoSchedule");
    });
  }

  @Test
  @Order(5)
  void deletingAPoolRemovesItsTaintFromTheNode() {
    client.resources(ResourcePool.class).withName(K3S_POOL).delete();
    client.resources(ResourcePool.class).withName(STATIC_POOL).delete();
    await("pools gone, Node untainted").atMost(GONE).pollInterval(POLL).untilAsserted(() -> {
      assertThat(client.resources(ResourcePool.class).withName(K3S_POOL).get()).isNull();
      assertThat(client.resources(ResourcePool.class).withName(STATIC_POOL).get()).isNull();
      assertThat(Estate.poolbridgeTaints(client.nodes().withName(node).get())).isEmpty();
    });
    assertThat(client.nodes().withName(node).get().getMetadata().getLabels())
        .as("the label the user put on the Node is theirs").containsEntry(POOL_LABEL, "k3s");
  }

  private static WorkloadStatus status(String name) {
    Workload workload = client.resources(Workload.class).inNamespace(NAMESPACE).withName(name).get();
    assertThat(workload).as("Workload %s/%s", NAMESPACE, name).isNotNull();
    assertThat(workload.getStatus()).as("status of Workload %s/%s", NAMESPACE, name).isNotNull();
    return workload.getStatus();
  }

  private static List<EndpointSlice> slices(String service) {
    return client.discovery().v1().endpointSlices().inNamespace(NAMESPACE)
        .withLabel("kubernetes.io/service-name", service).list().getItems();
  }
}
