package io.poolbridge.scheduler;

import io.poolbridge.allocator.Resources;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Resource amounts as people read and pay for them, and the few vector measures the scheduler
 * needs. The schema's base units are millicores for {@code cpu} and bytes for the byte-valued
 * resources ({@code memory}, {@code ephemeral-storage}, {@code storage}, {@code hugepages-*});
 * people read (and pools are priced in) cores and GiB; every other resource is read in its base
 * unit. The table is {@link Prices#unit}. {@link #quantity} is how every amount is printed.
 */
public final class Amounts {
  /** A quantity is written with at most this many digits before its suffix, as people write them. */
  private static final long SHORT = 10_000;
  private static final String[] BINARY = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
  private static final String[] DECIMAL = {"E", "P", "T", "G", "M", "k", ""};

  private Amounts() {}

  /** {@code cpu 2.5, memory 4Gi}: the non-zero amounts in readable units. */
  static String format(Resources r) {
    List<String> parts = new ArrayList<>();
    r.asMap().forEach((name, amount) -> parts.add(name + " " + format(name, amount)));
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }

  private static String format(String name, long amount) {
    return quantity(name, amount);
  }

  /**
   * An amount in base units as a Kubernetes quantity written as people write it. cpu: cores with
   * up to three decimals ({@code 12}, {@code 95.34}), or millicores below one core ({@code 500m}).
   * Byte-valued resources: the largest binary suffix that holds the value exactly in at most four
   * digits ({@code 64Gi}, {@code 1984Gi}, {@code 1536Mi}); else the largest decimal suffix that
   * does ({@code 100G}); else a short decimal, rounded to two places, in the smallest binary suffix
   * that keeps it under 10000 ({@code 15.56Gi} for a Node's {@code 16318480Ki}, {@code 1464.84Gi}
   * for {@code 1500000Mi}). Every other resource: its count.
   */
  public static String quantity(String resource, long base) {
    if (resource.equals("cpu")) {
      if (base % 1000 == 0 || Math.abs(base) >= 1000) {
        return BigDecimal.valueOf(base, 3).stripTrailingZeros().toPlainString();
      }
      return base + "m";
    }
    if (!Prices.byteValued(resource) || base == 0) {
      return Long.toString(base);
    }
    for (int i = 0; i < BINARY.length; i++) {
      long unit = 1L << (10 * (BINARY.length - i));
      if (base % unit == 0 && Math.abs(base / unit) < SHORT) {
        return base / unit + BINARY[i];
      }
    }
    for (int i = 0; i < DECIMAL.length; i++) {
      long unit = pow1000(DECIMAL.length - 1 - i);
      if (base % unit == 0 && Math.abs(base / unit) < SHORT) {
        return base / unit + DECIMAL[i];
      }
    }
    for (int i = BINARY.length - 1; i >= 0; i--) {
      BigDecimal unit = BigDecimal.valueOf(1L << (10 * (BINARY.length - i)));
      BigDecimal value = BigDecimal.valueOf(base).divide(unit, 2, RoundingMode.HALF_UP);
      if (value.abs().compareTo(BigDecimal.valueOf(SHORT)) < 0 || i == 0) {
        return value.stripTrailingZeros().toPlainString() + BINARY[i];
      }
    }
    throw new AssertionError("unreachable");
  }

  private static long pow1000(int n) {
    long p = 1;
    for (int i = 0; i < n; i++) {
      p *= 1000;
    }
    return p;
  }

  /** The names of the resources of which {@code need} asks more than {@code available} holds. */
  static List<String> shortOf(Resources need, Resources available) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < need.schema().size(); i++) {
      if (need.get(i) > available.get(i)) {
        names.add(need.schema().name(i));
      }
    }
    return names;
  }

  /** The largest fraction of {@code total} that {@code part} makes up over any resource. */
  static double dominantFraction(Resources part, Resources total) {
    double max = 0;
    for (int i = 0; i < total.schema().size(); i++) {
      if (total.get(i) > 0) {
        max = Math.max(max, (double) part.get(i) / total.get(i));
      }
    }
    return max;
  }
}
