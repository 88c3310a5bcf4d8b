package io.poolbridge.allocator;

/**
 * In-place arithmetic on resource vectors ({@code long[]} of one schema's length): the allocator's
 * hot path, free of allocation. {@link #UNLIMITED} stands for "no limit".
 *
 * <p>Arithmetic saturates: a sum beyond {@code Long.MAX_VALUE} is {@code Long.MAX_VALUE}, never a
 * wrapped-round negative number, and the operations on accounts ({@link #subtractClamped},
 * {@link #addSigned}) stop at zero. Amounts are never negative.
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

  /** a + b, saturated at Long.MAX_VALUE (and Long.MIN_VALUE) instead of wrapping round. */
  static long plus(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /** a - b, saturated instead of wrapping round. */
  static long minus(long a, long b) {
    long r = a - b;
    if (((a ^ b) & (a ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /** into[i] += v[i], saturating. */
  static void add(long[] into, long[] v) {
    for (int i = 0; i < into.length; i++) {
      into[i] = plus(into[i], v[i]);
    }
  }

  /** from[i] -= v[i], saturating; callers make sure the result is not negative (or check it). */
  static void subtract(long[] from, long[] v) {
    for (int i = 0; i < from.length; i++) {
      from[i] = minus(from[i], v[i]);
    }
  }

  /** from[i] = max(0, from[i] - v[i]). */
  static void subtractClamped(long[] from, long[] v) {
    for (int i = 0; i < from.length; i++) {
      from[i] = Math.max(0, minus(from[i], v[i]));
    }
  }

  /** An account's update: into[i] + v[i] (sign +1) or into[i] - v[i] (sign -1), saturating, at least 0. */
  static void addSigned(long[] into, long[] v, int sign) {
    if (sign > 0) {
      add(into, v);
    } else {
      subtractClamped(into, v);
    }
  }

  /** Whether some v[i] is Long.MAX_VALUE: an account that may have saturated. */
  static boolean anySaturated(long[] v) {
    for (long x : v) {
      if (x == Long.MAX_VALUE) {
        return true;
      }
    }
    return false;
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
      d[i] = Math.max(0, minus(a[i], b[i]));
    }
    return d;
  }

  /** {@code v} grown to {@code size} with {@code fill} for the new resources; null stays null. */
  static long[] widen(long[] v, int size, long fill) {
    if (v == null || v.length == size) {
      return v;
    }
    long[] w = java.util.Arrays.copyOf(v, size);
    java.util.Arrays.fill(w, v.length, size, fill);
    return w;
  }

  /** {@code v} grown to {@code size} with zeros for the new resources; null stays null. */
  static long[] widen(long[] v, int size) {
    return widen(v, size, 0);
  }

  static long[] filled(int size, long value) {
    long[] v = new long[size];
    java.util.Arrays.fill(v, value);
    return v;
  }
}
