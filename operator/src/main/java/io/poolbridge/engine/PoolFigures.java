package io.poolbridge.engine;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.engine.EngineSnapshot.NodeView;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pool's figures and node views, kept up to date agent by agent: the totals are summed as agents
 * change, and the published view (with its list of nodes) is rebuilt only when an agent of the pool
 * changed since the last one. The list is an array in agent-id order: a changed agent is replaced
 * in a copy of it (no map is walked), and an agent that joins or leaves rebuilds it.
 */
final class PoolFigures {
  private final String name;
  /** Every agent's view, by id. */
  private final TreeMap<String, NodeView> nodes = new TreeMap<>();
  private long[] capacity = new long[0];
  private long[] placed = new long[0];
  private long[] available = new long[0];
  private int active;

  /** The node list of the last view (never changed once published), and each agent's position in it. */
  private NodeView[] published = new NodeView[0];
  private Map<String, Integer> position = Map.of();
  /** Agents changed since the last view, when none joined or left. */
  private final Map<String, NodeView> replaced = new HashMap<>();
  private boolean membershipChanged;
  private EngineSnapshot.PoolView view;
  private Resources none;

  PoolFigures(String name) {
    this.name = name;
  }

  /**
   * The agent as it is now: its state, what its instances use ({@code null} when none ever ran
   * there) and the framework leasing it whole, if any.
   */
  void update(AgentInfo a, AgentState state, long[] placedOn, String leasedTo, ResourceSchema schema) {
    NodeView old = nodes.get(a.id());
    if (old != null) {
      count(old, -1);
    } else {
      membershipChanged = true;
    }
    AgentInfo agent = Vectors.widen(a, schema);
    Resources total = agent.total();
    Resources used = isZero(placedOn) ? none(schema) : Resources.ofArray(schema, Arrays.copyOf(placedOn, schema.size()));
    Resources free = state != AgentState.ACTIVE ? none(schema) : used == none ? total : total.minus(used);
    NodeView v = new NodeView(agent, used, free, state, leasedTo);
    nodes.put(a.id(), v);
    count(v, 1);
    if (!membershipChanged) {
      replaced.put(a.id(), v);
    }
    view = null;
  }

  void remove(String agentId) {
    NodeView old = nodes.remove(agentId);
    if (old != null) {
      count(old, -1);
      membershipChanged = true;
      view = null;
    }
  }

  private static boolean isZero(long[] v) {
    if (v != null) {
      for (long x : v) {
        if (x != 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** Nothing, one instance shared by the idle and inactive nodes' views. */
  private Resources none(ResourceSchema schema) {
    if (none == null || !none.schema().equals(schema)) {
      none = Resources.none(schema);
    }
    return none;
  }

  private void count(NodeView v, int sign) {
    capacity = add(capacity, v.capacity(), sign);
    placed = add(placed, v.placed(), sign);
    available = add(available, v.available(), sign);
    active += v.state() == AgentState.ACTIVE ? sign : 0;
  }

  private static long[] add(long[] sum, Resources v, int sign) {
    int n = v.schema().size();
    long[] s = sum.length >= n ? sum : Arrays.copyOf(sum, n);
    for (int i = 0; i < n; i++) {
      long x = v.get(i);
      if (sign > 0) {
        long t = s[i] + x;
        s[i] = t < s[i] ? Long.MAX_VALUE : t;
      } else {
        s[i] = Math.max(0, s[i] - x);
      }
    }
    return s;
  }

  /** The pool's view; the same object as last time when no agent of the pool changed since. */
  EngineSnapshot.PoolView view(ResourceSchema schema) {
    if (view != null && view.capacity().schema().equals(schema)) {
      return view;
    }
    if (membershipChanged) {
      published = nodes.values().toArray(NodeView[]::new);
      Map<String, Integer> at = new HashMap<>(published.length * 2);
      for (int i = 0; i < published.length; i++) {
        at.put(published[i].id(), i);
      }
      position = at;
      membershipChanged = false;
    } else if (!replaced.isEmpty()) {
      published = published.clone();
      replaced.forEach((id, v) -> published[position.get(id)] = v);
    }
    replaced.clear();
    view = new EngineSnapshot.PoolView(name, nodes.size(), active,
        Resources.ofArray(schema, Arrays.copyOf(capacity, schema.size())),
        Resources.ofArray(schema, Arrays.copyOf(placed, schema.size())),
        Resources.ofArray(schema, Arrays.copyOf(available, schema.size())),
        Collections.unmodifiableList(Arrays.asList(published)));
    return view;
  }
}
