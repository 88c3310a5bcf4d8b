package io.poolbridge.allocator;

/**
 * In-place arithmetic on resource vectors ({@code long[]} of one schema's length): the allocator's
 * hot path, free of allocation. {@link #UNLIMITED} stands for "no limit".
 */
final class Vec {
  /** An amount that is never reached: the value of a resource a limit does not name. */
  static final long UNLIMITED = Long.MAX_VALUE / 4;

  private Vec() {}

  static boolean isZero(long[] v) {
    for (long x : v) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether every a[i] ≤ b[i]. */
  static boolean fits(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] > b[i]) {
        return false;
      }
    }
    return true;
  }

  static void add(long[] into, long[] v) {
    for (int i = 0; i < into.length; i++) {
      into[i] += v[i];
    }
  }

  static void subtract(long[] from, long[] v) {
    for (int i = 0; i < from.length; i++) {
      from[i] -= v[i];
    }
  }

  /** from[i] = max(0, from[i] - v[i]). */
  static void subtractClamped(long[] from, long[] v) {
    for (int i = 0; i < from.length; i++) {
      from[i] = Math.max(0, from[i] - v[i]);
    }
  }

  /** into[i] = min(into[i], cap[i]). */
  static void min(long[] into, long[] cap) {
    for (int i = 0; i < into.length; i++) {
      if (cap[i] < into[i]) {
        into[i] = cap[i];
      }
    }
  }

  /** Whether some v[i] > 0. */
  static boolean anyPositive(long[] v) {
    for (long x : v) {
      if (x > 0) {
        return true;
      }
    }
    return false;
  }

  /** max(0, a - b), per resource, as a new vector. */
  static long[] positiveDifference(long[] a, long[] b) {
    long[] d = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = Math.max(0, a[i] - b[i]);
    }
    return d;
  }

  static long[] filled(int size, long value) {
    long[] v = new long[size];
    java.util.Arrays.fill(v, value);
    return v;
  }
}
