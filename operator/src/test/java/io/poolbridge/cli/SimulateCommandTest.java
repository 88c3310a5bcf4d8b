package io.poolbridge.cli;

import io.poolbridge.testing.GoldenFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code poolbridge simulate} as a user runs it: golden files of its output on the sample estate
 * (whose pools are priced in USD and EUR, so compared at a rate of 1 EUR = 1.08 USD) and on a small
 * scenario, and its answers to bad input. Regenerate the golden files after an
 * intended change with {@code -Dpoolbridge.golden.update=true}, then review the diff.
 */
class SimulateCommandTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final String SMALL = "src/test/resources/simulate/small";
  private static final String AT = "2026-12-05T23:00:00Z";

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Poolbridge.execute(Poolbridge.commandLine(), out, err, args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertGolden(String name, String actual) throws IOException {
    GoldenFiles.in(GOLDEN).assertMatches(name, actual);
  }

  private static List<String> args(String... extra) {
    List<String> args = new ArrayList<>(List.of("simulate", "--at", AT, "--seed", "7"));
    args.addAll(List.of(extra));
    return args;
  }

  @Test
  void theSampleEstateAsTables() throws IOException {
    Run run = run(args("-f", "../samples", "-f", "../samples/simulation", "--currency", "USD", "--exchange-rate", "EUR=1.08")
        .toArray(String[]::new));
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertGolden("simulate-samples.txt", run.out());
  }

  @Test
  void theSampleEstateAsJson() throws IOException {
    Run run = run(args("-f", "../samples", "-f", "../samples/simulation", "--currency", "USD", "--exchange-rate", "EUR=1.08",
        "-o", "json").toArray(String[]::new));
    assertThat(run.exitCode()).isZero();
    assertGolden("simulate-samples.json", run.out());
  }

  @Test
  void aSmallEstateShowsWhereAndWhyNot() throws IOException {
    Run run = run(args("-f", SMALL).toArray(String[]::new));
    assertThat(run.exitCode()).isZero();
    assertGolden("simulate-small.txt", run.out());
    assertThat(run.out())
        .contains("team-a/frontend")
        .contains("NamespaceNotAllowed".isEmpty() ? "" : "framework batch does not list namespace team-a");
  }

  @Test
  void aSmallEstateAsJsonAndYamlSayTheSame() throws IOException {
    Run json = run(args("-f", SMALL, "-o", "json").toArray(String[]::new));
    Run yaml = run(args("-f", SMALL, "-o", "yaml").toArray(String[]::new));
    assertGolden("simulate-small.json", json.out());
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var yamlMapper = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    assertThat(yamlMapper.readTree(yaml.out())).isEqualTo(mapper.readTree(json.out()));
  }

  @Test
  void explainOneWorkload() throws IOException {
    Run run = run(args("-f", SMALL, "--explain", "team-a/one-per-zone").toArray(String[]::new));
    assertThat(run.exitCode()).isZero();
    assertGolden("simulate-small-explain.txt", run.out());
  }

  @Test
  void theSameSeedGivesTheSameResult() {
    Run first = run(args("-f", SMALL, "-o", "json").toArray(String[]::new));
    Run second = run(args("-f", SMALL, "-o", "json").toArray(String[]::new));
    assertThat(second.out()).isEqualTo(first.out());
  }

  @Test
  void failOnPendingTellsAPipelineThatSomethingWouldNotBePlaced() {
    assertThat(run(args("-f", SMALL, "--fail-on-pending").toArray(String[]::new)).exitCode())
        .isEqualTo(SimulateCommand.PENDING);
    assertThat(run(args("-f", "../samples/10-pool-metal-ams.yaml", "--fail-on-pending").toArray(String[]::new)).exitCode())
        .isZero();
  }

  @Test
  void invalidInputNamesTheFileTheDocumentAndTheField(@TempDir Path dir) throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), """
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: ok}
        spec: {type: External, role: a}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: w, namespace: n}
        spec:
          framework: ok
          kind: Service
          instances: three
          resources: {cpu: 1}
        """);
    Run run = run("simulate", "-f", bad.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(
        "error: " + bad + ": document 2 (Workload n/w): The Workload \"w\" is invalid: \n"
            + "* spec.instances: Invalid value: \"string\": spec.instances in body must be of type integer: \"string\"\n"
            + "* <nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; "
            + "correct the existing errors to complete validation\n");
  }

  @Test
  void aBadCommandLineIsAUsageError() {
    Run run = run("simulate", "-f", SMALL, "-o", "xml");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Invalid value for option '--output'");
  }
}
