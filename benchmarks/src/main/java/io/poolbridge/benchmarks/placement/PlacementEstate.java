package io.poolbridge.benchmarks.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The estate and the demand of the placement benchmark, as plain data every system under test is
 * fed from (issue 5): 5,000 nodes of 32 cpu / 128 GiB, 10 weighted frameworks, 50,000 instances of
 * 1 cpu / 2 GiB, 5,000 per framework.
 *
 * <p>Node {@code i} is {@code node-i} (its hostname too), in rack {@code rack-(i / 40)} (125
 * racks of 40 nodes); racks are in zones round-robin ({@code zone-a..c}) and in pools round-robin
 * ({@code metal-ams, metal-fra, cloud-east, cloud-west, edge}), so every zone and every pool spans
 * racks all over the estate.
 *
 * <p>The frameworks' weights are 1, 1, 1, 1, 2, 2, 2, 3, 3, 4: the lightest framework's fair
 * share, 1/20 of the estate (250 nodes, 8,000 cpu), still holds its 5,000 instances.
 *
 * <p>Two demand mixes:
 *
 * <ul>
 *   <li>{@link Mix#NONE}: each framework runs five workloads of 1,000 instances, no constraint;
 *   <li>{@link Mix#MIXED}: each framework runs
 *       <ul>
 *         <li>{@code unique}: 50 instances, {@code hostname UNIQUE}, priority 10;
 *         <li>{@code pinned}: 500 instances, {@code pool IS metal-ams}, priority 5;
 *         <li>{@code metal}: 1,000 instances, {@code pool LIKE metal-.*}, priority 5;
 *         <li>{@code zoned}: 1,500 instances, {@code zone GROUP_BY} (3 zones), priority 0;
 *         <li>{@code racked}: 1,950 instances, {@code rack MAX_PER 30}, priority 0.
 *       </ul>
 *       (higher priority is placed first, as a user would rank the pickier workloads).
 * </ul>
 */
public final class PlacementEstate {
  public static final int NODES = 5_000;
  public static final int NODES_PER_RACK = 40;
  public static final long NODE_CPU_MILLIS = 32_000;
  public static final long NODE_MEMORY_MIB = 128 * 1024;
  public static final long INSTANCE_CPU_MILLIS = 1_000;
  public static final long INSTANCE_MEMORY_MIB = 2 * 1024;
  public static final int[] WEIGHTS = {1, 1, 1, 1, 2, 2, 2, 3, 3, 4};
  public static final int INSTANCES_PER_FRAMEWORK = 5_000;
  public static final List<String> ZONES = List.of("zone-a", "zone-b", "zone-c");
  public static final List<String> POOLS = List.of("metal-ams", "metal-fra", "cloud-east", "cloud-west", "edge");

  /** The demand mixes. */
  public enum Mix {
    NONE,
    MIXED
  }

  public record Node(int index, String id, String zone, String rack, String pool) {
    public Map<String, String> attributes() {
      return Map.of("hostname", id, "zone", zone, "rack", rack, "pool", pool);
    }

    public String attribute(String name) {
      return switch (name) {
        case "hostname" -> id;
        case "zone" -> zone;
        case "rack" -> rack;
        case "pool" -> pool;
        default -> null;
      };
    }
  }

  public record Framework(String id, int weight) {}

  /** The constraint operators the mix uses, with Marathon's meaning. */
  public enum Op {
    UNIQUE,
    GROUP_BY,
    MAX_PER,
    LIKE,
    IS
  }

  /** One constraint: {@code value} is the number of MAX_PER, the regex of LIKE, the value of IS. */
  public record Rule(String attribute, Op op, String value) {
    @Override
    public String toString() {
      return attribute + " " + op + (value == null ? "" : " " + value);
    }
  }

  /**
   * A workload: {@code instanceIds} are unique over the estate ({@code <framework>.<name>-<n>}).
   *
   * @param key {@code <framework>/<name>}
   */
  public record Workload(String key, String name, Framework framework, List<String> instanceIds, Rule rule, int priority) {}

  public final List<Node> nodes = new ArrayList<>();
  public final List<Framework> frameworks = new ArrayList<>();
  public final List<Workload> workloads = new ArrayList<>();
  public final Mix mix;

  public PlacementEstate(Mix mix) {
    this.mix = mix;
    for (int i = 0; i < NODES; i++) {
      int rack = i / NODES_PER_RACK;
      nodes.add(new Node(
          i, String.format("node-%04d", i), ZONES.get(rack % ZONES.size()), String.format("rack-%03d", rack),
          POOLS.get(rack % POOLS.size())));
    }
    for (int f = 0; f < WEIGHTS.length; f++) {
      Framework fw = new Framework("fw-" + f, WEIGHTS[f]);
      frameworks.add(fw);
      if (mix == Mix.NONE) {
        for (int w = 0; w < 5; w++) {
          add(fw, "svc" + w, 1_000, null, 0);
        }
      } else {
        add(fw, "unique", 50, new Rule("hostname", Op.UNIQUE, null), 10);
        add(fw, "pinned", 500, new Rule("pool", Op.IS, "metal-ams"), 5);
        add(fw, "metal", 1_000, new Rule("pool", Op.LIKE, "metal-.*"), 5);
        add(fw, "zoned", 1_500, new Rule("zone", Op.GROUP_BY, null), 0);
        add(fw, "racked", 1_950, new Rule("rack", Op.MAX_PER, "30"), 0);
      }
    }
  }

  private void add(Framework fw, String name, int n, Rule rule, int priority) {
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(fw.id() + "." + name + "-" + i);
    }
    workloads.add(new Workload(fw.id() + "/" + name, name, fw, List.copyOf(ids), rule, priority));
  }

  public int instanceCount() {
    return workloads.stream().mapToInt(w -> w.instanceIds().size()).sum();
  }

  /** Whether the node's value of {@code rule}'s attribute passes a per-node (stateless) rule. */
  static boolean staticallyAdmits(Rule rule, String value) {
    return switch (rule.op()) {
      case LIKE -> value != null && Pattern.matches(rule.value(), value);
      case IS -> rule.value().equals(value);
      default -> true;
    };
  }
}
