package io.poolbridge.engine;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import java.util.HashMap;
import java.util.Map;

/** A pool's figures, kept up to date agent by agent. */
final class PoolFigures {
  private final String name;
  private final Map<String, long[][]> contribution = new HashMap<>();
  private long[] capacity = new long[0];
  private long[] placed = new long[0];
  private long[] available = new long[0];
  private int active;

  PoolFigures(String name) {
    this.name = name;
  }

  void update(AgentInfo a, AgentState state, long[] placedOn) {
    remove(a.id());
    long[] total = a.total().toArray();
    long[] used = placedOn == null ? new long[total.length] : placedOn.clone();
    long[] free = new long[total.length];
    if (state == AgentState.ACTIVE) {
      for (int i = 0; i < total.length; i++) {
        free[i] = Math.max(0, total[i] - used[i]);
      }
      active++;
    }
    contribution.put(a.id(), new long[][] {total, used, free, {state == AgentState.ACTIVE ? 1 : 0}});
    capacity = add(capacity, total, 1);
    placed = add(placed, used, 1);
    available = add(available, free, 1);
  }

  void remove(String agentId) {
    long[][] c = contribution.remove(agentId);
    if (c != null) {
      capacity = add(capacity, c[0], -1);
      placed = add(placed, c[1], -1);
      available = add(available, c[2], -1);
      active -= (int) c[3][0];
    }
  }

  private static long[] add(long[] sum, long[] v, int sign) {
    long[] s = sum.length >= v.length ? sum : java.util.Arrays.copyOf(sum, v.length);
    for (int i = 0; i < v.length; i++) {
      if (sign > 0) {
        long t = s[i] + v[i];
        s[i] = t < s[i] ? Long.MAX_VALUE : t;
      } else {
        s[i] = Math.max(0, s[i] - v[i]);
      }
    }
    return s;
  }

  EngineSnapshot.PoolView view(ResourceSchema schema) {
    return new EngineSnapshot.PoolView(name, contribution.size(), active,
        Resources.ofArray(schema, java.util.Arrays.copyOf(capacity, schema.size())),
        Resources.ofArray(schema, java.util.Arrays.copyOf(placed, schema.size())),
        Resources.ofArray(schema, java.util.Arrays.copyOf(available, schema.size())));
  }
}
