package io.poolbridge.allocator;

import java.util.Map;

/**
 * A role's quota: a guarantee served before fair share, and a limit never exceeded. A resource the
 * limit does not name is unlimited; one the guarantee does not name is not guaranteed.
 *
 * <p>Consumption follows Mesos: a role's static reservations count towards its quota whether or
 * not they are used, plus its unreserved non-revocable allocations; for the limit, revocable
 * (borrowed) allocations count too.
 */
public record Quota(Map<String, Long> guarantee, Map<String, Long> limit) {
  public static final Quota NONE = new Quota(Map.of(), Map.of());

  public Quota {
    guarantee = guarantee == null ? Map.of() : Map.copyOf(guarantee);
    limit = limit == null ? Map.of() : Map.copyOf(limit);
    for (var e : guarantee.entrySet()) {
      Long l = limit.get(e.getKey());
      if (e.getValue() < 0 || (l != null && e.getValue() > l)) {
        throw new IllegalArgumentException("guarantee of " + e.getKey() + " must be between 0 and the limit");
      }
    }
  }

  public static Quota guarantee(Map<String, Long> guarantee) {
    return new Quota(guarantee, Map.of());
  }

  public static Quota limit(Map<String, Long> limit) {
    return new Quota(Map.of(), limit);
  }

  long[] guaranteeVector(ResourceSchema schema) {
    long[] v = new long[schema.size()];
    guarantee.forEach((name, amount) -> v[schema.indexOf(name)] = amount);
    return v;
  }

  long[] limitVector(ResourceSchema schema) {
    long[] v = Vec.filled(schema.size(), Vec.UNLIMITED);
    limit.forEach((name, amount) -> v[schema.indexOf(name)] = amount);
    return v;
  }
}
