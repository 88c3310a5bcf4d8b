package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolbridge.cli.SimulateCommandTest.Run;
import io.poolbridge.scheduler.Amounts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code simulate} prints, as a person reads it: times as typed, quantities as written in
 * YAML, a guarantee's shortfall by resource, and text that survives a platform charset that is not
 * UTF-8.
 */
class SimulateReadableOutputTest {
  private static final String SMALL = "src/test/resources/simulate/small";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long KI = 1L << 10;
  private static final long MI = 1L << 20;
  private static final long GI = 1L << 30;
  private static final long TI = 1L << 40;

  private static String at(String typed) throws IOException {
    Run run = SimulateCommandTest.run("simulate", "-f", SMALL, "--at", typed, "-o", "json");
    assertThat(run.err()).as(typed).isEmpty();
    assertThat(run.exitCode()).as(typed).isZero();
    return JSON.readTree(run.out()).get("at").asText();
  }

  @Test
  void atAcceptsWhatAPersonTypesAndReadsATimeWithoutOffsetAsUtc() throws IOException {
    assertThat(at("2026-12-05T23:00:00Z")).isEqualTo("2026-12-05T23:00:00Z");
    assertThat(at("2026-12-05t23:00:00z")).isEqualTo("2026-12-05T23:00:00Z");
    assertThat(at("2026-12-05T23:00:00.5Z")).isEqualTo("2026-12-05T23:00:00.500Z");
    // An offset is honoured: 23:00 at +01:00 is 22:00 UTC.
    assertThat(at("2026-12-05T23:00:00+01:00")).isEqualTo("2026-12-05T22:00:00Z");
    assertThat(at("2026-12-05T23:00+01:00")).isEqualTo("2026-12-05T22:00:00Z");
    assertThat(at("2026-12-05 23:00:00-02:30")).isEqualTo("2026-12-06T01:30:00Z");
    // No offset: UTC, with or without seconds, with a T or a space.
    assertThat(at("2026-12-05T23:00")).isEqualTo("2026-12-05T23:00:00Z");
    assertThat(at("2026-12-05T23:00:00")).isEqualTo("2026-12-05T23:00:00Z");
    assertThat(at("2026-12-05 23:00")).isEqualTo("2026-12-05T23:00:00Z");
    assertThat(at("2026-12-05 23:00Z")).isEqualTo("2026-12-05T23:00:00Z");
    // A date alone: its midnight, UTC.
    assertThat(at("2026-12-05")).isEqualTo("2026-12-05T00:00:00Z");
    assertThat(at(" 2026-12-05 ")).isEqualTo("2026-12-05T00:00:00Z");
  }

  @Test
  void byteQuantitiesUseTheLargestBinarySuffixThatIsExactThenDecimalThenAShortDecimal() {
    assertThat(Amounts.quantity("memory", 0)).isEqualTo("0");
    assertThat(Amounts.quantity("memory", 64 * GI)).isEqualTo("64Gi");
    assertThat(Amounts.quantity("memory", 1984 * GI)).isEqualTo("1984Gi");
    assertThat(Amounts.quantity("memory", 2 * TI)).isEqualTo("2Ti");
    assertThat(Amounts.quantity("memory", 1536 * MI)).isEqualTo("1536Mi");
    assertThat(Amounts.quantity("memory", 512)).isEqualTo("512");
    assertThat(Amounts.quantity("memory", 4 * KI)).isEqualTo("4Ki");
    assertThat(Amounts.quantity("ephemeral-storage", 100_000_000_000L)).isEqualTo("100G");
    assertThat(Amounts.quantity("ephemeral-storage", 1_500_000_000_000L)).isEqualTo("1500G");
    assertThat(Amounts.quantity("memory", 1_000_000_000L)).isEqualTo("1G");
    // 1500000Mi is 1464.84375Gi: no suffix takes it in four digits, so a short decimal in Gi.
    assertThat(Amounts.quantity("memory", 1_500_000 * MI)).isEqualTo("1464.84Gi");
    // A real Node's 16318480Ki is 15.5625...Gi.
    assertThat(Amounts.quantity("memory", 16_318_480 * KI)).isEqualTo("15.56Gi");
    // 12638647200Ki is 12053.4Gi, 11.77Ti.
    assertThat(Amounts.quantity("memory", 12_638_647_200L * KI)).isEqualTo("11.77Ti");
    assertThat(Amounts.quantity("hugepages-2Mi", 6 * GI)).isEqualTo("6Gi");
  }

  @Test
  void cpuIsInCoresWithUpToThreeDecimalsOrInMillicores() {
    assertThat(Amounts.quantity("cpu", 0)).isEqualTo("0");
    assertThat(Amounts.quantity("cpu", 12_000)).isEqualTo("12");
    assertThat(Amounts.quantity("cpu", 95_340)).isEqualTo("95.34");
    assertThat(Amounts.quantity("cpu", 1_500)).isEqualTo("1.5");
    assertThat(Amounts.quantity("cpu", 1_001)).isEqualTo("1.001");
    assertThat(Amounts.quantity("cpu", 500)).isEqualTo("500m");
    assertThat(Amounts.quantity("nvidia.com/gpu", 4)).isEqualTo("4");
  }

  @Test
  void aPoolOfRealNodesReadsInGiB(@TempDir Path dir) throws IOException {
    // Two Nodes of 16318480Ki (as the kubelet reports them): 32636960Ki, 31.125...Gi in all.
    Path estate = Files.writeString(dir.resolve("estate.yaml"), """
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: cloud}
        spec:
          provider: aws
          region: eu-west-1
          source: {kubernetes: {nodeSelector: {matchLabels: {pool: cloud}}}}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: c1, labels: {pool: cloud}}
        status: {allocatable: {cpu: 3920m, memory: 16318480Ki}}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: c2, labels: {pool: cloud}}
        status: {allocatable: {cpu: 3920m, memory: 16318480Ki}}
        """);
    Run run = SimulateCommandTest.run("simulate", "-f", estate.toString(), "--at", "2026-12-05", "-o", "json");
    JsonNode pool = JSON.readTree(run.out()).get("pools").get(0);
    assertThat(pool.get("capacity").get("memory").asText()).isEqualTo("31.13Gi");
    assertThat(pool.get("capacity").get("cpu").asText()).isEqualTo("7.84");
  }

  @Test
  void explainNamesWhatAnUnmetGuaranteeIsShortOf(@TempDir Path dir) throws IOException {
    // The role is guaranteed 12 cpu and 64Gi, but the only node has 8 cpu and 32Gi and the one
    // workload places 2 instances of 2 cpu and 8Gi: it holds 4 cpu and 16Gi, short of 8 and 48Gi.
    Path estate = Files.writeString(dir.resolve("estate.yaml"), """
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: metal}
        spec:
          provider: colo
          region: ams
          source: {static: {nodes: [{name: m1, capacity: {cpu: 8, memory: 32Gi}}]}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: apps}
        spec:
          type: External
          role: apps
          quota: {guarantee: {cpu: 12, memory: 64Gi}}
          namespaces: {names: [team]}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: team}
        spec: {framework: apps, kind: Service, instances: 2, resources: {cpu: 2, memory: 8Gi}}
        """);
    Run run = SimulateCommandTest.run("simulate", "-f", estate.toString(), "--at", "2026-12-05", "--explain", "web");
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains(
        "  Framework apps: role apps, weight 1, dominant share 0.500, guarantee not met: short of cpu 8, memory 48Gi, "
            + "0 instances pending\n");

    JsonNode apps = JSON.readTree(SimulateCommandTest.run("simulate", "-f", estate.toString(), "--at", "2026-12-05", "-o", "json")
        .out()).get("frameworks").get(0);
    assertThat(apps.get("guaranteeMet").asBoolean()).isFalse();
    assertThat(JSON.convertValue(apps.get("guaranteeShortOf"), Map.class)).isEqualTo(Map.of("cpu", "8", "memory", "48Gi"));
  }

  /**
   * A small estate. Its names are ASCII, as the API server (and so simulate) requires of names and
   * providers; what is not ASCII in the output is the table's {@code ×} and what the user types.
   */
  static Path nonAscii(Path dir) throws IOException {
    return Files.writeString(dir.resolve("estate.yaml"), """
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: metal}
        spec:
          provider: colo-zurich
          region: zrh
          source: {static: {nodes: [{name: m1, capacity: {cpu: 8, memory: 32Gi}}]}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: apps}
        spec: {type: External, role: apps, namespaces: {names: [equipe]}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: equipe}
        spec: {framework: apps, kind: Service, instances: 2, resources: {cpu: 1}}
        """);
  }

  @Test
  void outputIsUtf8WhateverThePlatformCharsetAndJsonEscapesWhatIsNotAscii(@TempDir Path dir) throws IOException {
    Path estate = nonAscii(dir);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Poolbridge.execute(Poolbridge.commandLine(), out, err,
        "simulate", "-f", estate.toString(), "--at", "2026-12-05");
    assertThat(code).isZero();
    String table = out.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("equipe/web").contains("metal×2").doesNotContain("?");

    out.reset();
    code = Poolbridge.execute(Poolbridge.commandLine(), out, err,
        "simulate", "-f", estate.toString(), "--at", "2026-12-05", "--explain", "nëin");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(
        "error: Invalid value for option '--explain': no workload nëin in the input; its workloads are equipe/web\n");
  }
}
