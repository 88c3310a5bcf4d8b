package io.poolbridge.allocator;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable vector of scalar resource amounts over a {@link ResourceSchema}. Amounts are never
 * negative. The allocator's hot paths work on the backing arrays through {@link Vec}; this class
 * is the value that crosses the API.
 */
public final class Resources {
  private final ResourceSchema schema;
  final long[] amounts;

  Resources(ResourceSchema schema, long[] amounts) {
    if (amounts.length != schema.size()) {
      throw new IllegalArgumentException("vector of " + amounts.length + " for schema " + schema);
    }
    this.schema = schema;
    this.amounts = amounts;
  }

  /** Nothing. */
  public static Resources none(ResourceSchema schema) {
    return new Resources(schema, new long[schema.size()]);
  }

  /** Amounts by name; names the schema does not know are an error, missing names are zero. */
  public static Resources of(ResourceSchema schema, Map<String, Long> amounts) {
    long[] v = new long[schema.size()];
    amounts.forEach((name, amount) -> v[schema.indexOf(name)] = requireNonNegative(name, amount));
    return new Resources(schema, v);
  }

  /** Amounts as alternating names and values: {@code of(schema, "cpu", 2000, "memory", 1 << 30)}. */
  public static Resources of(ResourceSchema schema, Object... namesAndAmounts) {
    if (namesAndAmounts.length % 2 != 0) {
      throw new IllegalArgumentException("names and amounts must alternate");
    }
    long[] v = new long[schema.size()];
    for (int i = 0; i < namesAndAmounts.length; i += 2) {
      String name = (String) namesAndAmounts[i];
      v[schema.indexOf(name)] = requireNonNegative(name, ((Number) namesAndAmounts[i + 1]).longValue());
    }
    return new Resources(schema, v);
  }

  /** A copy of the given array as a vector of {@code schema}. */
  public static Resources ofArray(ResourceSchema schema, long[] amounts) {
    for (int i = 0; i < amounts.length; i++) {
      requireNonNegative(schema.name(i), amounts[i]);
    }
    return new Resources(schema, amounts.clone());
  }

  private static long requireNonNegative(String name, long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("negative amount " + amount + " of " + name);
    }
    return amount;
  }

  /**
   * These amounts over {@code wider}, a schema that starts with this one's (see
   * {@link ResourceSchema#isPrefixOf}): the resources it adds are zero.
   *
   * @throws IllegalArgumentException when {@code wider} does not start with this schema
   */
  public Resources widen(ResourceSchema wider) {
    if (wider.equals(schema)) {
      return this;
    }
    if (!schema.isPrefixOf(wider)) {
      throw new IllegalArgumentException("resources of " + schema + " cannot be widened to " + wider);
    }
    return new Resources(wider, Arrays.copyOf(amounts, wider.size()));
  }

  public ResourceSchema schema() {
    return schema;
  }

  /** The amount of the named resource. */
  public long get(String name) {
    return amounts[schema.indexOf(name)];
  }

  /** The amount at index {@code i}. */
  public long get(int i) {
    return amounts[i];
  }

  /** A copy of the amounts, in schema order. */
  public long[] toArray() {
    return amounts.clone();
  }

  public boolean isEmpty() {
    return Vec.isZero(amounts);
  }

  /** Whether every amount is at most the same amount of {@code other}. */
  public boolean fitsIn(Resources other) {
    return Vec.fits(amounts, other.amounts);
  }

  /** The sum; an amount that would pass Long.MAX_VALUE is Long.MAX_VALUE (never wrapped round). */
  public Resources plus(Resources other) {
    long[] v = amounts.clone();
    Vec.add(v, other.amounts);
    return new Resources(schema, v);
  }

  /** Subtraction that stops at zero for each resource. */
  public Resources minus(Resources other) {
    long[] v = amounts.clone();
    Vec.subtractClamped(v, other.amounts);
    return new Resources(schema, v);
  }

  /** Names with non-zero amounts, in schema order. */
  public Map<String, Long> asMap() {
    Map<String, Long> map = new LinkedHashMap<>();
    for (int i = 0; i < amounts.length; i++) {
      if (amounts[i] != 0) {
        map.put(schema.name(i), amounts[i]);
      }
    }
    return map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Resources r && schema.equals(r.schema) && Arrays.equals(amounts, r.amounts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(amounts);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < amounts.length; i++) {
      if (amounts[i] != 0) {
        if (sb.length() > 1) {
          sb.append(", ");
        }
        sb.append(schema.name(i)).append(": ").append(amounts[i]);
      }
    }
    return sb.append('}').toString();
  }
}
