package io.poolbridge.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API server refuses a CRD whose validation rules are estimated too expensive: more than
 * 10,000,000 cost units for one rule (times the number of list items or map values it runs for), or
 * more than 100,000,000 for all of a CRD's rules. A rule over budget would make {@code helm install}
 * fail, so each generated CRD is estimated here as the API server estimates it.
 */
class CrdCelCostTest {

  record RuleCost(String crd, String path, String rule, long cost, long cardinality) {
    long total() {
      long t = cost * cardinality;
      return cardinality != 0 && t / cardinality != cost ? Long.MAX_VALUE : t;
    }

    @Override
    public String toString() {
      return crd + " " + path + ": " + total() + " (" + cost + " x " + cardinality + ") " + rule;
    }
  }

  static List<RuleCost> ruleCosts() {
    List<RuleCost> costs = new ArrayList<>();
    for (JsonNode crd : ApiServerValidator.generatedCrds()) {
      collect(crd.at("/metadata/name").asText(), crd.at("/spec/versions/0/schema/openAPIV3Schema"), "", new ArrayList<>(), costs);
    }
    return costs;
  }

  private static void collect(String crd, JsonNode node, String path, List<JsonNode> ancestors, List<RuleCost> costs) {
    if (node.has("x-kubernetes-validations")) {
      KubernetesCel cel = new KubernetesCel(node);
      for (JsonNode rule : node.get("x-kubernetes-validations")) {
        String text = rule.get("rule").asText();
        try {
          costs.add(new RuleCost(crd, path, text, CelCostEstimator.estimate(node, cel.compile(text)), CelCostEstimator.cardinality(ancestors, node)));
        } catch (dev.cel.common.CelValidationException e) {
          throw new AssertionError("rule at " + path + " does not compile: " + e.getMessage(), e);
        }
      }
    }
    List<JsonNode> below = new ArrayList<>(ancestors);
    below.add(node);
    node.path("properties").properties().forEach(p -> collect(crd, p.getValue(), path + "." + p.getKey(), below, costs));
    if (node.path("additionalProperties").isObject()) {
      collect(crd, node.get("additionalProperties"), path + "[*]", below, costs);
    }
    if (node.has("items")) {
      collect(crd, node.get("items"), path + "[*]", below, costs);
    }
  }

  @Test
  void every_rule_is_within_the_per_rule_budget() {
    List<RuleCost> costs = ruleCosts();
    assertThat(costs).as("rules found in the generated CRDs").hasSizeGreaterThan(10);
    assertThat(costs).allSatisfy(c -> assertThat(c.total()).as(c.toString()).isLessThanOrEqualTo(CelCostEstimator.PER_RULE_LIMIT));
  }

  @Test
  void every_crd_is_within_the_per_crd_budget() {
    for (JsonNode crd : ApiServerValidator.generatedCrds()) {
      String name = crd.at("/metadata/name").asText();
      long total = ruleCosts().stream().filter(c -> c.crd().equals(name)).mapToLong(RuleCost::total).reduce(0, Math::addExact);
      assertThat(total).as(name).isLessThanOrEqualTo(CelCostEstimator.PER_CRD_LIMIT);
    }
  }
}
