package io.poolbridge.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.oas.OpenApi30;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.FrameworkSpec.FrameworkType;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.ResourcePoolSpec.StaticNode;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.api.v1alpha1.WorkloadSpec.Operator;
import io.poolbridge.api.v1alpha1.WorkloadSpec.WorkloadKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The samples are what users copy: every poolbridge document must mean to the Java model exactly
 * what it says, and the estate must keep the shape that the allocator, reconciler and end-to-end
 * tests build on.
 */
class SampleModelRoundTripTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> everyPoolbridgeDocumentRoundTripsThroughTheModelUnchanged() {
    List<Samples.Document> documents =
        Samples.documents().stream().filter(Samples.Document::isPoolbridge).toList();
    assertThat(documents).isNotEmpty();
    return documents.stream().map(doc -> DynamicTest.dynamicTest(doc.toString(), () -> {
      HasMetadata typed = doc.typed();
      assertThat(typed).as(doc.toString()).isInstanceOf(doc.modelClass());
      JsonNode back = JSON.readTree(Samples.SERIALIZATION.asJson(typed));
      JsonNode schema = Samples.crd(doc.kind())
          .path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
      List<String> differences = new ArrayList<>();
      compare(doc.tree(), back, schema, "", differences);
      assertThat(differences)
          .as("%s changes when read into %s and written back", doc, doc.modelClass().getSimpleName())
          .isEmpty();
    }));
  }

  /**
   * Collects where {@code actual} differs from {@code expected}. Numbers are compared by value (the
   * model reads {@code weight: 2} as 2.0). A number may come back as the same text only where the
   * schema says int-or-string (quantities such as {@code cpu: 4}); anywhere else that is a type the
   * API server would reject, e.g. {@code value: 2} for a constraint value, so it is reported.
   */
  static void compare(JsonNode expected, JsonNode actual, JsonNode schema, String path, List<String> out) {
    if (expected.isObject() && actual.isObject()) {
      Set<String> names = new TreeSet<>();
      expected.fieldNames().forEachRemaining(names::add);
      actual.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String at = path + "." + name;
        if (!actual.has(name)) {
          out.add(at + ": in the sample, lost by the model (unknown field?)");
        } else if (!expected.has(name)) {
          out.add(at + ": added by the model: " + actual.get(name));
        } else {
          compare(expected.get(name), actual.get(name), child(schema, name), at, out);
        }
      }
    } else if (expected.isArray() && actual.isArray()) {
      if (expected.size() != actual.size()) {
        out.add(path + ": " + expected.size() + " items became " + actual.size());
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        compare(expected.get(i), actual.get(i), schema.path("items"), path + "[" + i + "]", out);
      }
    } else if (expected.isNumber() && actual.isNumber()) {
      if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
        out.add(path + ": " + expected + " became " + actual);
      }
    } else if (expected.isNumber() && actual.isTextual()
        && schema.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!expected.asText().equals(actual.textValue())) {
        out.add(path + ": " + expected + " became " + actual);
      }
    } else if (!expected.equals(actual)) {
      out.add(path + ": " + expected + " became " + actual);
    }
  }

  private static JsonNode child(JsonNode schema, String name) {
    JsonNode property = schema.path("properties").path(name);
    return property.isMissingNode() ? schema.path("additionalProperties") : property;
  }

  @Test
  void theComparisonCatchesWhatTheModelWouldLoseOrMangle() throws Exception {
    JsonNode schema = Samples.crd("Workload")
        .path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
    JsonNode sample = JSON.readTree("""
        {"spec": {"instances": 2, "resources": {"cpu": 4},
                  "constraints": [{"attribute": "zone", "operator": "MAX_PER", "value": 2}],
                  "speed": "fast"}}""");
    JsonNode back = JSON.readTree("""
        {"spec": {"instances": 2.0, "resources": {"cpu": "4"},
                  "constraints": [{"attribute": "zone", "operator": "MAX_PER", "value": "2"}]}}""");
    List<String> differences = new ArrayList<>();
    compare(sample, back, schema, "", differences);
    assertThat(differences).containsExactly(
        ".spec.constraints[0].value: 2 became \"2\"",
        ".spec.speed: in the sample, lost by the model (unknown field?)");
  }

  /**
   * The round trip proves the model understands the samples; this proves an API server would take
   * them, as far as the OpenAPI part of the CRD goes (patterns, enums, bounds, required fields). The
   * CEL rules are not evaluated here; the *E2E tier applies the samples to a real API server.
   */
  @Test
  void everyPoolbridgeDocumentIsValidAgainstTheOpenApiSchemaOfItsCrd() {
    JsonMetaSchema openApi = JsonMetaSchema.builder(OpenApi30.getInstance())
        .keywords(Stream.of("x-kubernetes-validations", "x-kubernetes-int-or-string",
                "x-kubernetes-preserve-unknown-fields")
            .map(NonValidationKeyword::new).toList())
        .build();
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
        b -> b.metaSchema(openApi).defaultMetaSchemaIri(openApi.getIri()));
    List<String> errors = new ArrayList<>();
    for (Samples.Document doc : Samples.documents()) {
      if (doc.isPoolbridge()) {
        JsonNode schema = Samples.crd(doc.kind())
            .path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
        factory.getSchema(schema).validate(doc.tree()).forEach(m -> errors.add(doc + ": " + m.getMessage()));
      }
    }
    assertThat(errors).isEmpty();
  }

  @Test
  void theEstateHasTheShapeTheOtherTiersRelyOn() {
    List<ResourcePool> pools = Samples.all(ResourcePool.class);
    List<Framework> frameworks = Samples.all(Framework.class);
    List<Workload> workloads = Samples.all(Workload.class);

    assertThat(pools).hasSizeGreaterThanOrEqualTo(3);
    assertThat(pools).extracting(p -> p.getSpec().provider()).doesNotHaveDuplicates()
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(pools).anyMatch(p -> p.getSpec().source().inventory() != null)
        .anyMatch(p -> p.getSpec().source().kubernetes() != null)
        .anyMatch(p -> p.getSpec().source().kubernetes() != null
            && p.getSpec().source().kubernetes().kubeconfigSecretRef() != null)
        .anyMatch(p -> p.getSpec().reservations() != null)
        .anyMatch(p -> p.getSpec().maintenance() != null);

    assertThat(frameworks).hasSize(4);
    assertThat(frameworks).extracting(f -> f.getSpec().type())
        .containsAll(EnumSet.allOf(FrameworkType.class));
    assertThat(frameworks).extracting(f -> f.getSpec().role()).doesNotHaveDuplicates();
    assertThat(frameworks).allMatch(f -> f.getSpec().namespaces() != null, "lists its namespaces");

    assertThat(workloads).extracting(w -> w.getSpec().kind())
        .containsAll(EnumSet.allOf(WorkloadKind.class));
    assertThat(workloads).flatExtracting(w -> w.getSpec().constraints() == null
            ? List.<Operator>of()
            : w.getSpec().constraints().stream().map(WorkloadSpec.Constraint::operator).toList())
        .containsAll(EnumSet.allOf(Operator.class));
    assertThat(workloads).anyMatch(w -> Boolean.TRUE.equals(w.getSpec().gang()))
        .anyMatch(w -> w.getSpec().schedule() != null && w.getSpec().schedule().timeZone() != null)
        .anyMatch(w -> w.getSpec().kind() == WorkloadKind.Service && w.getSpec().template() != null)
        .anyMatch(w -> Boolean.TRUE.equals(w.getSpec().preemptible()));
  }

  @Test
  void everyWorkloadUsesAFrameworkThatListsItsNamespaceAndCanServeIt() {
    Map<String, Framework> frameworks = Samples.all(Framework.class).stream()
        .collect(Collectors.toMap(f -> f.getMetadata().getName(), Function.identity()));
    Map<String, Map<String, String>> namespaceLabels = Samples.all(Namespace.class).stream()
        .collect(Collectors.toMap(n -> n.getMetadata().getName(),
            n -> n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels()));

    for (Workload workload : Samples.all(Workload.class)) {
      String where = "Workload " + workload.getMetadata().getNamespace() + "/" + workload.getMetadata().getName();
      String namespace = workload.getMetadata().getNamespace();
      assertThat(namespaceLabels).as(where + ": namespace created by 00-namespaces.yaml").containsKey(namespace);
      Framework framework = frameworks.get(workload.getSpec().framework());
      assertThat(framework).as(where + ": framework " + workload.getSpec().framework()).isNotNull();
      var allowed = framework.getSpec().namespaces();
      boolean byName = allowed.names() != null && allowed.names().contains(namespace);
      boolean bySelector = allowed.selector() != null
          && Samples.selects(allowed.selector(), namespaceLabels.get(namespace));
      assertThat(byName || bySelector).as(where + ": listed by framework " + framework.getMetadata().getName())
          .isTrue();
      if (workload.getSpec().kind() == WorkloadKind.NodeLease) {
        assertThat(framework.getSpec().type()).as(where + ": leases go to Kubernetes clusters")
            .isEqualTo(FrameworkType.KubernetesCluster);
      }
      if (Boolean.TRUE.equals(workload.getSpec().revocable())) {
        assertThat(framework.getSpec().capabilities()).as(where + ": its framework accepts revocable capacity")
            .isNotNull()
            .satisfies(c -> assertThat(c.revocable()).isTrue());
      }
    }
  }

  @Test
  void guaranteesAndReservationsFitTheBareMetalAlone() {
    List<StaticNode> nodes = Samples.all(ResourcePool.class).stream()
        .filter(p -> p.getSpec().source().inventory() != null)
        .flatMap(p -> p.getSpec().source().inventory().nodes().stream())
        .toList();
    Map<String, BigDecimal> capacity = sum(nodes.stream().map(StaticNode::capacity));
    Map<String, BigDecimal> guaranteed = sum(Samples.all(Framework.class).stream()
        .filter(f -> f.getSpec().quota() != null && f.getSpec().quota().guarantee() != null)
        .map(f -> f.getSpec().quota().guarantee()));
    guaranteed.forEach((resource, amount) -> assertThat(amount)
        .as("guaranteed %s against the static pools' %s", resource, resource)
        .isLessThanOrEqualTo(capacity.getOrDefault(resource, BigDecimal.ZERO)));

    Map<String, StaticNode> byName = new HashMap<>();
    nodes.forEach(n -> byName.put(n.name(), n));
    Set<String> checked = new HashSet<>();
    for (ResourcePool pool : Samples.all(ResourcePool.class)) {
      if (pool.getSpec().reservations() == null) {
        continue;
      }
      for (var reservation : pool.getSpec().reservations()) {
        for (String node : reservation.nodes()) {
          Map<String, BigDecimal> nodeCapacity = sum(Stream.of(byName.get(node).capacity()));
          reservation.resources().forEach((resource, amount) -> assertThat(amount.getNumericalAmount())
              .as("%s reserved for %s on %s", resource, reservation.role(), node)
              .isLessThanOrEqualTo(nodeCapacity.getOrDefault(resource, BigDecimal.ZERO)));
          checked.add(node);
        }
      }
    }
    assertThat(checked).isNotEmpty();
  }

  private static Map<String, BigDecimal> sum(Stream<Map<String, Quantity>> amounts) {
    Map<String, BigDecimal> total = new TreeMap<>();
    amounts.forEach(m -> m.forEach((k, v) -> total.merge(k, v.getNumericalAmount(), BigDecimal::add)));
    return total;
  }
}
