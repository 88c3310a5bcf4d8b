package io.poolbridge.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.Phase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl apply -f crds/ && kubectl apply -f samples/} against the embedded API server (the
 * Fabric8 mock in CRUD mode, in this JVM), then the API behaviour the reconcilers build on: listing,
 * the status subresource, and optimistic concurrency on resourceVersion.
 */
class SamplesApplyIT {
  private KubernetesMockServer server;
  private KubernetesClient client;

  /** A fresh API server per test, so that what one test writes cannot leak into another. */
  @BeforeEach
  void applyTheCrdsAndEverySample() {
    server = new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init();
    // Both the JDK and the Vert.x HTTP clients are on the classpath (JOSDK brings the first,
    // kubernetes-client the second) and Fabric8 would pick one at random: choose.
    client = server.createClient(new JdkHttpClientFactory());

    for (Path file : Samples.yamlFiles("crds")) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
          .load(file.toFile()).item();
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
    for (Samples.Document doc : Samples.documents()) {
      HasMetadata item = doc.typed();
      if (item instanceof Namespace namespace) {
        client.namespaces().resource(namespace).create();
      } else if (item instanceof ResourcePool pool) {
        client.resources(ResourcePool.class).resource(pool).create();
      } else if (item instanceof Framework framework) {
        client.resources(Framework.class).resource(framework).create();
      } else if (item instanceof Workload workload) {
        client.resources(Workload.class).resource(workload).create();
      } else {
        fail("%s: a sample of a kind this test does not apply", doc);
      }
    }
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void everySampleIsListedBackAsApplied() {
    assertThat(specsByName(client.resources(ResourcePool.class).list().getItems()))
        .isEqualTo(specsByName(Samples.all(ResourcePool.class)));
    assertThat(specsByName(client.resources(Framework.class).list().getItems()))
        .isEqualTo(specsByName(Samples.all(Framework.class)));
    assertThat(specsByName(client.resources(Workload.class).inAnyNamespace().list().getItems()))
        .isEqualTo(specsByName(Samples.all(Workload.class)));

    assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
        .containsAll(Samples.all(Namespace.class).stream().map(n -> n.getMetadata().getName()).toList());

    // kubectl get wl -n streaming: only that tenant's workloads.
    assertThat(client.resources(Workload.class).inNamespace("streaming").list().getItems())
        .extracting(w -> w.getMetadata().getName())
        .containsExactlyInAnyOrder("kafka-brokers", "kafka-connect");

    // The server, not the file, stamps identity and versions.
    assertThat(client.resources(ResourcePool.class).withName("metal-ams").get().getMetadata())
        .satisfies(m -> assertThat(m.getUid()).isNotBlank())
        .satisfies(m -> assertThat(m.getResourceVersion()).isNotBlank())
        .satisfies(m -> assertThat(m.getCreationTimestamp()).isNotBlank())
        .satisfies(m -> assertThat(m.getGeneration()).isEqualTo(1L));
  }

  @Test
  void everySpecColumnOfKubectlGetHasAValue() {
    Map<String, List<? extends HasMetadata>> listed = Map.of(
        "ResourcePool", client.resources(ResourcePool.class).list().getItems(),
        "Framework", client.resources(Framework.class).list().getItems(),
        "Workload", client.resources(Workload.class).inAnyNamespace().list().getItems());
    listed.forEach((kind, items) -> {
      JsonNode columns = Samples.crd(kind).path("spec").path("versions").path(0).path("additionalPrinterColumns");
      assertThat(columns).as(kind + " printer columns").isNotEmpty();
      for (HasMetadata item : items) {
        JsonNode tree = Samples.SERIALIZATION.convertValue(item, JsonNode.class);
        for (JsonNode column : columns) {
          String path = column.path("jsonPath").asText();
          if (!path.startsWith(".status.")) { // status columns stay empty until the operator writes status
            assertThat(resolve(tree, path)).as("kubectl get %s %s, column %s (%s)",
                kind, item.getMetadata().getName(), column.path("name").asText(), path).isNotEmpty();
          }
        }
      }
    });
  }

  @Test
  void statusIsWrittenOnlyThroughTheStatusSubresource() {
    var workloads = client.resources(Workload.class).inNamespace("streaming");
    Workload brokers = workloads.withName("kafka-brokers").get();
    String specVersion = brokers.getMetadata().getResourceVersion();

    brokers.setStatus(placed(brokers, "ams1-r01-m01", "ams2-r11-m03", "fra1-a01-n01", "fra2-b07-n03"));
    Workload written = workloads.resource(brokers).updateStatus();

    Workload read = workloads.withName("kafka-brokers").get();
    assertThat(read.getStatus()).isEqualTo(brokers.getStatus());
    assertThat(read.getMetadata().getResourceVersion())
        .isEqualTo(written.getMetadata().getResourceVersion())
        .isNotEqualTo(specVersion);
    assertThat(read.getMetadata().getGeneration()).as("a status write is no spec change").isEqualTo(1L);

    // A write of the main resource changes the spec (new generation) but cannot touch the status.
    read.setStatus(new WorkloadStatus(null, Phase.Failed, 0, List.of(), List.of(), null));
    Workload scaled = workloads.resource(withInstances(read, 5)).update();
    assertThat(scaled.getSpec().instances()).isEqualTo(5);
    assertThat(scaled.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(workloads.withName("kafka-brokers").get().getStatus()).isEqualTo(brokers.getStatus());

    // A label is metadata: new resourceVersion, same generation.
    Workload relabelled = workloads.withName("kafka-brokers").edit(w -> {
      w.getMetadata().getLabels().put("tier", "gold");
      return w;
    });
    assertThat(relabelled.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(relabelled.getMetadata().getResourceVersion()).isNotEqualTo(scaled.getMetadata().getResourceVersion());

    // A JSON Patch of the status subresource (editStatus) replaces list entries as it should.
    Workload moved = workloads.withName("kafka-brokers").editStatus(w -> {
      w.setStatus(placed(w, "ams1-r01-m02", "ams2-r11-m04", "fra1-a01-n01", "fra2-b07-n03"));
      return w;
    });
    assertThat(workloads.withName("kafka-brokers").get().getStatus()).isEqualTo(moved.getStatus());
    assertThat(moved.getStatus().instances()).extracting(InstanceStatus::node)
        .containsExactly("ams1-r01-m02", "ams2-r11-m04", "fra1-a01-n01", "fra2-b07-n03");
  }

  /**
   * Two writers read the same Workload and both try to record placements. The second must get 409
   * Conflict and re-read, or one instance could be placed twice. In the mock this holds for a JSON
   * Patch of the status ({@code editStatus}, which carries the resourceVersion it was read at) and
   * for a write of the main resource; see {@link #whereTheMockDiffersFromARealApiServer()} for
   * {@code updateStatus} and {@code patchStatus}.
   */
  @Test
  void aPlacementWrittenFromAStaleReadIsRejectedWithConflict() {
    var workloads = client.resources(Workload.class).inNamespace("storage");
    Workload first = workloads.withName("cassandra-ring").get();
    Workload second = workloads.withName("cassandra-ring").get();

    Workload recorded = workloads.resource(first).editStatus(w -> {
      w.setStatus(placed(w, "ams1-r02-h01", "ams2-r11-m03", "fra1-a01-n01", "fra2-b07-n03"));
      return w;
    });

    assertThatThrownBy(() -> workloads.resource(second).editStatus(w -> {
      w.setStatus(placed(w, "ams1-r01-m01", "ams2-r11-m04", "fra1-a01-n02", "fra2-b07-n04"));
      return w;
    }))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409))
        .hasMessageContaining("the object has been modified");
    assertThat(workloads.withName("cassandra-ring").get().getStatus()).isEqualTo(recorded.getStatus());
  }

  @Test
  void aSpecUpdateFromAStaleReadIsRejectedWithConflict() {
    var pools = client.resources(ResourcePool.class);
    ResourcePool stale = pools.withName("metal-fra").get();

    ResourcePool fresh = pools.withName("metal-fra").get();
    fresh.getMetadata().getLabels().put("poolbridge.io/contract", "2027");
    pools.resource(fresh).update();

    stale.getMetadata().getLabels().put("poolbridge.io/contract", "2026");
    assertThatThrownBy(() -> pools.resource(stale).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(pools.withName("metal-fra").get().getMetadata().getLabels())
        .containsEntry("poolbridge.io/contract", "2027");
  }

  /**
   * Where the mock (Fabric8 7.5.2, KubernetesCrudDispatcher) is more permissive than a real API
   * server, as observed here and in its PutHandler/PatchHandler. Code must not rely on any of this;
   * the *E2E tier (k3s) has the real behaviour. Kept as assertions so that a Fabric8 upgrade that
   * changes one of them is noticed.
   */
  @Test
  void whereTheMockDiffersFromARealApiServer() {
    var workloads = client.resources(Workload.class).inNamespace("storage");
    Workload first = workloads.withName("cassandra-ring").get();
    Workload second = workloads.withName("cassandra-ring").get();
    first.setStatus(placed(first, "ams1-r02-h01", "ams2-r11-m03"));
    workloads.resource(first).updateStatus();

    // 1. PUT .../status (updateStatus) ignores a stale resourceVersion: the mock copies only .status
    //    out of the body onto the stored object and compares that object's version with itself.
    //    Last writer wins; a real API server answers 409 Conflict.
    second.setStatus(placed(second, "fra1-a01-n02", "fra2-b07-n04"));
    workloads.resource(second).updateStatus();
    assertThat(workloads.withName("cassandra-ring").get().getStatus()).isEqualTo(second.getStatus());

    // 2. A JSON merge patch (patchStatus) does check the resourceVersion (409 here when stale) but
    //    appends to lists instead of replacing them (RFC 7386 replaces them): two instances patched
    //    over two come back as four.
    Workload current = workloads.withName("cassandra-ring").get();
    current.setStatus(placed(current, "ams1-r01-m01", "ams2-r11-m04"));
    workloads.resource(current).patchStatus();
    assertThat(workloads.withName("cassandra-ring").get().getStatus().instances()).extracting(InstanceStatus::node)
        .containsExactly("fra1-a01-n02", "fra2-b07-n04", "ams1-r01-m01", "ams2-r11-m04");
    assertThatThrownBy(() -> workloads.resource(current).patchStatus())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

    // 3. A PUT without metadata.resourceVersion is applied unconditionally; a real API server refuses
    //    it for custom resources (422, resourceVersion must be specified for an update).
    String path = "/apis/poolbridge.io/v1alpha1/namespaces/analytics/workloads/spark-nightly-etl-scheduled";
    ObjectNode body = Samples.SERIALIZATION.convertValue(
        client.resources(Workload.class).inNamespace("analytics").withName("spark-nightly-etl-scheduled").get(), ObjectNode.class);
    ((ObjectNode) body.get("metadata")).remove("resourceVersion");
    ((ObjectNode) body.get("spec")).put("instances", 24);
    client.raw(path, "PUT", body.toString());
    assertThat(client.resources(Workload.class).inNamespace("analytics").withName("spark-nightly-etl-scheduled").get()
        .getSpec().instances()).isEqualTo(24);

    // 4. Neither the OpenAPI schema nor the CEL rules of the CRD are checked: a negative instance
    //    count and a schedule on a Service are stored as sent.
    ((ObjectNode) body.get("spec")).put("instances", -1).put("kind", "Service");
    client.raw(path, "PUT", body.toString());
    assertThat(client.raw(path)).contains("\"instances\":-1", "\"kind\":\"Service\"", "\"schedule\"");

    // 5. Server-side apply is refused as an unsupported media type.
    Workload sample = Samples.all(Workload.class).stream()
        .filter(w -> w.getMetadata().getName().equals("spark-adhoc-backfill")).findFirst().orElseThrow();
    assertThatThrownBy(() -> client.resource(sample).serverSideApply())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(415));
  }

  private static WorkloadStatus placed(Workload workload, String... nodes) {
    List<InstanceStatus> instances = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      String pool = nodes[i].startsWith("ams") ? "metal-ams" : "metal-fra";
      instances.add(new InstanceStatus(workload.getMetadata().getName() + "-" + i, nodes[i], pool,
          workload.getSpec().resources(), InstanceState.Placed, false,
          "2026-11-21T10:00:00Z", null, pool.equals("metal-ams") ? "0.5280 USD" : "0.2784 EUR"));
    }
    Condition placedCondition = new ConditionBuilder().withType("Placed").withStatus("True")
        .withReason("AllInstancesPlaced").withMessage(nodes.length + " of " + nodes.length + " instances placed")
        .withLastTransitionTime("2026-11-21T10:00:00Z").withObservedGeneration(1L).build();
    return new WorkloadStatus(1L, Phase.Running, nodes.length, instances, List.of(placedCondition), null);
  }

  private static Workload withInstances(Workload workload, int instances) {
    var s = workload.getSpec();
    workload.setSpec(new WorkloadSpec(s.framework(), s.kind(), instances, s.resources(),
        s.constraints(), s.priority(), s.preemptible(), s.revocable(), s.gang(), s.strategy(), s.schedule(),
        s.job(), s.template()));
    return workload;
  }

  private static Map<String, Object> specsByName(List<? extends HasMetadata> items) {
    return items.stream().collect(Collectors.toMap(
        i -> i.getMetadata().getNamespace() == null
            ? i.getMetadata().getName()
            : i.getMetadata().getNamespace() + "/" + i.getMetadata().getName(),
        i -> ((CustomResource<?, ?>) i).getSpec()));
  }

  /** A printer-column JSONPath of the simple form kubectl columns use: {@code .spec.provider}. */
  private static String resolve(JsonNode tree, String path) {
    JsonNode node = tree;
    for (String field : path.substring(1).split("\\.")) {
      node = node.path(field);
    }
    return node.isValueNode() ? node.asText() : "";
  }
}
