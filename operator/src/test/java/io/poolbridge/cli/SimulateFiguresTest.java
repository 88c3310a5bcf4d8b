package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolbridge.cli.SimulateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures {@code simulate} reports, checked against what a reader works out by hand: pending
 * counts per framework, pool capacity and availability with nodes out of service, and prices
 * in several currencies.
 */
class SimulateFiguresTest {
  private static final String SMALL = "src/test/resources/simulate/small";
  private static final String AT = "2026-12-05T23:00:00Z";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Run simulate(String... extra) {
    List<String> args = new ArrayList<>(List.of("simulate", "--at", AT, "--seed", "7"));
    args.addAll(List.of(extra));
    return SimulateCommandTest.run(args.toArray(String[]::new));
  }

  private static JsonNode json(Run run) throws IOException {
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    return JSON.readTree(run.out());
  }

  private static JsonNode named(JsonNode array, String name) {
    for (JsonNode n : array) {
      if (n.get("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no " + name + " in " + array);
  }

  /** The line of a table that starts with {@code first}, split on runs of two or more spaces. */
  private static List<String> row(String table, String first) {
    for (String line : table.split("\n")) {
      if (line.startsWith(first + " ")) {
        return List.of(line.trim().split(" {2,}"));
      }
    }
    throw new AssertionError("no row " + first + " in\n" + table);
  }

  @Test
  void aFrameworksPendingCountsEveryPendingInstanceOfItsWorkloadsWhateverTheReason() throws IOException {
    // In the small estate, batch's only workload (team-a/stranger, 2 instances) is refused: batch does
    // not list namespace team-a. web has one-per-zone (1 of 3 left, no zone value) and too-big (1 of 1).
    JsonNode out = json(simulate("-f", SMALL, "-o", "json"));
    assertThat(named(out.get("frameworks"), "batch").get("pendingInstances").asInt()).isEqualTo(2);
    assertThat(named(out.get("frameworks"), "web").get("pendingInstances").asInt()).isEqualTo(2);

    // Every framework's count is the sum of its workloads' pending lists.
    Map<String, Integer> fromWorkloads = new HashMap<>();
    out.get("workloads").forEach(w -> fromWorkloads.merge(w.get("framework").asText(), w.get("pending").size(), Integer::sum));
    out.get("frameworks").forEach(f ->
        assertThat(f.get("pendingInstances").asInt()).as(f.get("name").asText())
            .isEqualTo(fromWorkloads.getOrDefault(f.get("name").asText(), 0)));

    String table = simulate("-f", SMALL).out();
    assertThat(row(table, "batch")).last().isEqualTo("2");
    assertThat(row(table, "web")).last().isEqualTo("2");

    JsonNode yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readTree(simulate("-f", SMALL, "-o", "yaml").out());
    assertThat(named(yaml.get("frameworks"), "batch").get("pendingInstances").asText()).isEqualTo("2");

    assertThat(simulate("-f", SMALL, "--explain", "team-a/stranger").out())
        .contains("Framework batch: role apps/batch, weight 1, dominant share 0.000, guarantee met, 2 instances pending\n")
        .contains("Placed 0 of 2\n");
  }

  @Test
  void poolFiguresLeaveOutOfAvailableTheNodesThatCannotTakeWork(@TempDir Path dir) throws IOException {
    // Three 4-cpu nodes: n1 active, n2 in a maintenance window open at AT, n3 NotReady. Three
    // instances of 2 cpu: two fit on n1, the third is pending for lack of cpu.
    Path estate = Files.writeString(dir.resolve("estate.yaml"), """
        apiVersion: v1
        kind: Namespace
        metadata: {name: team}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: rack}
        spec:
          provider: colo
          region: ams
          source:
            kubernetes:
              nodeSelector: {matchLabels: {pool: rack}}
          maintenance:
            - {nodes: [n2], start: "2026-12-05T22:00:00Z", duration: 4h}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: n1, labels: {pool: rack}}
        status: {allocatable: {cpu: "4", memory: 16Gi}}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: n2, labels: {pool: rack}}
        status: {allocatable: {cpu: "4", memory: 16Gi}}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: n3, labels: {pool: rack}}
        status:
          allocatable: {cpu: "4", memory: 16Gi}
          conditions: [{type: Ready, status: "False"}]
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: apps}
        spec: {type: External, role: apps, namespaces: {names: [team]}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: team}
        spec: {framework: apps, kind: Service, instances: 3, resources: {cpu: 2, memory: 1Gi}}
        """);

    JsonNode out = json(simulate("-f", estate.toString(), "-o", "json"));
    JsonNode rack = named(out.get("pools"), "rack");
    assertThat(rack.get("nodes").asInt()).isEqualTo(3);
    assertThat(rack.get("ready").asInt()).isEqualTo(1);
    // capacity: every node of the pool, whatever its state.
    assertThat(rack.get("capacity").get("cpu").asText()).isEqualTo("12");
    assertThat(rack.get("capacity").get("memory").asText()).isEqualTo("48Gi");
    assertThat(rack.get("allocated").get("cpu").asText()).isEqualTo("4");
    assertThat(rack.get("allocated").get("memory").asText()).isEqualTo("2Gi");
    // available: what is free on the nodes that can take new work (n1 only).
    assertThat(rack.get("available").get("cpu").asText()).isEqualTo("0");
    assertThat(rack.get("available").get("memory").asText()).isEqualTo("14Gi");
    JsonNode web = out.get("workloads").get(0);
    assertThat(web.get("placed").asInt()).isEqualTo(2);
    assertThat(web.get("pending").size()).isEqualTo(1);

    String table = simulate("-f", estate.toString()).out();
    assertThat(table).startsWith(
        "POOL   PROVIDER   REGION   NODES   READY   CPU ALLOC/TOTAL (AVAIL)   MEMORY ALLOC/TOTAL (AVAIL)\n");
    assertThat(row(table, "rack")).containsExactly("rack", "colo", "ams", "3", "1", "4/12 (0)", "2Gi/48Gi (14Gi)");
  }
}
