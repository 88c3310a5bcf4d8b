package io.poolbridge.estate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every poolbridge document is checked by the API server's validator before anything else: the
 * message is kubectl's, prefixed by the file, the document and the object.
 */
class EstateValidationTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("in.yaml"), yaml);
  }

  private static final String FRAMEWORK = """
      apiVersion: poolbridge.io/v1alpha1
      kind: Framework
      metadata: {name: spark}
      spec:
        type: External
        role: eng/analytics
      """;

  @Test
  void aGuaranteeAboveItsLimitIsRefusedInKubectlsWords() throws IOException {
    Path file = write("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n" + FRAMEWORK
        + "  quota: {guarantee: {cpu: 64}, limit: {cpu: 32}}\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 2 (Framework spark): The Framework \"spark\" is invalid: spec.quota: Invalid value: \"object\": "
            + "quota.guarantee must not exceed quota.limit for any resource");
  }

  @Test
  void severalErrorsAreListedOnePerLineAsKubectlDoes() throws IOException {
    Path file = write(FRAMEWORK.replace("eng/analytics", "eng//x") + "  weight: 0\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessageStartingWith(file + ": document 1 (Framework spark): The Framework \"spark\" is invalid: \n* ")
        .hasMessageContaining("\n* spec.weight: Invalid value: 0: spec.weight in body should be greater than 0")
        .hasMessageContaining("\n* spec.role: Invalid value: \"eng//x\": ");
  }

  @Test
  void anUnknownFieldIsRefusedAsKubectlsStrictValidationDoes() throws IOException {
    Path file = write(FRAMEWORK + "  wieght: 2\n  colour: red\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1 (Framework spark): Framework in version \"v1alpha1\" cannot be handled as a Framework: "
            + "strict decoding error: unknown field \"spec.wieght\", unknown field \"spec.colour\"");
  }

  @Test
  void aWorkloadWithoutAName() throws IOException {
    Path file = write("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {namespace: ns}
        spec: {framework: spark, kind: Service, instances: 1, resources: {cpu: 1}}
        """);
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1 (Workload): The Workload \"\" is invalid: \n"
            + "* metadata.name: Required value: name or generateName is required\n"
            + "* <nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; "
            + "correct the existing errors to complete validation");
  }
}
