package io.poolbridge.scheduler;

import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import java.util.HashMap;
import java.util.Map;

/**
 * What capacity costs, per pool: {@code pricePerUnit[i]} is the price of one hour of one unit of
 * the schema's resource {@code i}, where the unit is a core for {@code cpu}, a GiB for {@code
 * memory} and {@code storage}, and the base unit for every other resource (a GPU, say). The
 * currency is the caller's. A pool without prices costs nothing (owned capacity) and its
 * placements report no price.
 */
public final class Prices {
  /** No pool has a price. */
  public static final Prices NONE = new Prices(null, Map.of());

  private final ResourceSchema schema;
  private final Map<String, double[]> byPool;

  private Prices(ResourceSchema schema, Map<String, double[]> byPool) {
    this.schema = schema;
    this.byPool = byPool;
  }

  /** Prices per unit-hour over {@code schema}, by pool name. */
  public static Prices of(ResourceSchema schema, Map<String, double[]> pricePerUnitByPool) {
    Map<String, double[]> copy = new HashMap<>();
    pricePerUnitByPool.forEach((pool, prices) -> {
      if (prices.length != schema.size()) {
        throw new IllegalArgumentException(
            "pool " + pool + " has " + prices.length + " prices for the " + schema.size() + " resources " + schema);
      }
      for (double p : prices) {
        if (!(p >= 0)) {
          throw new IllegalArgumentException("pool " + pool + " has a negative or undefined price");
        }
      }
      copy.put(pool, prices.clone());
    });
    return new Prices(schema, copy);
  }

  /** The price of an hour of {@code resources} in {@code pool}, or {@code null} when the pool has no price. */
  public Double perHour(String pool, Resources resources) {
    if (byPool.isEmpty()) {
      return null;
    }
    double[] prices = byPool.get(pool);
    if (prices == null) {
      return null;
    }
    if (!resources.schema().equals(schema)) {
      throw new IllegalArgumentException("resources of schema " + resources.schema() + ", prices of " + schema);
    }
    double sum = 0;
    for (int i = 0; i < prices.length; i++) {
      sum += resources.get(i) / Amounts.unit(schema.name(i)) * prices[i];
    }
    return sum;
  }
}
