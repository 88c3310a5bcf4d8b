package io.poolbridge.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Nothing the API server accepts can overflow the core or the object store: every string, list,
 * map and number of every spec is bounded in the CRDs. That a Workload of the most instances its
 * CRD allows keeps a status well under etcd's 1.5 MiB object limit is {@link WorkloadStatusSizeTest}.
 */
class CrdBoundsTest {

  private static void unbounded(JsonNode node, String path, List<String> found) {
    String type = node.path("type").asText("");
    if (node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return; // the pod template: passed through, never read by the core
    }
    if (node.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!node.has("pattern") || !node.has("maximum")) {
        found.add(path + " (quantity)");
      }
      return;
    }
    switch (type) {
      case "string" -> {
        if (!node.has("maxLength") && !node.has("enum")) {
          found.add(path + " (string without maxLength)");
        }
      }
      case "integer", "number" -> {
        if (!node.has("maximum")) {
          found.add(path + " (" + type + " without maximum)");
        }
      }
      case "array" -> {
        if (!node.has("maxItems")) {
          found.add(path + " (list without maxItems)");
        }
        unbounded(node.path("items"), path + "[]", found);
      }
      case "object" -> {
        if (node.path("additionalProperties").isObject()) {
          if (!node.has("maxProperties")) {
            found.add(path + " (map without maxProperties)");
          }
          unbounded(node.get("additionalProperties"), path + "[*]", found);
        }
        node.path("properties").properties().forEach(p -> unbounded(p.getValue(), path + "." + p.getKey(), found));
      }
      default -> { }
    }
  }

  @Test
  void everyValueOfEverySpecIsBounded() {
    List<String> found = new ArrayList<>();
    for (JsonNode crd : ApiServerValidator.generatedCrds()) {
      unbounded(crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec"), crd.at("/spec/names/kind").asText() + ".spec", found);
    }
    assertThat(found).isEmpty();
  }

  @Test
  void theMostInstancesAWorkloadMayAskForIsWhatItsCrdSays() {
    JsonNode workloads = ApiServerValidator.generatedCrds().stream()
        .filter(c -> c.at("/spec/names/kind").asText().equals("Workload")).findFirst().orElseThrow();
    assertThat(workloads.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/instances/maximum").asLong())
        .isEqualTo(WorkloadSpec.MAX_INSTANCES);
  }
}
