package io.poolbridge.estate;

import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.scheduler.ExchangeRates;
import io.poolbridge.scheduler.Prices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * ResourcePools' {@code spec.cost} as the scheduler's {@link Prices}: a price per unit-hour of each
 * resource of the schema (in the units of {@link Prices#unit}), in the pool's currency, compared
 * across currencies through {@link ExchangeRates}. A pool without {@code spec.cost} is unpriced
 * (owned capacity); a price for a resource outside the schema prices nothing and is left out.
 */
public final class PoolPrices {
  /** The currency of a pool that sets prices without one. */
  public static final String DEFAULT_CURRENCY = "USD";

  private PoolPrices() {}

  /** The prices of {@code pools} over {@code schema}, compared through {@code rates}. */
  public static Prices of(ResourceSchema schema, Iterable<ResourcePool> pools, ExchangeRates rates) {
    Map<String, Prices.PoolPrice> byPool = new TreeMap<>();
    for (ResourcePool pool : pools) {
      if (pool.getSpec().cost() == null) {
        continue;
      }
      double[] price = new double[schema.size()];
      pool.getSpec().cost().perHour().forEach((resource, value) -> {
        if (schema.contains(resource)) {
          price[schema.indexOf(resource)] = Double.parseDouble(value);
        }
      });
      byPool.put(pool.getMetadata().getName(), new Prices.PoolPrice(currency(pool), price));
    }
    return Prices.of(schema, byPool, rates);
  }

  /** The currency of a pool's prices ({@value #DEFAULT_CURRENCY} when it names none, or sets no prices). */
  public static String currency(ResourcePool pool) {
    return pool.getSpec().cost() == null || pool.getSpec().cost().currency() == null
        ? DEFAULT_CURRENCY : pool.getSpec().cost().currency();
  }

  /**
   * One warning per priced pool whose prices cannot be compared with the others' (so placement
   * compares no price at all), saying which setting would make them comparable.
   */
  public static List<String> incomparable(Prices prices, Iterable<ResourcePool> pools, ExchangeRates rates) {
    List<String> warnings = new ArrayList<>();
    prices.incomparable().forEach((pool, currency) -> {
      if (rates.base() == null) {
        Set<String> others = new TreeSet<>();
        for (ResourcePool p : pools) {
          if (p.getSpec().cost() != null && !currency(p).equals(currency)) {
            others.add(currency(p));
          }
        }
        warnings.add("pool " + pool + " is priced in " + currency + ", other pools in " + String.join(", ", others)
            + ": without --currency and an --exchange-rate for each other currency, prices are not compared"
            + " (placement ignores every pool's price)");
      } else {
        warnings.add("pool " + pool + " is priced in " + currency + ", which has no exchange rate to " + rates.base()
            + ": prices are not compared (placement ignores every pool's price; set --exchange-rate " + currency
            + "=<" + rates.base() + " per " + currency + ">)");
      }
    });
    return warnings;
  }
}
