package io.poolbridge.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolbridge.validation.ApiServerValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code kubectl get} and {@code kubectl explain} show for the three generated CRDs: names,
 * scope, category, printer columns in their declared order, the status subresource, and a
 * description on every field at every level.
 */
class CrdSchemaTest {

  record Expected(String kind, String plural, String shortName, String scope, List<String> columns) {
    @Override
    public String toString() {
      return kind;
    }
  }

  static List<Expected> crds() {
    return List.of(
        new Expected("ResourcePool", "resourcepools", "rpool", "Cluster",
            List.of("Provider", "Region", "Nodes", "Ready", "CPU", "Memory", "Age")),
        new Expected("Framework", "frameworks", "fw", "Cluster",
            List.of("Type", "Role", "Weight", "Share", "Guaranteed", "Age")),
        new Expected("Workload", "workloads", "wl", "Namespaced",
            List.of("Kind", "Framework", "Instances", "Placed", "Ready", "Phase", "Age")));
  }

  private static JsonNode crd(Expected expected) {
    return ApiServerValidator.generatedCrds().stream()
        .filter(c -> c.at("/metadata/name").asText().equals(expected.plural() + "." + ResourcePool.GROUP))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no generated CRD " + expected.plural() + "." + ResourcePool.GROUP));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crds")
  void names_scope_and_category(Expected expected) {
    JsonNode crd = crd(expected);
    JsonNode names = crd.at("/spec/names");
    assertThat(names.path("kind").asText()).isEqualTo(expected.kind());
    assertThat(names.path("singular").asText()).isEqualTo(expected.kind().toLowerCase());
    assertThat(texts(names.path("shortNames"))).containsExactly(expected.shortName());
    assertThat(texts(names.path("categories"))).containsExactly("poolbridge");
    assertThat(crd.at("/spec/scope").asText()).isEqualTo(expected.scope());
    assertThat(crd.at("/spec/group").asText()).isEqualTo(ResourcePool.GROUP);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crds")
  void one_served_storage_version_with_a_status_subresource(Expected expected) {
    JsonNode versions = crd(expected).at("/spec/versions");
    assertThat(versions).hasSize(1);
    JsonNode version = versions.get(0);
    assertThat(version.path("name").asText()).isEqualTo(ResourcePool.VERSION);
    assertThat(version.path("served").asBoolean()).isTrue();
    assertThat(version.path("storage").asBoolean()).isTrue();
    assertThat(version.at("/subresources/status").isObject()).as("status subresource").isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crds")
  void printer_columns_in_declared_order(Expected expected) {
    JsonNode columns = crd(expected).at("/spec/versions/0/additionalPrinterColumns");
    List<String> names = new ArrayList<>();
    columns.forEach(c -> names.add(c.path("name").asText()));
    assertThat(names).containsExactlyElementsOf(expected.columns());
    assertThat(columns.get(columns.size() - 1).path("jsonPath").asText()).isEqualTo(".metadata.creationTimestamp");
    columns.forEach(c -> assertThat(c.path("jsonPath").asText()).as(c.path("name").asText()).startsWith("."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crds")
  void every_field_has_a_description(Expected expected) {
    List<String> undescribed = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    collectFields(crd(expected).at("/spec/versions/0/schema/openAPIV3Schema"), "", fields, undescribed);
    // The API server publishes metadata as ObjectMeta, with its descriptions, whatever the CRD says.
    undescribed.removeIf(f -> f.equals(".metadata") || f.startsWith(".metadata."));
    assertThat(fields).as("fields of " + expected.kind()).hasSizeGreaterThan(20);
    assertThat(undescribed).as("fields kubectl explain shows without a description").isEmpty();
  }

  /**
   * The root {@code metadata} declares {@code name} and nothing else (not even a description): the
   * API server refuses a CRD whose root {@code metadata} specifies anything but {@code name} and
   * {@code generateName} ("must not specify anything other than name and generateName"), and
   * requires a declared field for the {@code fieldPath} of the name rules.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crds")
  void the_root_metadata_declares_only_the_name_its_rule_points_at(Expected expected) throws Exception {
    JsonNode root = crd(expected).at("/spec/versions/0/schema/openAPIV3Schema");
    assertThat(root.path("properties").path("metadata"))
        .isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"properties\":{\"name\":{\"type\":\"string\"}},\"type\":\"object\"}"));
    assertThat(root.path("x-kubernetes-validations")).anySatisfy(rule -> {
      assertThat(rule.path("fieldPath").asText()).isEqualTo(".metadata.name");
      assertThat(rule.path("rule").asText()).startsWith("size(self.metadata.name) <= ");
    });
  }

  /** Every entry of every {@code properties}, inside list items and map values too. */
  private static void collectFields(JsonNode schema, String path, List<String> fields, List<String> undescribed) {
    for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
      String fieldPath = path + "." + p.getKey();
      fields.add(fieldPath);
      if (p.getValue().path("description").asText("").isBlank()) {
        undescribed.add(fieldPath);
      }
      collectFields(p.getValue(), fieldPath, fields, undescribed);
    }
    if (schema.path("items").isObject()) {
      collectFields(schema.get("items"), path + "[]", fields, undescribed);
    }
    if (schema.path("additionalProperties").isObject()) {
      collectFields(schema.get("additionalProperties"), path + "{}", fields, undescribed);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }
}
