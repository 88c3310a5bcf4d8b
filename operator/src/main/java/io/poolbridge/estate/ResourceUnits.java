package io.poolbridge.estate;

import io.fabric8.kubernetes.api.model.Quantity;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.scheduler.Prices;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * Converts Kubernetes quantities to the allocator's base units and back: cpu in millicores,
 * memory, storage and hugepages in bytes, every other (extended) resource as a whole count.
 */
public final class ResourceUnits {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final long GIB = 1L << 30;

  private ResourceUnits() {}

  /**
   * Every quantity poolbridge reads is below this, 1P (10^15), whatever the resource: a cpu amount
   * is then below 10^18 millicores and a sum of nine of them still fits a {@code long}; memory is
   * below 10^15 bytes (about 909Ti). The CRDs' quantity pattern ({@code Rules.QUANTITY}) refuses the
   * same, give or take the binary suffixes (see there).
   */
  public static final BigDecimal LIMIT = BigDecimal.TEN.pow(15);

  /** How the limit is written in messages. */
  static final String LIMIT_TEXT = "1P, that is 10^15";

  /**
   * The value of a quantity as a number, refusing what poolbridge cannot hold without ever building
   * a huge number: {@code 1e999999999} is refused by its exponent.
   */
  static BigDecimal amount(String resource, Quantity quantity) {
    String text = quantity.toString();
    BigDecimal amount;
    try {
      java.util.regex.Matcher m = EXPONENT.matcher(text);
      if (m.matches()) {
        long exponent = new java.math.BigInteger(m.group(2)).max(java.math.BigInteger.valueOf(-1000))
            .min(java.math.BigInteger.valueOf(1000)).longValueExact();
        BigDecimal mantissa = new BigDecimal(m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1));
        if (mantissa.signum() != 0 && exponent > 40) {
          throw new IllegalArgumentException(text + " is more than poolbridge can hold (quantities must be below " + LIMIT_TEXT + ")");
        }
        // Far below any base unit: what is left is whether it is zero (rounding up makes it 1m or 1 byte).
        amount = exponent >= -40 ? mantissa.scaleByPowerOfTen((int) exponent)
            : mantissa.signum() == 0 ? BigDecimal.ZERO : new BigDecimal("1e-40");
      } else {
        amount = Quantity.getAmountInBytes(quantity);
      }
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().contains("poolbridge can hold")) {
        throw e;
      }
      throw new IllegalArgumentException("'" + text + "' is not a quantity for " + resource, e);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a quantity for " + resource, e);
    }
    if (amount.signum() < 0) {
      throw new IllegalArgumentException(resource + " must not be negative: " + text);
    }
    if (amount.compareTo(LIMIT) >= 0) {
      throw new IllegalArgumentException(text + " is more than poolbridge can hold (quantities must be below " + LIMIT_TEXT + ")");
    }
    return amount;
  }

  private static final java.util.regex.Pattern EXPONENT =
      java.util.regex.Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))[eE]([+-]?[0-9]+)");

  /**
   * Checks a quantity of {@code resource} as {@link #toBase} reads it; the message names the value
   * and what is wrong, never a base unit.
   */
  public static void check(String resource, Quantity quantity) {
    toBase(resource, quantity);
  }

  /** The amount of {@code quantity} of {@code resource} in base units; throws a message a user can act on. */
  public static long toBase(String resource, Quantity quantity) {
    BigDecimal amount = amount(resource, quantity);
    if (isCpu(resource)) {
      return amount.multiply(THOUSAND).setScale(0, RoundingMode.CEILING).longValueExact();
    }
    if (isBytes(resource)) {
      return amount.setScale(0, RoundingMode.CEILING).longValueExact();
    }
    if (amount.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException(resource + " is counted in whole units: " + quantity);
    }
    return amount.longValueExact();
  }

  /** A resource map of the API as a vector of {@code schema}; a resource the schema lacks is an error. */
  public static Resources toResources(ResourceSchema schema, Map<String, Quantity> quantities) {
    long[] v = new long[schema.size()];
    if (quantities != null) {
      quantities.forEach((name, q) -> {
        if (!schema.contains(name)) {
          throw new IllegalArgumentException("resource " + name + " is offered by no pool");
        }
        v[schema.indexOf(name)] = toBase(name, q);
      });
    }
    return Resources.ofArray(schema, v);
  }

  /** An amount in base units as a Kubernetes quantity, in the form a person reads best. */
  public static Quantity toQuantity(String resource, long base) {
    if (isCpu(resource)) {
      if (base % 1000 == 0) {
        return new Quantity(Long.toString(base / 1000));
      }
      return base < 1000 ? new Quantity(base + "m") : new Quantity(java.math.BigDecimal.valueOf(base, 3).stripTrailingZeros().toPlainString());
    }
    if (isBytes(resource)) {
      for (String suffix : new String[] {"Ti", "Gi", "Mi", "Ki"}) {
        long unit = switch (suffix) {
          case "Ti" -> GIB << 10;
          case "Gi" -> GIB;
          case "Mi" -> 1L << 20;
          default -> 1L << 10;
        };
        if (base != 0 && base % unit == 0) {
          return new Quantity(base / unit + suffix);
        }
      }
    }
    return new Quantity(Long.toString(base));
  }

  /** Amounts as Kubernetes quantities by resource name, zero amounts left out, in schema order. */
  public static Map<String, Quantity> toQuantities(Resources resources) {
    Map<String, Quantity> q = new java.util.LinkedHashMap<>();
    resources.asMap().forEach((name, amount) -> q.put(name, toQuantity(name, amount)));
    return q;
  }

  /** Amounts as a person reads them: {@code 4 cpu, 8Gi memory}. */
  public static String describe(Resources resources) {
    List<String> parts = new java.util.ArrayList<>();
    resources.asMap().forEach((name, amount) -> parts.add(format(name, amount) + " " + name));
    return String.join(", ", parts);
  }

  /** A human figure of an amount, e.g. {@code 12} cpus, {@code 96Gi}. */
  public static String format(String resource, long base) {
    return toQuantity(resource, base).toString();
  }

  static boolean isCpu(String resource) {
    return resource.equals("cpu");
  }

  static boolean isBytes(String resource) {
    return Prices.byteValued(resource);
  }
}
