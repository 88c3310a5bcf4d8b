package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.DemandShape;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What level 2 knows of where a workload's instances may go, for those that drive it (the engine):
 * the agents a workload's constraints admit, the shape level 1 offers it by, why no node can take
 * it, and whether a node could take one more instance now. Remembers, per workload and agent,
 * whether the count-free constraints admit the agent; {@link #forget} drops that when a workload
 * or an agent changes.
 */
public final class Feasibility {
  /** Per workload, the agents its count-free constraints admit, remembered by agent id. */
  private final Map<String, Map<String, Boolean>> admitted = new HashMap<>();

  /** Forgets what was remembered of a workload (its constraints changed, or it was deleted). */
  public void forget(String workloadKey) {
    admitted.remove(workloadKey);
  }

  /** Forgets what was remembered of an agent (its attributes changed, or it left). */
  public void forgetAgent(String agentId) {
    admitted.values().forEach(m -> m.remove(agentId));
  }

  /** Whether no constraint of {@code d} rejects the agent whatever the counts (remembered per agent). */
  public boolean countFreeAllows(WorkloadDemand d, AgentInfo agent) {
    Map<String, Boolean> seen = admitted.computeIfAbsent(d.key(), k -> new HashMap<>());
    return seen.computeIfAbsent(agent.id(), id -> {
      for (Constraint c : d.constraints()) {
        if (c.rejectsAlways(agent.attributes().get(c.attribute()))) {
          return false;
        }
      }
      return true;
    });
  }

  /**
   * One pending workload's shape for level 1: its per-instance resources, on the agents where one
   * more instance may go now. That is where its count-free constraints hold (remembered per agent)
   * and, by the counts of its running instances ({@code mine}), its {@code UNIQUE}, {@code MAX_PER}
   * and bound {@code CLUSTER} constraints too: those counts only grow until the next cycle, so a
   * node they reject now is of no use to it in this one; and its {@code GROUP_BY}: the least-used
   * values among those it uses and those of the nodes with room for an instance now ({@code
   * withRoom} tells which nodes have room).
   */
  public DemandShape shape(WorkloadDemand d, List<PlacedInstance> mine, Collection<AgentInfo> agents, Predicate<AgentInfo> withRoom) {
    if (d.constraints().isEmpty()) {
      return DemandShape.anywhere(d.resources());
    }
    ConstraintState state = new ConstraintState(d.constraints(), mine);
    List<Constraint> counted = d.constraints().stream().filter(c -> !c.countFree()).toList();
    Map<String, Integer> groupMinimum = new HashMap<>();
    for (Constraint c : counted) {
      if (c.operator() == Constraint.Operator.GROUP_BY && !groupMinimum.containsKey(c.attribute())) {
        Set<String> domain = new HashSet<>();
        for (AgentInfo a : agents) {
          String v = a.attributes().get(c.attribute());
          if (v != null && countFreeAllows(d, a) && withRoom.test(a)) {
            domain.add(v);
          }
        }
        groupMinimum.put(c.attribute(), c.groupMinimum(state.used(c.attribute()), domain));
      }
    }
    return new DemandShape(d.resources(), agent -> {
      if (!countFreeAllows(d, agent)) {
        return false;
      }
      for (Constraint c : counted) {
        int min = c.operator() == Constraint.Operator.GROUP_BY ? groupMinimum.get(c.attribute()) : 0;
        if (!c.admits(agent.attributes().get(c.attribute()), state.used(c.attribute()), min)) {
          return false;
        }
      }
      return true;
    });
  }

  /**
   * When a framework was offered nothing, the estate may still say why better than "no offers": no
   * node that takes new work ({@code active}) lets the instance's constraints hold, or none is big
   * enough for it, however empty. {@code null} when some node could hold it (then capacity in use,
   * held back, or filtered is the reason).
   */
  public Reason whyNoNode(WorkloadDemand d, List<AgentInfo> active, ResourceSchema schema) {
    List<AgentInfo> allowed = new ArrayList<>();
    for (AgentInfo a : active) {
      if (countFreeAllows(d, a)) {
        allowed.add(a);
      }
    }
    if (allowed.isEmpty()) {
      ConstraintState state = new ConstraintState(d.constraints(), List.of());
      return active.isEmpty() || d.constraints().isEmpty()
          ? new Reason(Reason.Code.NO_OFFERS, "No node takes new work")
          : new Reason(Reason.Code.CONSTRAINT, state.explain(active, state.domain(active)).replace("offered node", "node"));
    }
    if (allowed.stream().noneMatch(a -> d.resources().fitsIn(a.total()))) {
      Set<String> pools = new TreeSet<>();
      boolean[] shortOf = new boolean[schema.size()];
      for (AgentInfo a : allowed) {
        pools.add(a.pool());
        Amounts.shortOf(d.resources(), a.total()).forEach(n -> shortOf[schema.indexOf(n)] = true);
      }
      List<String> names = new ArrayList<>();
      for (int i = 0; i < shortOf.length; i++) {
        if (shortOf[i]) {
          names.add(schema.name(i));
        }
      }
      return new Reason(Reason.Code.INSUFFICIENT_RESOURCES, "Insufficient " + String.join(",", names) + " in pools "
          + String.join(",", pools) + ": no node is big enough for one instance of " + Amounts.format(d.resources()));
    }
    return null;
  }

  /**
   * The first of {@code fitting} (nodes with room for one instance of {@code d}) where its
   * constraints hold, given its running instances, or {@code null}.
   */
  public static AgentInfo firstAdmitting(WorkloadDemand d, List<PlacedInstance> running, List<AgentInfo> fitting) {
    ConstraintState state = new ConstraintState(d.constraints(), running);
    Map<String, Set<String>> domain = state.domain(fitting);
    for (AgentInfo a : fitting) {
      if (state.firstUnmet(a, domain) == null) {
        return a;
      }
    }
    return null;
  }
}
