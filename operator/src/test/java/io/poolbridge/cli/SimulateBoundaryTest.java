package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code poolbridge simulate} at the input boundary: estates whose objects share names across
 * namespaces, nodes two pools select, and values the core cannot hold.
 */
class SimulateBoundaryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SimulateCommandTest.Run simulate(Path file, String... extra) {
    String[] args = new String[6 + extra.length];
    args[0] = "simulate";
    args[1] = "--at";
    args[2] = "2026-12-05T23:00:00Z";
    args[3] = "-f";
    args[4] = file.toString();
    args[5] = "--seed=3";
    System.arraycopy(extra, 0, args, 6, extra.length);
    return SimulateCommandTest.run(args);
  }

  private static final String ONE_NODE_POOL = """
      apiVersion: poolbridge.io/v1alpha1
      kind: ResourcePool
      metadata: {name: metal}
      spec:
        provider: colo
        region: ams
        source: {static: {nodes: [{name: n1, capacity: {cpu: 4, memory: 16Gi}}]}}
      """;

  private static String framework(String name, String namespace) {
    return """
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: %s}
        spec: {type: External, role: %s, namespaces: {names: [%s]}}
        """.formatted(name, name, namespace);
  }

  private static String workload(String namespace, String name, String framework, int instances, String resources) {
    return """
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: %s, namespace: %s}
        spec: {framework: %s, kind: Service, instances: %d, resources: %s}
        """.formatted(name, namespace, framework, instances, resources);
  }

  @Test
  void workloadsOfTheSameNameInTwoNamespacesDoNotOverCommitANode(@TempDir Path dir) throws IOException {
    // ns1/web and ns2/web, 4 x 1 cpu each, through two frameworks, on one node of 4 cpu: at most
    // 4 instances fit, whichever workload they belong to.
    Path estate = Files.writeString(dir.resolve("estate.yaml"), ONE_NODE_POOL
        + framework("fw1", "ns1") + framework("fw2", "ns2")
        + workload("ns1", "web", "fw1", 4, "{cpu: 1}") + workload("ns2", "web", "fw2", 4, "{cpu: 1}"));

    SimulateCommandTest.Run run = simulate(estate, "-o", "json");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    JsonNode out = JSON.readTree(run.out());
    int placed = 0;
    for (JsonNode w : out.get("workloads")) {
      placed += w.get("placed").asInt();
      assertThat(w.get("placements").size() + w.get("pending").size()).as(w.toString()).isEqualTo(4);
      for (JsonNode i : w.get("placements")) {
        assertThat(i.get("id").asText()).as("the id users see").matches("web-[0-3]");
      }
      for (JsonNode p : w.get("pending")) {
        assertThat(p.get("id").asText()).as("the id users see").matches("web-[0-3]");
      }
    }
    assertThat(placed).isEqualTo(4);
    JsonNode pool = out.get("pools").get(0);
    assertThat(pool.get("allocated").get("cpu").asText()).isEqualTo("4");
  }

  @Test
  void explainShowsTheInstanceNamesUsersKnow(@TempDir Path dir) throws IOException {
    Path estate = Files.writeString(dir.resolve("estate.yaml"), ONE_NODE_POOL
        + framework("fw1", "ns1") + framework("fw2", "ns2")
        + workload("ns1", "web", "fw1", 2, "{cpu: 1}") + workload("ns2", "web", "fw2", 2, "{cpu: 1}"));

    SimulateCommandTest.Run run = simulate(estate, "--explain", "ns2/web");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("    web-0 ", "    web-1 ").doesNotContain("ns2/web-0 ", "ns1/web");
  }

  @Test
  void aNodeTwoPoolsSelectBelongsToOnePoolOnly(@TempDir Path dir) throws IOException {
    // Both pools select the Node (4 cpu). Rule: the pool whose name sorts first wins, so the node is
    // "alpha"'s; "beta" has no node and a warning names the node and both pools. 8 x 1 cpu asked,
    // at most 4 placed.
    Path estate = Files.writeString(dir.resolve("estate.yaml"), """
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: beta}
        spec:
          provider: aws
          region: eu-west-1
          source: {kubernetes: {nodeSelector: {matchLabels: {tier: shared}}}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: alpha}
        spec:
          provider: aws
          region: eu-west-1
          source: {kubernetes: {nodeSelector: {}}}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: k1, labels: {tier: shared}}
        status: {allocatable: {cpu: "4", memory: 16Gi}}
        """ + framework("fw", "ns") + workload("ns", "batch", "fw", 8, "{cpu: 1}"));

    SimulateCommandTest.Run json = simulate(estate, "-o", "json");
    SimulateCommandTest.Run table = simulate(estate);

    assertThat(json.exitCode()).isZero();
    JsonNode out = JSON.readTree(json.out());
    assertThat(out.get("workloads").get(0).get("placed").asInt()).isEqualTo(4);
    JsonNode alpha = pool(out, "alpha");
    JsonNode beta = pool(out, "beta");
    assertThat(alpha.get("nodes").asInt()).isEqualTo(1);
    assertThat(alpha.get("allocated").get("cpu").asText()).isEqualTo("4");
    assertThat(beta.get("nodes").asInt()).isZero();
    assertThat(table.out()).contains(
        "warning: node k1 is selected by pools alpha and beta: it belongs to alpha only (the pool whose name sorts first)");
  }

  private static JsonNode pool(JsonNode outcome, String name) {
    for (JsonNode p : outcome.get("pools")) {
      if (p.get("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no pool " + name + " in " + outcome.get("pools"));
  }

  /** A random estate as YAML documents: three static pools and a Kubernetes pool, frameworks, workloads with constraints. */
  private static List<String> randomEstate(Random random) {
    List<String> docs = new ArrayList<>();
    String[] zones = {"z1", "z2", "z3"};
    for (int p = 0; p < 3; p++) {
      List<String> nodes = new ArrayList<>();
      for (int n = 0; n < 80; n++) {
        nodes.add("{name: s%d-n%03d, zone: %s, capacity: {cpu: %d, memory: %dGi}, attributes: {rack: r%d}}"
            .formatted(p, n, zones[random.nextInt(3)], 4 + 4 * random.nextInt(4), 16 + 16 * random.nextInt(4), random.nextInt(10)));
      }
      Collections.shuffle(nodes, random);
      docs.add("""
          apiVersion: poolbridge.io/v1alpha1
          kind: ResourcePool
          metadata: {name: static-%d}
          spec:
            provider: colo
            region: ams
            source: {static: {nodes: [%s]}}
          """.formatted(p, String.join(", ", nodes)));
    }
    docs.add("""
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: cloud}
        spec:
          provider: aws
          region: eu-west-1
          source: {kubernetes: {nodeSelector: {matchLabels: {pool: cloud}}}}
        """);
    for (int n = 0; n < 100; n++) {
      docs.add("""
          apiVersion: v1
          kind: Node
          metadata: {name: k%03d, labels: {pool: cloud, rack: r%d, topology.kubernetes.io/zone: %s}}
          status: {allocatable: {cpu: "%d", memory: %dGi}}
          """.formatted(n, random.nextInt(10), zones[random.nextInt(3)], 2 + 2 * random.nextInt(4), 8 + 8 * random.nextInt(4)));
    }
    for (int f = 0; f < 4; f++) {
      docs.add("""
          apiVersion: poolbridge.io/v1alpha1
          kind: Framework
          metadata: {name: fw%d}
          spec: {type: External, role: team/fw%d, weight: %d, namespaces: {names: [ns0, ns1, ns2]}}
          """.formatted(f, f, 1 + random.nextInt(3)));
    }
    String[] constraints = {
      "[{attribute: hostname, operator: UNIQUE}]",
      "[{attribute: zone, operator: GROUP_BY}]",
      "[{attribute: rack, operator: MAX_PER, value: \"3\"}]",
      "[{attribute: rack, operator: LIKE, value: \"r[0-4]\"}]",
      "[{attribute: pool, operator: CLUSTER}]",
      "[]"};
    for (int w = 0; w < 120; w++) {
      docs.add("""
          apiVersion: poolbridge.io/v1alpha1
          kind: Workload
          metadata: {name: w%03d, namespace: ns%d}
          spec: {framework: fw%d, kind: Service, instances: %d, priority: %d, resources: {cpu: %d, memory: %dGi}, constraints: %s}
          """.formatted(w / 3, w % 3, random.nextInt(4), 1 + random.nextInt(20), 10 * random.nextInt(3), 1 + random.nextInt(3),
              1 + random.nextInt(8), constraints[random.nextInt(constraints.length)]));
    }
    return docs;
  }

  /** Where every instance went: workload key to instance id to node, and pending ids. */
  private static Map<String, Map<String, String>> placements(JsonNode outcome) {
    Map<String, Map<String, String>> byWorkload = new TreeMap<>();
    for (JsonNode w : outcome.get("workloads")) {
      Map<String, String> where = new TreeMap<>();
      w.get("placements").forEach(i -> where.put(i.get("id").asText(), i.get("pool").asText() + "/" + i.get("node").asText()));
      w.get("pending").forEach(i -> where.put(i.get("id").asText(), "pending"));
      byWorkload.put(w.get("namespace").asText() + "/" + w.get("name").asText(), where);
    }
    return byWorkload;
  }

  @Test
  void onlyTheSeedMattersNotTheOrderOfDocuments(@TempDir Path dir) throws IOException {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    List<String> docs = randomEstate(random);
    List<String> reversed = new ArrayList<>(docs);
    Collections.reverse(reversed);
    List<String> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, random);

    JsonNode first = JSON.readTree(simulate(Files.writeString(dir.resolve("a.yaml"), String.join("---\n", docs)), "-o", "json").out());
    for (List<String> order : List.of(reversed, shuffled)) {
      Path file = Files.writeString(dir.resolve("b.yaml"), String.join("---\n", order));
      SimulateCommandTest.Run run = simulate(file, "-o", "json");
      assertThat(run.exitCode()).as("estate seed %d: %s", seed, run.err()).isZero();
      JsonNode other = JSON.readTree(run.out());
      Map<String, Map<String, String>> expected = placements(first);
      Map<String, Map<String, String>> actual = placements(other);
      String differing = expected.keySet().stream().filter(k -> !expected.get(k).equals(actual.get(k))).findFirst()
          .map(k -> k + ": " + expected.get(k) + " in document order, " + actual.get(k) + " in another").orElse("");
      assertThat(differing).as("estate seed %d: placements per instance", seed).isEmpty();
      assertThat(actual).isEqualTo(expected);
      assertThat(other.equals(first)).as("estate seed %d: the whole report is the same", seed).isTrue();
    }
  }

  @Test
  void aQuantityTheCoreCannotHoldIsAnErrorNamingFileDocumentAndField(@TempDir Path dir) throws IOException {
    Path estate = Files.writeString(dir.resolve("estate.yaml"), ONE_NODE_POOL + framework("fw", "analytics")
        + workload("analytics", "etl", "fw", 1, "{cpu: 1, memory: 100Ei}"));

    SimulateCommandTest.Run run = simulate(estate);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("error: " + estate + ": document 3 (Workload analytics/etl): The Workload \"etl\" is invalid: "
        + "spec.resources.memory: Invalid value: \"100Ei\": spec.resources.memory in body should match '^");
  }

  @Test
  void aNodeCapacityTheCoreCannotHoldIsAnErrorToo(@TempDir Path dir) throws IOException {
    Path estate = Files.writeString(dir.resolve("estate.yaml"), ONE_NODE_POOL.replace("cpu: 4,", "cpu: 2000000000000000,"));

    SimulateCommandTest.Run run = simulate(estate);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: " + estate + ": document 1 (ResourcePool metal): The ResourcePool \"metal\" is invalid: "
        + "spec.source.static.nodes[0].capacity.cpu: Invalid value: 2000000000000000: "
        + "spec.source.static.nodes[0].capacity.cpu in body should be less than or equal to 999999999999999\n");
  }

  @Test
  void aPatternRe2CannotCompileIsAnErrorNamingFileDocumentAndField(@TempDir Path dir) throws IOException {
    Path estate = Files.writeString(dir.resolve("estate.yaml"), ONE_NODE_POOL + framework("fw", "ns")
        + workload("ns", "web", "fw", 1, "{cpu: 1}, constraints: [{attribute: rack, operator: LIKE, value: '(a)\\1'}]"));

    SimulateCommandTest.Run run = simulate(estate);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("error: " + estate + ": document 3 (Workload ns/web): spec.constraints[0].value: "
        + "constraint rack LIKE: invalid regular expression (a)\\1: invalid escape sequence\n");
  }
}
