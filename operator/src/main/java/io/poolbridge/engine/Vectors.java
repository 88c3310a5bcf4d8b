package io.poolbridge.engine;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import java.util.Map;
import java.util.TreeMap;

/** Arithmetic on resource vectors (amounts in base units, one per schema position), and their widening to a grown schema. */
final class Vectors {
  private Vectors() {}

  /** Adds {@code amount} into {@code into}, saturating at {@link Long#MAX_VALUE}. */
  static void addSaturating(long[] into, long[] amount) {
    for (int i = 0; i < into.length; i++) {
      long s = into[i] + amount[i];
      into[i] = s < into[i] ? Long.MAX_VALUE : s;
    }
  }

  /** Subtracts {@code amount} from {@code from}, never below zero. */
  static void subtract(long[] from, long[] amount) {
    for (int i = 0; i < from.length; i++) {
      from[i] = Math.max(0, from[i] - amount[i]);
    }
  }

  /** Whether {@code need} fits in {@code room}, position by position. */
  static boolean fitsIn(long[] need, long[] room) {
    for (int i = 0; i < need.length; i++) {
      if (need[i] > room[i]) {
        return false;
      }
    }
    return true;
  }

  /** The agent with its resources in {@code schema} (which extends theirs). */
  static AgentInfo widen(AgentInfo a, ResourceSchema schema) {
    if (a.total().schema().equals(schema) && a.reservations().values().stream().allMatch(r -> r.schema().equals(schema))) {
      return a;
    }
    return new AgentInfo(a.id(), a.pool(), a.attributes(), a.total().widen(schema), widen(a.reservations(), schema));
  }

  private static Map<String, Resources> widen(Map<String, Resources> reservations, ResourceSchema schema) {
    Map<String, Resources> wide = new TreeMap<>();
    reservations.forEach((role, r) -> wide.put(role, r.widen(schema)));
    return wide;
  }
}
