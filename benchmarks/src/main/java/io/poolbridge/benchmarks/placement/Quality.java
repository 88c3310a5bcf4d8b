package io.poolbridge.benchmarks.placement;

import io.poolbridge.benchmarks.placement.PlacementEstate.Node;
import io.poolbridge.benchmarks.placement.PlacementEstate.Rule;
import io.poolbridge.benchmarks.placement.PlacementEstate.Workload;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a round placed, checked independently of the system that placed it: from nothing but the
 * estate and the instance-to-node map the system reported.
 *
 * @param placed instances placed (each at most once: the map has one node per instance)
 * @param unknown instances the system reported that the estate does not have
 * @param overCommitted nodes whose cpu or memory is placed beyond capacity
 * @param violations instances beyond what their workload's constraint allows: UNIQUE, every
 *     instance after the first on a value; MAX_PER n, every instance after the n-th on a value;
 *     LIKE and IS, every instance on a node whose value does not match; GROUP_BY, every instance
 *     above {@code min + 1} on a value, over all the attribute's values in the estate
 * @param nodesUsed nodes with at least one instance
 * @param maxPerNode the most instances on one node
 * @param stddevPerNode the standard deviation of instances per node over all nodes
 */
public record Quality(
    int placed, int unknown, int overCommitted, int violations, int nodesUsed, int maxPerNode, double stddevPerNode) {

  /** Checks {@code placement} (instance id to node index) against {@code estate}. */
  public static Quality check(PlacementEstate estate, Map<String, Integer> placement) {
    int[] perNode = new int[estate.nodes.size()];
    int placed = 0;
    int violations = 0;
    for (Workload w : estate.workloads) {
      Map<String, Integer> byValue = new HashMap<>();
      for (String id : w.instanceIds()) {
        Integer node = placement.get(id);
        if (node == null) {
          continue;
        }
        placed++;
        perNode[node]++;
        Node n = estate.nodes.get(node);
        Rule rule = w.rule();
        if (rule != null) {
          String v = n.attribute(rule.attribute());
          byValue.merge(v, 1, Integer::sum);
          if (!PlacementEstate.staticallyAdmits(rule, v)) {
            violations++;
          }
        }
      }
      violations += countViolations(estate, w.rule(), byValue);
    }
    int unknown = placement.size() - placed;
    int over = 0;
    int used = 0;
    int max = 0;
    double sum = 0;
    double sumSq = 0;
    for (int c : perNode) {
      if (c * PlacementEstate.INSTANCE_CPU_MILLIS > PlacementEstate.NODE_CPU_MILLIS
          || c * PlacementEstate.INSTANCE_MEMORY_MIB > PlacementEstate.NODE_MEMORY_MIB) {
        over++;
      }
      used += c > 0 ? 1 : 0;
      max = Math.max(max, c);
      sum += c;
      sumSq += (double) c * c;
    }
    double mean = sum / perNode.length;
    double stddev = Math.sqrt(Math.max(0, sumSq / perNode.length - mean * mean));
    return new Quality(placed, unknown, over, violations, used, max, stddev);
  }

  private static int countViolations(PlacementEstate estate, Rule rule, Map<String, Integer> byValue) {
    if (rule == null) {
      return 0;
    }
    int v = 0;
    switch (rule.op()) {
      case UNIQUE -> {
        for (int c : byValue.values()) {
          v += c - 1;
        }
      }
      case MAX_PER -> {
        int n = Integer.parseInt(rule.value());
        for (int c : byValue.values()) {
          v += Math.max(0, c - n);
        }
      }
      case GROUP_BY -> {
        List<String> values = estate.nodes.stream().map(n -> n.attribute(rule.attribute())).distinct().toList();
        int min = Integer.MAX_VALUE;
        for (String value : values) {
          min = Math.min(min, byValue.getOrDefault(value, 0));
        }
        for (int c : byValue.values()) {
          v += Math.max(0, c - (min + 1));
        }
      }
      case LIKE, IS -> {
        // counted per instance above
      }
    }
    return v;
  }

  /** Whether the round did the job: every instance placed, nothing over-committed, no violation. */
  public boolean complete(PlacementEstate estate) {
    return placed == estate.instanceCount() && unknown == 0 && overCommitted == 0 && violations == 0;
  }

  @Override
  public String toString() {
    return String.format(
        "placed %d, unknown %d, over-committed nodes %d, constraint violations %d, nodes used %d, max/node %d, stddev/node %.2f",
        placed, unknown, overCommitted, violations, nodesUsed, maxPerNode, stddevPerNode);
  }
}
