package io.poolbridge.engine;

/** Arithmetic on resource vectors (amounts in base units, one per schema position). */
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
}
