package io.poolbridge.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the malformed catalogue is rejected with exactly the errors it expects, no more, no
 * fewer (in any order: the API server walks an object's fields in Go map order), as Kubernetes
 * 1.31, 1.34 and 1.35 word them.
 */
class MalformedCatalogueTest {
  private static final Pattern FILE_NAME = Pattern.compile("[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*\\.yaml");

  static List<MalformedCase> cases() {
    return MalformedCase.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void is_rejected_with_exactly_the_expected_errors(MalformedCase c) {
    JsonNode document = c.parse();
    ApiServerValidator.Result result = ApiServerValidator.forKind(document.path("kind").asText()).validate(document);

    assertThat(result.unknownFields()).as("fields the schema does not declare").isEmpty();
    for (int minor : new int[] {31, 34, 35}) {
      assertThat(result.errors(minor)).as("%s on Kubernetes 1.%d", c.file(), minor)
          .containsExactlyInAnyOrderElementsOf(c.expectedFor(minor));
    }
  }

  @Test
  void the_catalogue_has_at_least_25_well_formed_cases() {
    List<MalformedCase> cases = cases();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(25);
    assertThat(cases).allSatisfy(c -> {
      assertThat(c.file()).matches(FILE_NAME);
      assertThat(c.expected()).as(c.file() + " expectations").isNotEmpty();
      assertThat(ApiServerValidator.YAML.readerFor(JsonNode.class).readValues(c.document()).readAll())
          .as(c.file() + " holds one document").hasSize(1);
    });
  }

  @Test
  void every_validation_rule_of_every_crd_is_expected_to_fail_somewhere() {
    List<String> expectations = cases().stream().flatMap(c -> c.expected().stream()).toList();
    List<String> messages = new ArrayList<>();
    for (JsonNode crd : ApiServerValidator.generatedCrds()) {
      crd.findValues("x-kubernetes-validations").forEach(rules -> rules.forEach(r -> messages.add(r.get("message").asText())));
    }
    assertThat(messages).hasSizeGreaterThan(10);
    assertThat(messages).allSatisfy(m -> assertThat(expectations).as("a case failing the rule '%s'", m).anyMatch(e -> e.endsWith(": " + m)));
  }
}
