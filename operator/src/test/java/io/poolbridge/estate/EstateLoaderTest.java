package io.poolbridge.estate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstateLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
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
  void readsTheSampleEstateAndSkipsOtherKinds() {
    EstateLoader.Input input = new EstateLoader().load(List.of(Path.of("../samples")));
    assertThat(input.pools()).extracting(l -> l.object().getMetadata().getName())
        .as("canonical order: by name, not by file and document")
        .containsExactly("aws-eu-west-1", "gcp-europe-west4", "metal-ams", "metal-fra");
    assertThat(input.frameworks()).hasSize(4);
    assertThat(input.workloads()).isNotEmpty();
    assertThat(input.workloads().get(0).origin().file().getFileName().toString()).startsWith("30-workloads");
  }

  @Test
  void nodesComeAloneOrAsAListAsKubectlPrintsThem() throws IOException {
    write("nodes.yaml", """
        apiVersion: v1
        kind: Node
        metadata: {name: n1, labels: {pool: aws}}
        status: {allocatable: {cpu: "4", memory: 16Gi}}
        ---
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Node
            metadata: {name: n2}
            status: {allocatable: {cpu: "8"}}
        """);
    EstateLoader.Input input = new EstateLoader().load(List.of(dir));
    assertThat(input.nodes()).extracting(l -> l.object().getMetadata().getName()).containsExactly("n1", "n2");
  }

  @Test
  void anUnknownFieldIsAnErrorNamingFileDocumentAndField() throws IOException {
    Path file = write("fw.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n" + FRAMEWORK + "  wieght: 2\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 2 (Framework spark): Framework in version \"v1alpha1\" cannot be handled as a Framework: "
            + "strict decoding error: unknown field \"spec.wieght\"");
  }

  @Test
  void aBadEnumListsTheSupportedValues() throws IOException {
    Path file = write("fw.yaml", FRAMEWORK.replace("External", "Mesos"));
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1 (Framework spark): The Framework \"spark\" is invalid: \n"
            + "* spec.type: Unsupported value: \"Mesos\": supported values: \"External\", \"KubernetesCluster\"\n"
            + "* <nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; "
            + "correct the existing errors to complete validation");
  }

  @Test
  void aValueOfTheWrongTypeSaysWhatItMustBe() throws IOException {
    Path file = write("fw.yaml", FRAMEWORK + "  weight: heavy\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1 (Framework spark): The Framework \"spark\" is invalid: \n"
            + "* spec.weight: Invalid value: \"string\": spec.weight in body must be of type number: \"string\"\n"
            + "* <nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; "
            + "correct the existing errors to complete validation");
  }

  @Test
  void brokenYamlAndMissingFilesAreNamed() throws IOException {
    Path file = write("broken.yaml", "kind: [unclosed\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1: not valid YAML: line 2, column 1: expected ',' or ']', but got <stream end>");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(dir.resolve("nope.yaml"))))
        .hasMessage(dir.resolve("nope.yaml") + ": no such file or directory");
  }

  @Test
  void anUnknownPoolbridgeKindOrVersionIsRefused() throws IOException {
    Path file = write("x.yaml", FRAMEWORK.replace("v1alpha1", "v1beta1"));
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1: apiVersion: Unsupported value: \"poolbridge.io/v1beta1\": "
            + "supported values: \"poolbridge.io/v1alpha1\"");
  }

  @Test
  void anObjectDefinedTwiceIsAnErrorNamingBothDocuments() throws IOException {
    Path a = write("a.yaml", FRAMEWORK);
    Path b = write("b.yaml", FRAMEWORK.replace("name: spark", "name: flink") + "---\n" + FRAMEWORK);
    assertThatThrownBy(() -> new EstateLoader().load(List.of(dir)))
        .isInstanceOf(EstateLoader.InvalidInputException.class)
        .hasMessage(b + ": document 2 (Framework spark): metadata.name: Duplicate value: \"spark\": already defined in "
            + a + ": document 1");
  }
}
