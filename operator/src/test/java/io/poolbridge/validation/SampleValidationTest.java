package io.poolbridge.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolbridge.api.v1alpha1.ResourcePool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every poolbridge document under the project's {@code samples/} directory (walked recursively,
 * multi-document YAML included) is accepted by the API server as it stands: no schema or rule error,
 * and no field the schema does not declare (which {@code kubectl apply}'s strict validation refuses).
 * Other documents (a Namespace, a Secret) are skipped. The directory is {@code ../samples} from the
 * operator module, or the one named by the system property {@code poolbridge.samples}.
 */
class SampleValidationTest {

  record Sample(Path file, int index, JsonNode document) {
    @Override
    public String toString() {
      return file.getFileName() + "#" + index + " " + document.path("kind").asText() + "/" + document.at("/metadata/name").asText();
    }
  }

  static Path samplesDir() {
    return Path.of(System.getProperty("poolbridge.samples", "../samples"));
  }

  static List<Sample> samples() {
    if (!Files.isDirectory(samplesDir())) {
      return List.of();
    }
    List<Sample> samples = new ArrayList<>();
    try (Stream<Path> files = Files.walk(samplesDir())) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
        List<JsonNode> documents = ApiServerValidator.YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll();
        for (int i = 0; i < documents.size(); i++) {
          JsonNode document = documents.get(i);
          if (document != null && document.path("apiVersion").asText().startsWith(ResourcePool.GROUP + "/")) {
            samples.add(new Sample(file, i, document));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return samples;
  }

  @Test
  void there_are_samples_to_validate() {
    assertThat(samples()).as("poolbridge documents under %s", samplesDir().toAbsolutePath().normalize()).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}", allowZeroInvocations = true) // there_are_samples_to_validate says why none
  @MethodSource("samples")
  void is_accepted_by_the_api_server(Sample sample) {
    ApiServerValidator.Result result = ApiServerValidator.forKind(sample.document().path("kind").asText()).validate(sample.document());

    assertThat(result.errors()).as(result.valid() ? "" : result.kubectlMessage()).isEmpty();
    assertThat(result.unknownFields()).as("fields kubectl's strict validation refuses").isEmpty();
  }
}
