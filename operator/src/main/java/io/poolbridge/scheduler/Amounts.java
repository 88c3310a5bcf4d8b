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
 * unit. The table is {@link Prices#unit}.
 */
final class Amounts {
  private static final double GIB = 1L << 30;
  private static final double MIB = 1L << 20;

  private Amounts() {}

  /** How many base units make the unit a resource is read and priced in: {@link Prices#unit}. */
  static double unit(String resource) {
    return Prices.unit(resource);
  }

  /** {@code cpu 2.5, memory 4Gi}: the non-zero amounts in readable units. */
  static String format(Resources r) {
    List<String> parts = new ArrayList<>();
    r.asMap().forEach((name, amount) -> parts.add(name + " " + format(name, amount)));
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }

  private static String format(String name, long amount) {
    if (unit(name) == GIB) {
      return amount >= GIB ? decimal(amount / GIB) + "Gi" : decimal(amount / MIB) + "Mi";
    }
    return decimal(amount / unit(name));
  }

  private static String decimal(double x) {
    return BigDecimal.valueOf(x).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
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
