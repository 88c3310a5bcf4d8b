package io.poolbridge.simulate;

import io.poolbridge.estate.EstateLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * A small random estate, as the YAML documents a user would write, and the test's own model of it
 * (nodes, reservations, roles, quotas, workloads), from which the properties check what {@code
 * simulate} reports without asking the code under test. Amounts: cpu in millicores, memory in MiB.
 *
 * <p>Pools are static or select Kubernetes Nodes by label (sometimes a Node carries the labels of
 * two pools' selectors); roles are nested ({@code apps/web} under {@code apps}) with weights,
 * guarantees and limits; pools reserve capacity for roles; workloads in several namespaces (the
 * same name in two of them) have constraints, gangs, priorities, preemptibility and revocability.
 */
final class RandomEstate {
  static final Instant AT = Instant.parse("2026-12-05T23:00:00Z");
  static final List<String> ROLES = List.of("apps", "apps/web", "apps/batch", "data", "data/etl", "data/etl/nightly");
  static final List<String> NAMESPACES = List.of("ns1", "ns2", "ns3");
  static final List<String> ZONES = List.of("z1", "z2", "z3");

  /** A node of a pool (a Kubernetes Node selected by two pools is two of these, with one {@code host}). */
  record Node(String pool, String host, String zone, long cpu, long mem, String provider, boolean kubernetes) {
    String agent() {
      return pool + "/" + host;
    }

    String attribute(String name) {
      return switch (name) {
        case "hostname" -> host;
        case "pool" -> pool;
        case "zone" -> zone;
        case "provider" -> provider;
        default -> null;
      };
    }
  }

  record Reservation(String pool, String role, long cpu, long mem, List<String> hosts) {
    boolean appliesTo(Node n) {
      return n.pool().equals(pool) && (hosts.isEmpty() || hosts.contains(n.host()));
    }
  }

  /** A limit or guarantee of -1 is absent. */
  record Framework(String name, String role, double weight, long guaranteeCpu, long guaranteeMem, long limitCpu,
      long limitMem, List<String> namespaces, boolean revocable) {}

  record Constraint(String attribute, String operator, String value) {
    @Override
    public String toString() {
      return attribute + " " + operator + (value == null ? "" : " " + value);
    }
  }

  record Workload(String namespace, String name, String framework, String kind, int instances, long cpu, long mem,
      int priority, boolean gang, boolean preemptible, boolean revocable, boolean binPack, List<Constraint> constraints) {
    String key() {
      return namespace + "/" + name;
    }
  }

  /** The pools as written: name, provider, whether Kubernetes-source, and the selector label value. */
  record Pool(String name, String provider, boolean kubernetes, String selectorKey, String selectorValue) {}

  final List<Pool> pools;
  /** Every pool node, a doubly-selected Kubernetes Node once per pool. */
  final List<Node> nodes;
  /** Kubernetes Nodes: name, zone, capacity, labels. */
  final Map<String, Map<String, String>> nodeLabels;
  final List<Reservation> reservations;
  final List<Framework> frameworks;
  final List<Workload> workloads;

  RandomEstate(List<Pool> pools, List<Node> nodes, Map<String, Map<String, String>> nodeLabels,
      List<Reservation> reservations, List<Framework> frameworks, List<Workload> workloads) {
    this.pools = pools;
    this.nodes = nodes;
    this.nodeLabels = nodeLabels;
    this.reservations = reservations;
    this.frameworks = frameworks;
    this.workloads = workloads;
  }

  RandomEstate withWorkloads(List<Workload> w) {
    return new RandomEstate(pools, nodes, nodeLabels, reservations, frameworks, w);
  }

  /**
   * The estate of {@code seed}; with {@code sharedNames}, two namespaces may each have a workload
   * of the same name (otherwise every workload name is unique across namespaces).
   */
  static RandomEstate generate(long seed, boolean sharedNames) {
    Random r = new Random(seed);
    List<Pool> pools = new ArrayList<>();
    List<Node> nodes = new ArrayList<>();
    Map<String, Map<String, String>> nodeLabels = new LinkedHashMap<>();
    int poolCount = 2 + r.nextInt(2);
    for (int p = 0; p < poolCount; p++) {
      boolean kubernetes = r.nextBoolean();
      String name = (kubernetes ? "cloud" : "metal") + p;
      String provider = kubernetes ? "aws" : "colo";
      pools.add(new Pool(name, provider, kubernetes, "pool", name));
      for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
        String host = name + "-n" + i;
        String zone = ZONES.get(r.nextInt(ZONES.size()));
        long cpu = 1000L * (4 << r.nextInt(3));
        long mem = 1024L * (8 << r.nextInt(3));
        nodes.add(new Node(name, host, zone, cpu, mem, provider, kubernetes));
        if (kubernetes) {
          Map<String, String> labels = new LinkedHashMap<>();
          labels.put("pool", name);
          labels.put("topology.kubernetes.io/zone", zone);
          nodeLabels.put(host, labels);
        }
      }
    }
    // Sometimes a pool whose selector also matches Nodes of another pool. A Node belongs to one pool
    // at most: the one whose name sorts first, never "shared" (after every "cloudN" and "metalN"),
    // so the model gives that pool no node of its own (the Nodes keep its label, and the estate
    // warns that the pool has none).
    List<String> kubeHosts = new ArrayList<>(nodeLabels.keySet());
    if (!kubeHosts.isEmpty() && r.nextInt(4) == 0) {
      String name = "shared";
      pools.add(new Pool(name, "aws", true, "tier", "shared"));
      for (String host : kubeHosts) {
        if (r.nextBoolean()) {
          nodeLabels.get(host).put("tier", "shared");
        }
      }
    }
    List<Framework> frameworks = new ArrayList<>();
    List<String> roles = new ArrayList<>(ROLES);
    Collections.shuffle(roles, r);
    int frameworkCount = 2 + r.nextInt(3);
    for (int f = 0; f < frameworkCount; f++) {
      String role = roles.get(f);
      long gCpu = -1;
      long gMem = -1;
      long lCpu = -1;
      long lMem = -1;
      if (r.nextInt(3) == 0) {
        gCpu = 1000L * (1 + r.nextInt(8));
        gMem = 1024L * (1 + r.nextInt(16));
      }
      if (r.nextInt(3) == 0) {
        lCpu = Math.max(gCpu, 1000L * (2 + r.nextInt(16)));
      }
      if (r.nextInt(3) == 0) {
        lMem = Math.max(gMem, 1024L * (2 + r.nextInt(32)));
      }
      List<String> ns = new ArrayList<>(new TreeSet<>(List.of(
          NAMESPACES.get(r.nextInt(3)), NAMESPACES.get(r.nextInt(3)))));
      frameworks.add(new Framework("fw" + f, role, List.of(0.5, 1.0, 2.0, 3.0).get(r.nextInt(4)), gCpu, gMem, lCpu, lMem,
          ns, r.nextBoolean()));
    }
    List<Reservation> reservations = new ArrayList<>();
    for (Pool p : pools) {
      if (!p.name().equals("shared") && r.nextInt(3) == 0) {
        List<Node> poolNodes = nodes.stream().filter(n -> n.pool().equals(p.name())).toList();
        long minCpu = poolNodes.stream().mapToLong(Node::cpu).min().orElse(0);
        long minMem = poolNodes.stream().mapToLong(Node::mem).min().orElse(0);
        List<String> hosts = r.nextBoolean() ? List.of() : List.of(poolNodes.get(r.nextInt(poolNodes.size())).host());
        reservations.add(new Reservation(p.name(), ROLES.get(r.nextInt(ROLES.size())),
            minCpu / 4 * (1 + r.nextInt(2)), minMem / 4 * (1 + r.nextInt(2)), hosts));
      }
    }
    List<Workload> workloads = new ArrayList<>();
    List<String> names = List.of("web", "etl", "cache", "job", "db");
    TreeSet<String> keys = new TreeSet<>();
    for (int w = 0, n = 3 + r.nextInt(6); w < n; w++) {
      String ns = NAMESPACES.get(r.nextInt(NAMESPACES.size()));
      String name = names.get(r.nextInt(names.size()));
      if (!keys.add(sharedNames ? ns + "/" + name : name)) {
        continue;
      }
      Framework fw = frameworks.get(r.nextInt(frameworks.size()));
      List<Constraint> constraints = new ArrayList<>();
      for (int c = 0, m = r.nextInt(3); c < m; c++) {
        constraints.add(switch (r.nextInt(9)) {
          case 0 -> new Constraint("hostname", "UNIQUE", null);
          case 1 -> new Constraint("zone", "UNIQUE", null);
          case 2 -> new Constraint("zone", "GROUP_BY", null);
          case 3 -> new Constraint("zone", "MAX_PER", "2");
          case 4 -> new Constraint("zone", "CLUSTER", null);
          case 5 -> new Constraint("zone", "CLUSTER", ZONES.get(r.nextInt(3)));
          case 6 -> new Constraint("pool", "LIKE", "metal.*");
          case 7 -> new Constraint("hostname", "MAX_PER", "3");
          default -> new Constraint("provider", "LIKE", "aws|colo");
        });
      }
      workloads.add(new Workload(ns, name, fw.name(), r.nextBoolean() ? "Service" : "Job", 1 + r.nextInt(5),
          500L * (1 + r.nextInt(6)), 512L * (1 + r.nextInt(12)), List.of(0, 10, 100).get(r.nextInt(3)),
          r.nextInt(6) == 0, r.nextInt(3) == 0, fw.revocable() && r.nextBoolean(), r.nextBoolean(), constraints));
    }
    return new RandomEstate(pools, nodes, nodeLabels, reservations, frameworks, workloads);
  }

  // ------------------------------------------------------------------ the model's answers

  Framework framework(String name) {
    return frameworks.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  Workload workload(String key) {
    return workloads.stream().filter(w -> w.key().equals(key)).findFirst().orElseThrow();
  }

  /** Whether the operator takes the workload on at all (its framework lists the namespace). */
  boolean admitted(Workload w) {
    return framework(w.framework()).namespaces().contains(w.namespace());
  }

  String roleOf(Workload w) {
    return framework(w.framework()).role();
  }

  static boolean inSubtree(String role, String of) {
    return role.equals(of) || role.startsWith(of + "/");
  }

  // ------------------------------------------------------------------ YAML

  /** The documents, in the order the generator made them. */
  List<String> documents() {
    List<String> docs = new ArrayList<>();
    for (String ns : NAMESPACES) {
      docs.add("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n");
    }
    for (Pool p : pools) {
      StringBuilder sb = new StringBuilder("apiVersion: poolbridge.io/v1alpha1\nkind: ResourcePool\nmetadata: {name: "
          + p.name() + "}\nspec:\n  provider: " + p.provider() + "\n  region: r1\n  source:\n");
      if (p.kubernetes()) {
        sb.append("    kubernetes:\n      nodeSelector: {matchLabels: {").append(p.selectorKey()).append(": ")
            .append(p.selectorValue()).append("}}\n");
      } else {
        sb.append("    static:\n      nodes:\n");
        for (Node n : nodes) {
          if (n.pool().equals(p.name())) {
            sb.append("        - {name: ").append(n.host()).append(", zone: ").append(n.zone()).append(", capacity: {cpu: ")
                .append(n.cpu() / 1000).append(", memory: ").append(n.mem()).append("Mi}}\n");
          }
        }
      }
      List<Reservation> rs = reservations.stream().filter(x -> x.pool().equals(p.name())).toList();
      if (!rs.isEmpty()) {
        sb.append("  reservations:\n");
        for (Reservation x : rs) {
          sb.append("    - role: ").append(x.role()).append("\n      resources: {cpu: ").append(x.cpu()).append("m, memory: ")
              .append(x.mem()).append("Mi}\n");
          if (!x.hosts().isEmpty()) {
            sb.append("      nodes: ").append(x.hosts()).append("\n");
          }
        }
      }
      docs.add(sb.toString());
    }
    for (var e : nodeLabels.entrySet()) {
      Node n = nodes.stream().filter(x -> x.host().equals(e.getKey())).findFirst().orElseThrow();
      StringBuilder labels = new StringBuilder();
      e.getValue().forEach((k, v) -> labels.append(labels.length() == 0 ? "" : ", ").append(k).append(": ").append(v));
      docs.add("apiVersion: v1\nkind: Node\nmetadata: {name: " + n.host() + ", labels: {" + labels + "}}\nstatus: {allocatable: {cpu: \""
          + n.cpu() / 1000 + "\", memory: " + n.mem() + "Mi}}\n");
    }
    for (Framework f : frameworks) {
      StringBuilder sb = new StringBuilder("apiVersion: poolbridge.io/v1alpha1\nkind: Framework\nmetadata: {name: " + f.name()
          + "}\nspec:\n  type: External\n  role: " + f.role() + "\n  weight: " + f.weight() + "\n  namespaces: {names: "
          + f.namespaces() + "}\n");
      if (f.revocable()) {
        sb.append("  capabilities: {revocable: true}\n");
      }
      List<String> guarantee = new ArrayList<>();
      List<String> limit = new ArrayList<>();
      if (f.guaranteeCpu() >= 0) {
        guarantee.add("cpu: " + f.guaranteeCpu() + "m");
        guarantee.add("memory: " + f.guaranteeMem() + "Mi");
      }
      if (f.limitCpu() >= 0) {
        limit.add("cpu: " + f.limitCpu() + "m");
      }
      if (f.limitMem() >= 0) {
        limit.add("memory: " + f.limitMem() + "Mi");
      }
      if (!guarantee.isEmpty() || !limit.isEmpty()) {
        sb.append("  quota:\n");
        if (!guarantee.isEmpty()) {
          sb.append("    guarantee: {").append(String.join(", ", guarantee)).append("}\n");
        }
        if (!limit.isEmpty()) {
          sb.append("    limit: {").append(String.join(", ", limit)).append("}\n");
        }
      }
      docs.add(sb.toString());
    }
    for (Workload w : workloads) {
      StringBuilder sb = new StringBuilder("apiVersion: poolbridge.io/v1alpha1\nkind: Workload\nmetadata: {name: " + w.name()
          + ", namespace: " + w.namespace() + "}\nspec:\n  framework: " + w.framework() + "\n  kind: " + w.kind()
          + "\n  instances: " + w.instances() + "\n  resources: {cpu: " + w.cpu() + "m, memory: " + w.mem() + "Mi}\n"
          + "  priority: " + w.priority() + "\n  gang: " + w.gang() + "\n  preemptible: " + w.preemptible()
          + "\n  revocable: " + w.revocable() + "\n  strategy: " + (w.binPack() ? "BinPack" : "Spread") + "\n");
      if (!w.constraints().isEmpty()) {
        sb.append("  constraints:\n");
        for (Constraint c : w.constraints()) {
          sb.append("    - {attribute: ").append(c.attribute()).append(", operator: ").append(c.operator())
              .append(c.value() == null ? "" : ", value: \"" + c.value() + "\"").append("}\n");
        }
      }
      docs.add(sb.toString());
    }
    return docs;
  }

  static String yaml(List<String> documents) {
    return String.join("---\n", documents);
  }

  /** Loads the documents (in this order) as {@code simulate} does and runs them with {@code seed}. */
  static SimulationOutcome simulate(List<String> documents, long seed) {
    Path file = null;
    try {
      file = Files.createTempFile("estate", ".yaml");
      Files.writeString(file, yaml(documents));
      EstateLoader.Input input = new EstateLoader().load(List.of(file));
      return new EstateSimulation(input, seed, AT).run(1000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // a temporary file left behind is harmless
        }
      }
    }
  }
}
