package io.poolbridge.scheduler;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How prices in several currencies are compared: a base currency and, for each other currency, how
 * much of the base one unit of it is worth ({@code EUR=1.08}: 1 EUR = 1.08 of the base). Rates are
 * given by the operator, never looked up: a currency without a rate cannot be compared, and while
 * a pool is priced in one, placement compares no price at all (see {@link Prices}).
 *
 * <p>{@link #NONE} gives no base: then prices are compared only when every priced pool uses the
 * same currency, which becomes the base.
 */
public final class ExchangeRates {
  /** No base currency and no rates. */
  public static final ExchangeRates NONE = new ExchangeRates(null, Map.of());

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");

  private final String base;
  private final Map<String, BigDecimal> rates;

  private ExchangeRates(String base, Map<String, BigDecimal> rates) {
    this.base = base;
    this.rates = rates;
  }

  /**
   * Rates to {@code base}: {@code rates.get(c)} of the base buy one {@code c}. Currencies are ISO
   * 4217 codes (three capital letters), rates positive; the base needs no rate.
   *
   * @throws IllegalArgumentException with a message a user can act on
   */
  public static ExchangeRates of(String base, Map<String, BigDecimal> rates) {
    if (base == null || !CURRENCY.matcher(base).matches()) {
      throw new IllegalArgumentException(
          "the base currency must be an ISO 4217 code of three capital letters, e.g. USD; got " + base);
    }
    Map<String, BigDecimal> copy = new TreeMap<>();
    rates.forEach((currency, rate) -> {
      if (!CURRENCY.matcher(currency).matches()) {
        throw new IllegalArgumentException(
            "a currency must be an ISO 4217 code of three capital letters, e.g. EUR; got " + currency);
      }
      if (currency.equals(base)) {
        throw new IllegalArgumentException(currency + " is the base currency: it takes no exchange rate");
      }
      double d = rate.doubleValue();
      if (rate.signum() <= 0 || !(d > 0) || d > 1e9 || d < 1e-9) {
        throw new IllegalArgumentException(
            "the exchange rate of " + currency + " must be between 0.000000001 and 1000000000; got " + rate.toPlainString());
      }
      copy.put(currency, rate);
    });
    return new ExchangeRates(base, Collections.unmodifiableMap(copy));
  }

  /**
   * Rates to {@code base} written as {@code CUR=RATE} (e.g. {@code EUR=1.08}, 1 EUR = 1.08 of the
   * base), the form of {@code simulate --exchange-rate} and of the operator's configuration.
   *
   * @throws IllegalArgumentException with a message a user can act on
   */
  public static ExchangeRates parse(String base, List<String> settings) {
    Map<String, BigDecimal> rates = new TreeMap<>();
    for (String setting : settings) {
      int eq = setting.indexOf('=');
      String rate = eq < 0 ? "" : setting.substring(eq + 1).trim();
      if (eq < 0 || !DECIMAL.matcher(rate).matches()) {
        throw new IllegalArgumentException(
            "an exchange rate is CURRENCY=RATE, the base currency one unit of CURRENCY is worth, e.g. EUR=1.08; got " + setting);
      }
      String currency = setting.substring(0, eq).trim();
      if (rates.put(currency, new BigDecimal(rate)) != null) {
        throw new IllegalArgumentException("two exchange rates for " + currency);
      }
    }
    return of(base, rates);
  }

  /** The currency prices are compared in, or {@code null} when none was given. */
  public String base() {
    return base;
  }

  /** The rates, by currency. */
  public Map<String, BigDecimal> rates() {
    return rates;
  }

  /** How much of the base one unit of {@code currency} is worth, or {@code null} when unknown. */
  BigDecimal toBase(String currency) {
    if (base == null) {
      return null;
    }
    return currency.equals(base) ? BigDecimal.ONE : rates.get(currency);
  }

  @Override
  public String toString() {
    return base == null ? "no base currency" : "base " + base + ", rates " + rates;
  }
}
