package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate -f -} reads the standard input and {@code -R} reads subdirectories, as kubectl does. */
class SimulateInputTest {
  private static final String ESTATE = """
      apiVersion: poolbridge.io/v1alpha1
      kind: ResourcePool
      metadata: {name: metal}
      spec: {provider: colo, region: ams, source: {static: {nodes: [{name: n1, capacity: {cpu: 4, memory: 16Gi}}]}}}
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: Framework
      metadata: {name: fw}
      spec: {type: External, role: fw, namespaces: {names: [ns]}}
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: Workload
      metadata: {name: web, namespace: ns}
      spec: {framework: fw, kind: Service, instances: 2, resources: {cpu: 1}}
      """;

  @Test
  void aDashReadsTheStandardInput() {
    InputStream before = System.in;
    try {
      System.setIn(new ByteArrayInputStream(ESTATE.getBytes(StandardCharsets.UTF_8)));
      SimulateCommandTest.Run run = SimulateCommandTest.run("simulate", "--at", "2026-12-05T23:00:00Z", "-f", "-", "-o", "json");
      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).contains("\"placed\" : 2");
    } finally {
      System.setIn(before);
    }
  }

  @Test
  void recursiveReadsSubdirectories(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("team/apps"));
    Files.writeString(dir.resolve("team/apps/estate.yaml"), ESTATE);

    SimulateCommandTest.Run flat = SimulateCommandTest.run("simulate", "-f", dir.toString());
    SimulateCommandTest.Run deep = SimulateCommandTest.run("simulate", "--at", "2026-12-05T23:00:00Z", "-R", "-f", dir.toString());

    assertThat(flat.exitCode()).isEqualTo(1);
    assertThat(flat.err()).isEqualTo("error: " + dir + ": no .yaml, .yml or .json files in this directory (its subdirectories are read with -R)\n");
    assertThat(deep.err()).isEmpty();
    assertThat(deep.exitCode()).isZero();
  }

  /** A built-in kind simulate does not read (a Deployment beside the estate) is skipped, never silently. */
  @Test
  void aBuiltInKindIsSkippedWithAWarningThatNamesIt(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("estate.yaml"), ESTATE + """
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: shop, namespace: ns}
        spec: {}
        """);
    SimulateCommandTest.Run run = SimulateCommandTest.run("simulate", "--at", "2026-12-05T23:00:00Z", "-f", file.toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("warning: " + file + ": document 4 (Deployment ns/shop) skipped: simulate reads "
        + "poolbridge.io/v1alpha1 objects, v1 Nodes, Namespaces, Lists and the poolbridge ConfigMap");
  }
}
