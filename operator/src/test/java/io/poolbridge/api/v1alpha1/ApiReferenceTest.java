package io.poolbridge.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.poolbridge.testing.GoldenFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/api.md is what {@link ApiReference} generates from crds/ (regenerate with -Dpoolbridge.golden.update=true). */
class ApiReferenceTest {
  private static Path root() {
    return Files.isDirectory(Path.of("..", "crds")) ? Path.of("..") : Path.of(".");
  }

  @Test
  void docsApiMdIsGeneratedFromTheCrds() throws IOException {
    GoldenFiles.in(root().resolve("docs")).assertMatches("api.md", ApiReference.generate(root().resolve("crds")));
  }

  /** Every field of every kind has its row, found by a walk of the schema written here independently. */
  @Test
  void everyFieldOfTheSchemaHasARowWithItsDescription() throws IOException {
    String md = ApiReference.generate(root().resolve("crds"));
    for (String file : ApiReference.FILES) {
      JsonNode schema = new YAMLMapper().readTree(root().resolve("crds").resolve(file).toFile())
          .path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
      List<String> paths = new ArrayList<>();
      fields("spec", schema.path("properties").path("spec"), paths);
      fields("status", schema.path("properties").path("status"), paths);
      assertThat(paths).as(file).hasSizeGreaterThan(10);
      for (String p : paths) {
        assertThat(md).as(file).contains("| `" + p + "` |");
      }
    }
    assertThat(md).contains("| `spec.weight` | number | `1.0` | > 0; <= 1000");
  }

  private static void fields(String path, JsonNode s, List<String> out) {
    out.add(path);
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      fields(path + "." + e.getKey(), e.getValue(), out);
    }
    if (s.path("items").has("properties")) {
      s.get("items").get("properties").fields().forEachRemaining(e -> fields(path + "[]." + e.getKey(), e.getValue(), out));
    }
    if (s.path("additionalProperties").has("properties")) {
      s.get("additionalProperties").get("properties").fields()
          .forEachRemaining(e -> fields(path + "{key}." + e.getKey(), e.getValue(), out));
    }
  }
}
