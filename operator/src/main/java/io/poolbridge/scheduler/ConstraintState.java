package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One workload's constraints and its instances counted per value of every constrained attribute:
 * those already running and those placed (tentatively or not) in the current call.
 */
final class ConstraintState {
  private final List<Constraint> constraints;
  private final Map<String, Map<String, Integer>> counts = new HashMap<>();
  /** The counts of each constraint's attribute, by the constraint's index. */
  private final List<Map<String, Integer>> countsByConstraint = new ArrayList<>();
  /** Whether each constraint is {@linkplain Constraint#countFree count-free}, by index. */
  private final boolean[] countFree;
  /** The {@link #groupMinimums} when there is no GROUP_BY: all 0, shared and never written; else {@code null}. */
  private final int[] zeroMinimums;

  ConstraintState(List<Constraint> constraints, Collection<PlacedInstance> running) {
    this.constraints = constraints;
    this.countFree = new boolean[constraints.size()];
    for (int i = 0; i < countFree.length; i++) {
      countFree[i] = constraints.get(i).countFree();
    }
    for (Constraint c : constraints) {
      countsByConstraint.add(counts.computeIfAbsent(c.attribute(), k -> new HashMap<>()));
    }
    boolean grouped = constraints.stream().anyMatch(c -> c.operator() == Constraint.Operator.GROUP_BY);
    this.zeroMinimums = grouped ? null : new int[constraints.size()];
    for (PlacedInstance p : running) {
      add(p.agent());
    }
  }

  /** Counts one more instance on {@code node}. */
  void add(AgentInfo node) {
    change(node, +1);
  }

  /** Counts one instance less on {@code node}. */
  void remove(AgentInfo node) {
    change(node, -1);
  }

  private void change(AgentInfo node, int delta) {
    counts.forEach((attribute, byValue) -> {
      String v = node.attributes().get(attribute);
      if (v != null) {
        byValue.merge(v, delta, (a, b) -> a + b == 0 ? null : a + b);
      }
    });
  }

  /** The workload's instances per value of {@code attribute}. */
  Map<String, Integer> used(String attribute) {
    return counts.getOrDefault(attribute, Map.of());
  }

  /** For each GROUP_BY attribute, the values of the nodes that can hold the instance. */
  Map<String, Set<String>> domain(Collection<AgentInfo> candidates) {
    Map<String, Set<String>> domain = new HashMap<>();
    for (Constraint c : constraints) {
      if (c.operator() == Constraint.Operator.GROUP_BY && !domain.containsKey(c.attribute())) {
        Set<String> values = new HashSet<>();
        for (AgentInfo node : candidates) {
          String v = node.attributes().get(c.attribute());
          if (v != null) {
            values.add(v);
          }
        }
        domain.put(c.attribute(), values);
      }
    }
    return domain;
  }

  /** The first constraint that keeps one more instance off {@code node}, or {@code null} when all hold. */
  Constraint firstUnmet(AgentInfo node, Map<String, Set<String>> domain) {
    for (Constraint c : constraints) {
      if (!holds(c, node, domain)) {
        return c;
      }
    }
    return null;
  }

  /**
   * For each constraint, in order, the GROUP_BY minimum under {@code domain} (0 for other
   * operators): what {@link #firstUnmetCounted} needs to check many nodes in a row.
   */
  int[] groupMinimums(Map<String, Set<String>> domain) {
    if (zeroMinimums != null) {
      return zeroMinimums;
    }
    int[] minimums = new int[constraints.size()];
    for (int i = 0; i < minimums.length; i++) {
      Constraint c = constraints.get(i);
      if (c.operator() == Constraint.Operator.GROUP_BY) {
        minimums[i] = c.groupMinimum(used(c.attribute()), domain.getOrDefault(c.attribute(), Set.of()));
      }
    }
    return minimums;
  }

  /** The node's value of each constraint's attribute, by the constraint's index ({@code null} where it has none). */
  String[] values(AgentInfo node) {
    String[] values = new String[constraints.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = node.attributes().get(constraints.get(i).attribute());
    }
    return values;
  }

  /**
   * {@link #firstUnmet(AgentInfo, Map)} for a node whose attribute {@link #values} are given and
   * that no constraint {@linkplain Constraint#rejectsAlways rejects always}, with the {@link
   * #groupMinimums} of the same counts and domain: only the constraints that count are checked.
   */
  Constraint firstUnmetCounted(String[] values, int[] groupMinimums) {
    for (int i = 0; i < groupMinimums.length; i++) {
      Constraint c = constraints.get(i);
      if (!countFree[i] && !c.admits(values[i], countsByConstraint.get(i), groupMinimums[i])) {
        return c;
      }
    }
    return null;
  }

  /** The workload's instances on nodes whose value of constraint {@code i}'s attribute is {@code value}. */
  int count(int i, String value) {
    return countsByConstraint.get(i).getOrDefault(value, 0);
  }

  private boolean holds(Constraint c, AgentInfo node, Map<String, Set<String>> domain) {
    return c.admits(node.attributes().get(c.attribute()), used(c.attribute()), domain.getOrDefault(c.attribute(), Set.of()));
  }

  /**
   * Why none of {@code nodes} takes one more instance, for a person: the constraint that fails on
   * the most nodes (the first declared among equals), which is the one no node satisfies when
   * there is one.
   */
  String explain(Collection<AgentInfo> nodes, Map<String, Set<String>> domain) {
    Constraint worst = null;
    int worstCount = 0;
    boolean worstMissing = false;
    for (Constraint c : constraints) {
      int failed = 0;
      int missing = 0;
      for (AgentInfo node : nodes) {
        if (!holds(c, node, domain)) {
          failed++;
          missing += node.attributes().containsKey(c.attribute()) ? 0 : 1;
        }
      }
      if (failed > worstCount) {
        worst = c;
        worstCount = failed;
        worstMissing = missing == failed;
      }
    }
    if (worst == null) {
      throw new IllegalStateException("no constraint rejects the nodes");
    }
    return worstMissing
        ? "Constraint " + worst + ": no offered node has attribute " + worst.attribute()
        : "Constraint " + worst + " " + worst.unmet(used(worst.attribute()));
  }
}
