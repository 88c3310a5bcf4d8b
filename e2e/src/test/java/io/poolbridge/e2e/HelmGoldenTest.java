package io.poolbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code helm template} for the value sets a reviewer cares about, compared with golden files in
 * {@code e2e/src/test/resources/golden/helm/}: any change to what the chart installs shows up as a
 * diff of those files. Regenerate them with {@code -Dpoolbridge.golden.update=true}, then review
 * the diff before committing.
 */
class HelmGoldenTest {
  static final String UPDATE_PROPERTY = "poolbridge.golden.update";
  private static final Path GOLDEN = ProjectRoot.resolve("e2e/src/test/resources/golden/helm");

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      default           | {}
      watch-namespaces  | watchNamespaces: [team-a, team-b]
      replicas-2        | replicaCount: 2
      monitoring        | metrics: {serviceMonitor: {enabled: true}, prometheusRule: {enabled: true}, grafanaDashboard: {enabled: true}}
      """)
  void templateMatchesItsGoldenFile(String name, String values) throws IOException {
    String rendered = HelmTemplate.render(tmp, values + "\n");
    Path file = GOLDEN.resolve(name + ".yaml");
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, rendered);
      return;
    }
    assertThat(file).as("golden file %s is missing: create it with -D%s=true and review it", file, UPDATE_PROPERTY).exists();
    assertThat(rendered).as("helm template with %s differs from %s (regenerate with -D%s=true, then review the diff)",
        values, file, UPDATE_PROPERTY).isEqualTo(Files.readString(file));
  }
}
