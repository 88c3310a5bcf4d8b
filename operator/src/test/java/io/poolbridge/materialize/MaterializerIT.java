package io.poolbridge.materialize;

import static io.poolbridge.materialize.Fixtures.kafkaConnect;
import static io.poolbridge.materialize.Fixtures.placement;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import io.poolbridge.materialize.Materializer.Outcome;
import io.poolbridge.materialize.Materializer.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Materializer against the embedded Kubernetes API (CRUD mode). */
class MaterializerIT {
  private KubernetesMockServer server;
  private KubernetesClient client;
  private Materializer materializer;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new ValidatingCrudDispatcher(), false);
    server.init();
    client = server.createClient(new JdkHttpClientFactory());
    materializer = new Materializer(client, false);
    for (String ns : List.of("streaming", "storage")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  /** The requests the server received since the last call, as "METHOD path". */
  private List<String> requests() throws InterruptedException {
    List<String> seen = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      seen.add(r.getMethod() + " " + r.getPath());
    }
    return seen;
  }

  private static List<String> writes(List<String> requests) {
    return requests.stream().filter(r -> !r.startsWith("GET ")).toList();
  }

  private List<Pod> pods() {
    return client.pods().inNamespace("streaming").list().getItems();
  }

  @Test
  void placedInstancesBecomeBoundPodsAndASecondApplyWritesNothing() throws Exception {
    Workload w = kafkaConnect();
    List<PodPlacement> desired = List.of(placement("kafka-connect-0", "ip-a"), placement("kafka-connect-1", "ip-b"),
        placement("kafka-connect-2", "ip-c"));

    Result first = materializer.pods(w, desired);
    assertThat(first.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(first.created()).isEqualTo(3);
    assertThat(pods()).hasSize(3).allSatisfy(p -> {
      assertThat(p.getSpec().getNodeName()).isEqualTo(Map.of("kafka-connect-0", "ip-a", "kafka-connect-1", "ip-b",
          "kafka-connect-2", "ip-c").get(p.getMetadata().getName()));
      assertThat(p.getSpec().getContainers().get(0).getResources().getRequests())
          .isEqualTo(Map.of("cpu", new Quantity("2"), "memory", new Quantity("8Gi")));
      assertThat(p.getSpec().getContainers().get(0).getResources().getLimits())
          .isEqualTo(Map.of("cpu", new Quantity("2"), "memory", new Quantity("8Gi")));
      assertThat(p.getSpec().getTolerations()).extracting(t -> t.getKey() + "=" + t.getValue() + ":" + t.getEffect())
          .contains("poolbridge.io/pool=aws-eu-west-1:NoSchedule");
      assertThat(p.getMetadata().getLabels()).containsEntry("poolbridge.io/workload", "kafka-connect")
          .containsEntry("poolbridge.io/framework", "kafka");
      assertThat(p.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(w.getMetadata().getUid()));
    });
    requests();

    Result second = materializer.pods(w, desired);
    assertThat(second.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(second.wrote()).isFalse();
    assertThat(second.adopted()).isEqualTo(3);
    assertThat(writes(requests())).isEmpty();
  }

  @Test
  void aMovedInstancesOldPodIsEvictedAndANewOneMadeOnItsNewNode() throws Exception {
    Workload w = kafkaConnect();
    materializer.pods(w, List.of(placement("kafka-connect-0", "ip-a"), placement("kafka-connect-1", "ip-b")));
    String untouched = client.pods().inNamespace("streaming").withName("kafka-connect-0").get().getMetadata().getUid();
    requests();

    Result moved = materializer.pods(w, List.of(placement("kafka-connect-0", "ip-a"), placement("kafka-connect-1", "ip-z")));

    assertThat(moved.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(moved.deleted()).isEqualTo(1);
    assertThat(moved.created()).isEqualTo(1);
    assertThat(client.pods().inNamespace("streaming").withName("kafka-connect-1").get().getSpec().getNodeName()).isEqualTo("ip-z");
    assertThat(client.pods().inNamespace("streaming").withName("kafka-connect-0").get().getMetadata().getUid()).isEqualTo(untouched);
    assertThat(writes(requests())).containsExactly("POST /api/v1/namespaces/streaming/pods/kafka-connect-1/eviction",
        "POST /api/v1/namespaces/streaming/pods");
  }

  /**
   * A PodDisruptionBudget that allows no disruption keeps the old Pod (the API answers 429 to its
   * eviction): the apply says so and is pending; once the budget allows one, the next apply evicts
   * it and makes the new one.
   */
  @Test
  void aBudgetAllowingNoDisruptionKeepsTheOldPodUntilItAllowsOne() {
    Workload w = kafkaConnect();
    materializer.pods(w, List.of(placement("kafka-connect-0", "ip-a"), placement("kafka-connect-1", "ip-b")));
    var pdb = new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("kafka-connect").withNamespace("streaming").endMetadata()
        .withNewSpec().withMinAvailable(new io.fabric8.kubernetes.api.model.IntOrString(2))
        .withNewSelector().withMatchLabels(Map.of(Keys.WORKLOAD, "kafka-connect")).endSelector().endSpec()
        .withNewStatus().withDisruptionsAllowed(0).withCurrentHealthy(2).withDesiredHealthy(2).withExpectedPods(2).endStatus()
        .build();
    client.policy().v1().podDisruptionBudget().resource(pdb).create();

    Result blocked = materializer.pods(w, List.of(placement("kafka-connect-0", "ip-a"), placement("kafka-connect-1", "ip-z")));

    assertThat(blocked.outcome()).isEqualTo(Outcome.PENDING);
    assertThat(blocked.message()).isEqualTo("Pod kafka-connect-1 is kept for now: evicting it would violate a PodDisruptionBudget"
        + " in namespace streaming; it is evicted once the budget allows");
    assertThat(blocked.created()).isZero();
    assertThat(client.pods().inNamespace("streaming").withName("kafka-connect-1").get().getSpec().getNodeName()).isEqualTo("ip-b");

    var allowing = client.policy().v1().podDisruptionBudget().inNamespace("streaming").withName("kafka-connect").get();
    allowing.getStatus().setDisruptionsAllowed(1);
    client.policy().v1().podDisruptionBudget().resource(allowing).updateStatus();
    Result moved = materializer.pods(w, List.of(placement("kafka-connect-0", "ip-a"), placement("kafka-connect-1", "ip-z")));

    assertThat(moved.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(moved.deleted()).isEqualTo(1);
    assertThat(moved.created()).isEqualTo(1);
    assertThat(client.pods().inNamespace("streaming").withName("kafka-connect-1").get().getSpec().getNodeName()).isEqualTo("ip-z");
  }

  @Test
  void aStrayPodWithTheWorkloadsLabelsButNoPlacementIsRemovedAndOtherPodsAreLeftAlone() {
    Workload w = kafkaConnect();
    Pod stray = InstancePods.pod(w, placement("kafka-connect-7", "ip-q"), false);
    client.pods().resource(stray).create();
    Pod foreign = InstancePods.pod(w, placement("kafka-connect-8", "ip-q"), false);
    foreign.getMetadata().setLabels(Map.of("app", "other"));
    client.pods().resource(foreign).create();

    Result r = materializer.pods(w, List.of(placement("kafka-connect-0", "ip-a")));

    assertThat(r.deleted()).isEqualTo(1);
    assertThat(pods()).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("kafka-connect-0", "kafka-connect-8");
  }

  @Test
  void aPodLeftByARestartedOperatorIsAdoptedNotDuplicated() {
    Workload w = kafkaConnect();
    client.pods().resource(InstancePods.pod(w, placement("kafka-connect-0", "ip-a"), false)).create();

    Result r = materializer.pods(w, List.of(placement("kafka-connect-0", "ip-a"), placement("kafka-connect-1", "ip-b")));

    assertThat(r.adopted()).isEqualTo(1);
    assertThat(r.created()).isEqualTo(1);
    assertThat(pods()).hasSize(2);
  }

  @Test
  void aPodStillTerminatingIsNotDeletedAgainAndItsReplacementWaits() {
    Workload w = kafkaConnect();
    Pod old = InstancePods.pod(w, placement("kafka-connect-0", "ip-old"), false);
    // A Pod with a finalizer stays, terminating, after its deletion, as a real Pod does through its grace period.
    old.getMetadata().setFinalizers(List.of("example.com/drain"));
    client.pods().resource(old).create();
    client.pods().resource(old).delete();
    assertThat(client.pods().inNamespace("streaming").withName("kafka-connect-0").get().getMetadata().getDeletionTimestamp())
        .as("the embedded API keeps a deletion timestamp").isNotNull();

    Result r = materializer.pods(w, List.of(placement("kafka-connect-0", "ip-new")));

    assertThat(r.outcome()).isEqualTo(Outcome.PENDING);
    assertThat(r.message()).isEqualTo("Pod kafka-connect-0 waits for the earlier Pod of that name to terminate");
    assertThat(r.wrote()).isFalse();
    assertThat(pods()).singleElement().satisfies(p -> assertThat(p.getSpec().getNodeName()).isEqualTo("ip-old"));
  }

  @Test
  void aPodPoolbridgeDidNotMakeThatHoldsAnInstancesNameIsReportedAndLeftAlone() {
    Workload w = kafkaConnect();
    Pod theirs = InstancePods.pod(w, placement("kafka-connect-0", "ip-x"), false);
    theirs.getMetadata().setLabels(Map.of("app", "hand-made"));
    theirs.getMetadata().setOwnerReferences(null);
    client.pods().resource(theirs).create();

    Result r = materializer.pods(w, List.of(placement("kafka-connect-0", "ip-a"), placement("kafka-connect-1", "ip-b")));

    assertThat(r.outcome()).isEqualTo(Outcome.PENDING);
    assertThat(r.created()).isEqualTo(1);
    assertThat(r.message()).isEqualTo("a Pod named kafka-connect-0 that poolbridge did not make for this workload is in"
        + " namespace streaming; remove or rename it");
    assertThat(client.pods().inNamespace("streaming").withName("kafka-connect-0").get().getMetadata().getLabels())
        .containsEntry("app", "hand-made");
  }

  @Test
  void aMissingNamespaceIsReportedNotThrown() {
    Workload w = kafkaConnect();
    w.getMetadata().setNamespace("nowhere");
    PodPlacement p = new PodPlacement("nowhere/kafka-connect-0", "ip-a", "aws-eu-west-1", Fixtures.resources("cpu", "2"), false,
        "kafka", null);

    Result r = materializer.pods(w, List.of(p));

    assertThat(r.outcome()).isEqualTo(Outcome.NAMESPACE_MISSING);
    assertThat(r.message()).isEqualTo("namespace nowhere does not exist in the cluster the instances are placed in");
    assertThat(client.pods().inAnyNamespace().list().getItems()).isEmpty();
    Workload s = Fixtures.cassandra();
    s.getMetadata().setNamespace("nowhere");
    assertThat(materializer.endpoints(s, StaticEndpointsTest.instances("nowhere", "cassandra-ring", 3)).outcome())
        .isEqualTo(Outcome.NAMESPACE_MISSING);
  }

  @Test
  void anInvalidTemplateIsReportedNotThrown() {
    Workload w = kafkaConnect("""
              - name: hog
                image: busybox
                resources: {requests: {cpu: "3"}}
        """);
    Result r = materializer.pods(w, List.of(placement("kafka-connect-0", "ip-a")));
    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.message()).contains("leaving none for its first container connect");
  }

  @Test
  void taintsAreAddedSwappedAndRemovedOnNodesAndAnUnchangedNodeIsNotWritten() throws Exception {
    client.nodes().resource(Fixtures.SERIALIZATION.unmarshal("""
        apiVersion: v1
        kind: Node
        metadata: {name: fra1-a01-n01, labels: {topology.kubernetes.io/zone: fra1}}
        spec:
          taints: [{key: example.com/gpu, value: "true", effect: NoSchedule}]
        """, Node.class)).create();
    Taint gpu = new Taint("NoSchedule", "example.com/gpu", null, "true");

    assertThat(materializer.node("fra1-a01-n01", n -> NodeTaints.adopt(n, "metal-fra")).updated()).isEqualTo(1);
    assertThat(client.nodes().withName("fra1-a01-n01").get().getSpec().getTaints())
        .containsExactly(gpu, new Taint("NoSchedule", "poolbridge.io/pool", null, "metal-fra"));
    requests();
    Result again = materializer.node("fra1-a01-n01", n -> NodeTaints.adopt(n, "metal-fra"));
    assertThat(again.wrote()).isFalse();
    assertThat(writes(requests())).isEmpty();

    materializer.node("fra1-a01-n01", n -> NodeTaints.lease(n, "retail-k8s"));
    Node leased = client.nodes().withName("fra1-a01-n01").get();
    assertThat(leased.getMetadata().getLabels()).containsEntry("poolbridge.io/leased-to", "retail-k8s");
    assertThat(leased.getSpec().getTaints()).containsExactly(gpu, new Taint("NoSchedule", "poolbridge.io/leased-to", null, "retail-k8s"));

    materializer.node("fra1-a01-n01", n -> NodeTaints.unlease(n, "metal-fra"));
    Node back = client.nodes().withName("fra1-a01-n01").get();
    assertThat(back.getMetadata().getLabels()).doesNotContainKey("poolbridge.io/leased-to");
    assertThat(back.getSpec().getTaints()).containsExactly(gpu, new Taint("NoSchedule", "poolbridge.io/pool", null, "metal-fra"));

    materializer.node("fra1-a01-n01", NodeTaints::release);
    assertThat(client.nodes().withName("fra1-a01-n01").get().getSpec().getTaints()).containsExactly(gpu);

    assertThat(materializer.node("gone", NodeTaints::release).outcome()).isEqualTo(Outcome.NODE_MISSING);
  }

  @Test
  void aNodeWrittenByAnotherClientBetweenReadAndWriteIsRetriedFromFreshStateKeepingBothChanges() {
    client.nodes().resource(Fixtures.SERIALIZATION.unmarshal("""
        apiVersion: v1
        kind: Node
        metadata: {name: n1}
        """, Node.class)).create();
    int[] writesByOthers = {0};
    Result r = materializer.node("n1", n -> NodeTaints.adopt(n, "metal-ams"), read -> {
      if (writesByOthers[0]++ == 0) {
        client.nodes().withName("n1").edit(n -> {
          n.getMetadata().setLabels(Map.of("team", "storage"));
          return n;
        });
      }
    });

    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(writesByOthers[0]).isEqualTo(2);
    Node n1 = client.nodes().withName("n1").get();
    assertThat(n1.getMetadata().getLabels()).containsEntry("team", "storage");
    assertThat(n1.getSpec().getTaints()).containsExactly(new Taint("NoSchedule", "poolbridge.io/pool", null, "metal-ams"));
  }

  @Test
  void twoHundredFiftyStaticInstancesAreListedInThreeSlicesAndFollowTheirPlacements() throws Exception {
    Workload w = Fixtures.cassandra();
    Result first = materializer.endpoints(w, StaticEndpointsTest.instances("storage", "cassandra-ring", 250));

    assertThat(first.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(client.services().inNamespace("storage").withName("cassandra-ring").get().getSpec().getClusterIP()).isEqualTo("None");
    List<EndpointSlice> slices = client.discovery().v1().endpointSlices().inNamespace("storage")
        .withLabel("kubernetes.io/service-name", "cassandra-ring").list().getItems();
    assertThat(slices).extracting(s -> s.getEndpoints().size()).containsExactlyInAnyOrder(100, 100, 50);
    requests();

    assertThat(materializer.endpoints(w, StaticEndpointsTest.instances("storage", "cassandra-ring", 250)).wrote()).isFalse();
    assertThat(writes(requests())).isEmpty();

    // Scaled down to 150: the third slice goes, the second is rewritten with 50.
    Result down = materializer.endpoints(w, StaticEndpointsTest.instances("storage", "cassandra-ring", 150));
    assertThat(down.deleted()).isEqualTo(1);
    assertThat(down.updated()).isEqualTo(1);
    assertThat(client.discovery().v1().endpointSlices().inNamespace("storage").list().getItems())
        .extracting(s -> s.getEndpoints().size()).containsExactlyInAnyOrder(100, 50);

    assertThat(materializer.remove(w).deleted()).isEqualTo(3);
    assertThat(client.discovery().v1().endpointSlices().inNamespace("storage").list().getItems()).isEmpty();
    assertThat(client.services().inNamespace("storage").list().getItems()).isEmpty();
  }

  @Test
  void inARemoteClusterPodsOfDeletedWorkloadsAreCollected() {
    Materializer remote = new Materializer(client, true);
    Workload live = kafkaConnect();
    Workload deleted = kafkaConnect();
    deleted.getMetadata().setName("old-connect");
    deleted.getMetadata().setUid("6f1c1f4e-9999-4a2b-9c3d-000000000009");
    remote.pods(live, List.of(placement("kafka-connect-0", "ip-a")));
    remote.pods(deleted, List.of(new PodPlacement("streaming/old-connect-0", "ip-b", "aws-eu-west-1",
        Fixtures.resources("cpu", "2", "memory", "8Gi"), false, "kafka", null)));
    assertThat(pods()).allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences()).isNullOrEmpty());

    Result gc = remote.collectGarbage(Set.of(live.getMetadata().getUid()));

    assertThat(gc.deleted()).isEqualTo(1);
    assertThat(pods()).extracting(p -> p.getMetadata().getName()).containsExactly("kafka-connect-0");
  }
}
