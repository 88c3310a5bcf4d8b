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

  @Test
  void everyByteValuedResourceIsPricedPerGiB(@TempDir Path dir) throws IOException {
    Path estate = Files.writeString(dir.resolve("estate.yaml"), """
        apiVersion: v1
        kind: Namespace
        metadata: {name: team}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: big}
        spec:
          provider: colo
          region: ams
          cost: {currency: USD, perHour: {hugepages-2Mi: "0.5", ephemeral-storage: "0.01"}}
          source:
            static:
              nodes:
                - {name: b1, capacity: {cpu: 8, memory: 32Gi, hugepages-2Mi: 4Gi, ephemeral-storage: 100Gi}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: apps}
        spec: {type: External, role: apps, namespaces: {names: [team]}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: db, namespace: team}
        spec:
          framework: apps
          kind: Service
          instances: 1
          resources: {cpu: 1, hugepages-2Mi: 2Gi, ephemeral-storage: 10Gi}
        """);

    JsonNode db = json(simulate("-f", estate.toString(), "-o", "json")).get("workloads").get(0);
    // 2 GiB of hugepages at 0.5 and 10 GiB of ephemeral storage at 0.01, per GiB-hour.
    assertThat(db.get("placements").get(0).get("costPerHour").asText()).isEqualTo("1.1000 USD");
    assertThat(db.get("costPerHour").get("USD").asDouble()).isEqualTo(1.1);
  }

  /** Two identical empty nodes: a-usd/u1 at 0.02 USD per core-hour, b-eur/e1 at 0.01 EUR. */
  private static Path twoCurrencies(Path dir) throws IOException {
    return Files.writeString(dir.resolve("estate.yaml"), """
        apiVersion: v1
        kind: Namespace
        metadata: {name: team}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: a-usd}
        spec:
          provider: aws
          region: eu-west-1
          cost: {currency: USD, perHour: {cpu: "0.02"}}
          source: {static: {nodes: [{name: u1, capacity: {cpu: 8, memory: 32Gi}}]}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: b-eur}
        spec:
          provider: hetzner
          region: fsn
          cost: {currency: EUR, perHour: {cpu: "0.01"}}
          source: {static: {nodes: [{name: e1, capacity: {cpu: 8, memory: 32Gi}}]}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: apps}
        spec: {type: External, role: apps, namespaces: {names: [team]}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: team}
        spec: {framework: apps, kind: Service, instances: 1, resources: {cpu: 1, memory: 1Gi}}
        """);
  }

  private static JsonNode onlyPlacement(JsonNode out) {
    JsonNode placements = out.get("workloads").get(0).get("placements");
    assertThat(placements).hasSize(1);
    return placements.get(0);
  }

  @Test
  void pricesInTwoCurrenciesWithoutARateAreNotComparedAndTheOutputSaysSo(@TempDir Path dir) throws IOException {
    Path estate = twoCurrencies(dir);

    // 0.01 EUR is not "less" than 0.02 USD: with no base currency nothing is compared on price, the
    // next keys decide (equal load, then the node's id: a-usd/u1 before b-eur/e1).
    JsonNode out = json(simulate("-f", estate.toString(), "-o", "json"));
    assertThat(onlyPlacement(out).get("pool").asText()).isEqualTo("a-usd");
    assertThat(onlyPlacement(out).get("costPerHour").asText()).isEqualTo("0.0200 USD");
    List<String> warnings = new ArrayList<>();
    out.get("warnings").forEach(w -> warnings.add(w.asText()));
    assertThat(warnings).anySatisfy(w -> assertThat(w).contains("pool a-usd").contains("USD").contains("--currency"));
    assertThat(warnings).anySatisfy(w -> assertThat(w).contains("pool b-eur").contains("EUR").contains("--currency"));
    assertThat(simulate("-f", estate.toString()).out()).contains("warning: pool b-eur ");

    // A base currency without a rate for EUR: no price is compared (ranking b-eur as free, or as
    // dearest, would be a guess), so the next keys decide again, as without a base.
    out = json(simulate("-f", estate.toString(), "-o", "json", "--currency", "USD"));
    assertThat(onlyPlacement(out).get("pool").asText()).isEqualTo("a-usd");
    assertThat(onlyPlacement(out).get("costPerHour").asText()).isEqualTo("0.0200 USD");
    assertThat(out.get("warnings")).hasSize(1);
    assertThat(out.get("warnings").get(0).asText()).contains("pool b-eur").contains("EUR").contains("--exchange-rate EUR=");
  }

  @Test
  void withARateTheCheaperPoolAfterConversionWins(@TempDir Path dir) throws IOException {
    Path estate = twoCurrencies(dir);

    // 1 EUR = 1.5 USD: b-eur costs 0.015 USD per core-hour, less than a-usd's 0.02.
    JsonNode out = json(simulate("-f", estate.toString(), "-o", "json", "--currency", "USD", "--exchange-rate", "EUR=1.5"));
    assertThat(onlyPlacement(out).get("pool").asText()).isEqualTo("b-eur");
    assertThat(onlyPlacement(out).get("costPerHour").asText()).isEqualTo("0.0100 EUR");
    assertThat(out.get("warnings")).isEmpty();

    // 1 EUR = 3 USD: b-eur costs 0.03 USD, more than a-usd.
    out = json(simulate("-f", estate.toString(), "-o", "json", "--currency", "USD", "--exchange-rate", "EUR=3"));
    assertThat(onlyPlacement(out).get("pool").asText()).isEqualTo("a-usd");

    // EUR as the base: 1 USD = 0.4 EUR makes a-usd 0.008 EUR per core-hour, less than b-eur's 0.01.
    out = json(simulate("-f", estate.toString(), "-o", "json", "--currency", "EUR", "--exchange-rate", "USD=0.4"));
    assertThat(onlyPlacement(out).get("pool").asText()).isEqualTo("a-usd");
  }

  @Test
  void badExchangeRatesAreUsageErrors(@TempDir Path dir) throws IOException {
    Path estate = twoCurrencies(dir);
    for (String[] bad : List.of(
        new String[] {"--currency", "USD", "--exchange-rate", "EUR=abc"},
        new String[] {"--currency", "USD", "--exchange-rate", "EUR=0"},
        new String[] {"--currency", "USD", "--exchange-rate", "EUR"},
        new String[] {"--currency", "usd"},
        new String[] {"--exchange-rate", "EUR=1.08"},
        new String[] {"--currency", "USD", "--exchange-rate", "USD=1.08"})) {
      List<String> args = new ArrayList<>(List.of("-f", estate.toString()));
      args.addAll(List.of(bad));
      Run run = simulate(args.toArray(String[]::new));
      assertThat(run.exitCode()).as(String.join(" ", bad)).isEqualTo(2);
      assertThat(run.err()).as(String.join(" ", bad)).containsPattern("--currency|--exchange-rate").doesNotContain("Exception");
    }
  }
}
