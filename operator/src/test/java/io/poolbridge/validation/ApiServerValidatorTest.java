package io.poolbridge.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * The behaviours of kube-apiserver that {@link ApiServerValidator} reproduces, each on a small CRD
 * of its own, with the wording Kubernetes' source gives it.
 */
class ApiServerValidatorTest {

  private static final String NUMBER = "{type: object, properties: {w: {type: number, minimum: 0.001, maximum: 1000000000}}}";

  @Test
  void an_integer_is_checked_against_the_minimum_truncated_to_an_integer() {
    ApiServerValidator v = crdWithSpec(NUMBER);

    assertThat(v.validate(widget("{w: 0}")).errors()).isEmpty();
    assertThat(v.validate(widget("{w: 0.0005}")).errors())
        .containsExactly("spec.w: Invalid value: 0.0005: spec.w in body should be greater than or equal to 0.001");
  }

  @Test
  void numbers_are_worded_as_go_prints_them() {
    assertThat(crdWithSpec(NUMBER).validate(widget("{w: 1234567890.5}")).errors())
        .containsExactly("spec.w: Invalid value: 1.2345678905e+09: spec.w in body should be less than or equal to 1e+09");
    assertThat(crdWithSpec("{type: object, properties: {i: {type: integer, maximum: 1e9}}}").validate(widget("{i: 2000000000}")).errors())
        .containsExactly("spec.i: Invalid value: 2000000000: spec.i in body should be less than or equal to 1000000000");
  }

  @Test
  void a_whole_number_written_with_a_fraction_reaches_the_server_as_an_integer() {
    ApiServerValidator v = crdWithSpec("{type: object, properties: {i: {type: integer}}}");

    assertThat(v.validate(widget("{i: 3.0}")).errors()).isEmpty();
    assertThat(v.validate(widget("{i: 3.5}")).errors()).containsExactly(
        "spec.i: Invalid value: \"number\": spec.i in body must be of type integer: \"number\"",
        "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation");
  }

  @Test
  void a_string_reports_only_its_first_failing_check_and_too_long_is_worded_per_version() {
    ApiServerValidator.Result result = crdWithSpec("{type: object, properties: {s: {type: string, maxLength: 3, pattern: '^[a-z]+$'}, c: {type: string, maxLength: 1}}}")
        .validate(widget("{s: ABCDE, c: xy}"));

    assertThat(result.errors(31)).contains("spec.s: Too long: may not be longer than 3", "spec.c: Too long: may not be longer than 1");
    assertThat(result.errors(33)).contains("spec.s: Too long: may not be more than 3 bytes", "spec.c: Too long: may not be more than 1 bytes");
    assertThat(result.errors(34)).contains("spec.s: Too long: may not be more than 3 bytes", "spec.c: Too long: may not be more than 1 byte")
        .contains("<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation")
        .noneMatch(e -> e.contains("should match"));
  }

  @Test
  void defaults_are_applied_before_the_rules_run() {
    ApiServerValidator v = crdWithSpec("""
        {type: object, properties: {mode: {type: string, default: Fast}, n: {type: integer}},
         x-kubernetes-validations: [{rule: "self.mode != 'Fast' || self.n <= 10", message: fast mode takes at most 10, fieldPath: .n}]}""");

    assertThat(v.validate(widget("{n: 11}")).errors()).containsExactly("spec.n: Invalid value: \"object\": fast mode takes at most 10");
    assertThat(v.validate(widget("{n: 11, mode: Slow}")).errors()).isEmpty();
  }

  @Test
  void rules_run_for_every_list_item_and_map_value_named_by_index_and_key() {
    ApiServerValidator v = crdWithSpec("""
        {type: object, properties: {
          list: {type: array, maxItems: 4, items: {type: object, properties: {n: {type: integer}}, x-kubernetes-validations: [{rule: self.n > 0, message: positive}]}},
          map: {type: object, maxProperties: 4, additionalProperties: {type: object, properties: {n: {type: integer}}, x-kubernetes-validations: [{rule: self.n > 0}]}}}}""");

    ApiServerValidator.Result result = v.validate(widget("{list: [{n: 1}, {n: 0}], map: {a: {n: 1}, b: {n: -1}}}"));

    assertThat(result.errors()).containsExactlyInAnyOrder(
        "spec.list[1]: Invalid value: \"object\": positive",
        "spec.map[b]: Invalid value: \"object\": failed rule: self.n > 0");
    assertThat(result.errors(35)).containsExactlyInAnyOrder(
        "spec.list[1]: Invalid value: positive",
        "spec.map[b]: Invalid value: failed rule: self.n > 0");
  }

  @Test
  void a_rule_that_fails_to_evaluate_reports_the_cel_error() {
    ApiServerValidator v = crdWithSpec("""
        {type: object, properties: {q: {type: string}}, x-kubernetes-validations: [{rule: "sign(quantity(self.q)) >= 0", message: q must not be negative}]}""");

    assertThat(v.validate(widget("{q: 1Gi}")).errors()).isEmpty();
    assertThat(v.validate(widget("{q: -1Gi}")).errors()).containsExactly("spec: Invalid value: \"object\": q must not be negative");
    assertThat(v.validate(widget("{q: 1mm}")).errors(35)).containsExactly(
        "spec: Invalid value: \"object\": unable to parse quantity's suffix evaluating rule: q must not be negative");
  }

  @Test
  void the_kubernetes_quantity_library_is_declared_as_kubernetes_declares_it() throws Exception {
    KubernetesCel cel = new KubernetesCel(ApiServerValidator.YAML.readTree("{type: object, properties: {q: {type: string}}}"));

    assertThat(cel.evaluate(cel.compile("sign(quantity('-1')) == -1 && quantity('1Ti').isGreaterThan(quantity('1000Gi'))"), java.util.Map.of()))
        .isEqualTo(true);
    assertThat(cel.evaluate(cel.compile("isQuantity('500m') && !isQuantity('16GB') && quantity('0').add(2).compareTo(quantity('2000m')) == 0"), java.util.Map.of()))
        .isEqualTo(true);
    assertThatThrownBy(() -> cel.compile("quantity('1').sign() >= 0"))
        .hasMessageContaining("found no matching overload for 'sign'");
  }

  @Test
  void quantities_parse_as_the_kubernetes_parser_parses_them() {
    assertThat(KubernetesQuantity.parse("1.5Gi").value()).isEqualByComparingTo("1610612736");
    assertThat(KubernetesQuantity.parse("500m").value()).isEqualByComparingTo("0.5");
    assertThat(KubernetesQuantity.parse("1e3").value()).isEqualByComparingTo("1000");
    assertThat(KubernetesQuantity.parse(".5").value()).isEqualByComparingTo("0.5");
    assertThat(KubernetesQuantity.parse("+007").value()).isEqualByComparingTo("7");
    assertThat(KubernetesQuantity.parse("m").value()).as("the parser lets a bare suffix through as zero").isEqualByComparingTo("0");
    assertThatThrownBy(() -> KubernetesQuantity.parse("1mm")).hasMessage("unable to parse quantity's suffix");
    assertThatThrownBy(() -> KubernetesQuantity.parse("lots")).hasMessage(KubernetesQuantity.FORMAT_ERROR);
    assertThatThrownBy(() -> KubernetesQuantity.parse("")).hasMessage(KubernetesQuantity.FORMAT_ERROR);
  }

  @Test
  void a_rule_that_does_not_compile_rejects_the_crd() {
    assertThatThrownBy(() -> crdWithSpec("{type: object, properties: {n: {type: integer}}, x-kubernetes-validations: [{rule: self.m > 0}]}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("undefined field 'm'");
  }

  @Test
  void unknown_fields_are_pruned_and_reported() {
    ApiServerValidator.Result result = crdWithSpec("{type: object, properties: {n: {type: integer}}}").validate(widget("{n: 1, colour: red}"));

    assertThat(result.valid()).isTrue();
    assertThat(result.unknownFields()).containsExactly("spec.colour");
  }

  @Test
  void the_status_message_and_kubectl_join_one_error_and_several_differently() {
    ApiServerValidator v = crdWithSpec("{type: object, required: [a, b], properties: {a: {type: string}, b: {type: string}}}");

    ApiServerValidator.Result one = v.validate(widget("{a: x}"));
    assertThat(one.statusMessage()).isEqualTo("Widget.example.io \"w\" is invalid: [spec.b: Required value, "
        + "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]");

    ApiServerValidator.Result several = crdWithSpec("{type: object, properties: {n: {type: integer, minimum: 1}}}").validate(widget("{n: 0}"));
    assertThat(several.statusMessage()).isEqualTo("Widget.example.io \"w\" is invalid: spec.n: Invalid value: 0: spec.n in body should be greater than or equal to 1");
    assertThat(several.kubectlMessage()).isEqualTo("The Widget \"w\" is invalid: spec.n: Invalid value: 0: spec.n in body should be greater than or equal to 1");
    assertThat(one.kubectlMessage()).isEqualTo("""
        The Widget "w" is invalid:\s
        * spec.b: Required value
        * <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation""");
  }

  @Test
  void a_rule_over_the_cost_budget_is_recognised() throws Exception {
    JsonNode resources = ApiServerValidator.YAML.readTree("""
        {type: object, properties: {resources: {type: object, maxProperties: 32,
          additionalProperties: {anyOf: [{type: integer}, {type: string}], x-kubernetes-int-or-string: true}}}}""");
    KubernetesCel cel = new KubernetesCel(resources);

    long parseEveryAmount = CelCostEstimator.estimate(resources, cel.compile(
        "self.resources.all(k, isQuantity(string(self.resources[k])) && sign(quantity(string(self.resources[k]))) >= 0)"));
    long checkEveryName = CelCostEstimator.estimate(resources, cel.compile("self.resources.all(k, k.matches('^[a-z]+$'))"));

    assertThat(parseEveryAmount).isGreaterThan(CelCostEstimator.PER_RULE_LIMIT);
    assertThat(checkEveryName).isLessThan(1000);
  }

  // ---- a throwaway CRD --------------------------------------------------------------------------

  /** A validator for a cluster-scoped {@code Widget} whose spec has the schema {@code specSchema}. */
  private static ApiServerValidator crdWithSpec(String specSchema) {
    ObjectNode crd = (ObjectNode) yaml("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.io}
        spec:
          group: example.io
          names: {kind: Widget, plural: widgets}
          scope: Cluster
          versions:
          - name: v1
            schema:
              openAPIV3Schema: {type: object, properties: {}}
        """);
    ((ObjectNode) crd.at("/spec/versions/0/schema/openAPIV3Schema/properties")).set("spec", yaml(specSchema));
    return ApiServerValidator.of(crd);
  }

  /** A Widget named {@code w} with {@code spec}. */
  private static JsonNode widget(String spec) {
    ObjectNode document = (ObjectNode) yaml("{apiVersion: example.io/v1, kind: Widget, metadata: {name: w}}");
    document.set("spec", yaml(spec));
    return document;
  }

  private static JsonNode yaml(String text) {
    try {
      return ApiServerValidator.YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
