package io.poolbridge.scheduler;

import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What capacity costs, per pool, and how pools compare on it.
 *
 * <p>The priced units are this class's one table ({@link #unit}), used wherever a price meets an
 * amount: cpu per core, every byte-valued resource ({@code memory}, {@code ephemeral-storage},
 * {@code storage}, {@code hugepages-*}) per GiB, any other resource (a GPU, say) per unit. {@code
 * pricePerUnit[i]} is the price of one hour of one such unit of the schema's resource {@code i}.
 *
 * <p>Each pool's prices are in its own currency. {@link #perHour} answers in that currency (what
 * the pool bills, what is reported). Placement ranks on {@link #rankingPerHour}, the price in the
 * base currency of the {@link ExchangeRates}; prices in different currencies are never compared as
 * raw numbers. Without a given base, the base is the currency of the priced pools when they all use
 * one, and there is none otherwise. A priced pool whose currency has no rate to the base (every
 * priced pool, when there is no base) is {@linkplain #incomparable() incomparable} and ranks as an
 * unpriced pool. A pool without prices costs nothing (owned capacity) and its placements report no
 * price.
 */
public final class Prices {
  /** No pool has a price. */
  public static final Prices NONE = new Prices(null, Map.of(), Map.of(), Map.of(), null, Collections.emptySortedMap());

  private static final double GIB = 1L << 30;

  /** A pool's prices: per unit-hour over a schema, in {@code currency}. */
  public record PoolPrice(String currency, double[] perUnitHour) {
    public PoolPrice {
      Objects.requireNonNull(perUnitHour, "perUnitHour");
    }
  }

  private final ResourceSchema schema;
  private final Map<String, double[]> byPool;
  private final Map<String, String> currencyByPool;
  /** Per comparable priced pool: the base currency one unit of its currency is worth. */
  private final Map<String, Double> toBase;
  private final String base;
  private final SortedMap<String, String> incomparable;

  private Prices(
      ResourceSchema schema,
      Map<String, double[]> byPool,
      Map<String, String> currencyByPool,
      Map<String, Double> toBase,
      String base,
      SortedMap<String, String> incomparable) {
    this.schema = schema;
    this.byPool = byPool;
    this.currencyByPool = currencyByPool;
    this.toBase = toBase;
    this.base = base;
    this.incomparable = incomparable;
  }

  /** How many base units make one priced unit of {@code resource}: the one table of priced units. */
  public static double unit(String resource) {
    if (resource.equals("cpu")) {
      return 1000.0;
    }
    return byteValued(resource) ? GIB : 1.0;
  }

  /** Whether {@code resource} is counted in bytes (and so priced and read per GiB). */
  public static boolean byteValued(String resource) {
    return resource.equals("memory")
        || resource.equals("storage")
        || resource.equals("ephemeral-storage")
        || resource.startsWith("hugepages-");
  }

  /** Prices per unit-hour over {@code schema}, by pool name, all in one currency. */
  public static Prices of(ResourceSchema schema, Map<String, double[]> pricePerUnitByPool) {
    Map<String, PoolPrice> pools = new HashMap<>();
    pricePerUnitByPool.forEach((pool, prices) -> pools.put(pool, new PoolPrice(null, prices)));
    return of(schema, pools, ExchangeRates.NONE);
  }

  /** Prices per unit-hour over {@code schema}, by pool name, each in its pool's currency, compared through {@code rates}. */
  public static Prices of(ResourceSchema schema, Map<String, PoolPrice> byPool, ExchangeRates rates) {
    Map<String, double[]> copy = new HashMap<>();
    Map<String, String> currencies = new HashMap<>();
    byPool.forEach((pool, price) -> {
      double[] prices = price.perUnitHour();
      if (prices.length != schema.size()) {
        throw new IllegalArgumentException(
            "pool " + pool + " has " + prices.length + " prices for the " + schema.size() + " resources " + schema);
      }
      for (double p : prices) {
        if (!(p >= 0) || Double.isInfinite(p)) {
          throw new IllegalArgumentException("pool " + pool + " has a negative or undefined price");
        }
      }
      copy.put(pool, prices.clone());
      currencies.put(pool, price.currency());
    });
    String base = rates.base();
    boolean oneCurrency = new TreeSet<>(currencies.values().stream().map(c -> c == null ? "" : c).toList()).size() <= 1;
    Map<String, Double> toBase = new HashMap<>();
    SortedMap<String, String> incomparable = new TreeMap<>();
    currencies.forEach((pool, currency) -> {
      if (base == null) {
        if (oneCurrency) {
          toBase.put(pool, 1.0);
        } else {
          incomparable.put(pool, currency);
        }
        return;
      }
      BigDecimal rate = currency == null ? null : rates.toBase(currency);
      if (rate == null) {
        incomparable.put(pool, currency);
      } else {
        toBase.put(pool, rate.doubleValue());
      }
    });
    String resolvedBase = base;
    if (base == null && oneCurrency && !currencies.isEmpty()) {
      resolvedBase = currencies.values().iterator().next();
    }
    return new Prices(schema, copy, currencies, toBase, resolvedBase, Collections.unmodifiableSortedMap(incomparable));
  }

  /** The price of an hour of {@code resources} in {@code pool}, in the pool's currency, or {@code null} when the pool has no price. */
  public Double perHour(String pool, Resources resources) {
    if (byPool.isEmpty()) {
      return null;
    }
    double[] prices = byPool.get(pool);
    if (prices == null) {
      return null;
    }
    // The schema may have grown since the prices were set: a resource added later has no price.
    if (!schema.isPrefixOf(resources.schema())) {
      throw new IllegalArgumentException("resources of schema " + resources.schema() + ", prices of " + schema);
    }
    double sum = 0;
    for (int i = 0; i < prices.length; i++) {
      sum += resources.get(i) / unit(schema.name(i)) * prices[i];
    }
    return sum;
  }

  /**
   * What placement ranks {@code pool} by for {@code resources}: the price of an hour in the base
   * currency, or 0 when the pool is unpriced (owned capacity). When some priced pool's price cannot
   * be converted (no rate for its currency), no price is compared at all, for any pool: ranking
   * it as free, or as dearest, would be a guess, and the result would flip with the choice of base
   * currency.
   */
  public double rankingPerHour(String pool, Resources resources) {
    if (toBase.isEmpty() || !incomparable().isEmpty()) {
      return 0;
    }
    Double factor = toBase.get(pool);
    if (factor == null) {
      return 0;
    }
    double price = perHour(pool, resources) * factor;
    return Double.isInfinite(price) ? Double.MAX_VALUE : price;
  }

  /** The currency of {@code pool}'s prices, or {@code null} when it has none (or the caller's single currency). */
  public String currency(String pool) {
    return currencyByPool.get(pool);
  }

  /** The currency prices are compared in, or {@code null} when they are not compared. */
  public String base() {
    return base;
  }

  /** The priced pools whose prices cannot be compared for want of a rate, with their currency, by pool name. */
  public SortedMap<String, String> incomparable() {
    return incomparable;
  }
}
