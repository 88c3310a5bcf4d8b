package io.poolbridge.validation;

import java.math.BigDecimal;
import java.util.Map;

/**
 * A resource quantity as the Kubernetes API server parses it ({@code resource.ParseQuantity} in
 * k8s.io/apimachinery): the same accepted strings, the same error messages, the exact value. It backs
 * the {@code quantity()} and {@code isQuantity()} CEL functions of {@link KubernetesCel}.
 *
 * <p>The grammar is the one the Go parser implements, quirks included: {@code 1.5Gi}, {@code 500m},
 * {@code 1e3}, {@code .5} and {@code 5.} are quantities, and so (the parser lets them through) are a
 * lone sign or a bare suffix such as {@code m}, which mean zero. The loose regular expression quoted
 * in the error message ({@link #FORMAT_ERROR}) is not what the parser enforces.
 */
record KubernetesQuantity(BigDecimal value) implements Comparable<KubernetesQuantity> {

  static final String FORMAT_ERROR =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  static final String NUMERIC_ERROR = "unable to parse numeric part of quantity";
  static final String SUFFIX_ERROR = "unable to parse quantity's suffix";

  private static final Map<String, Integer> DECIMAL_SUFFIXES =
      Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
  private static final Map<String, Integer> BINARY_SUFFIXES =
      Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);

  /** Thrown with the message the API server's parser returns. */
  static final class InvalidQuantityException extends IllegalArgumentException {
    InvalidQuantityException(String message) {
      super(message);
    }
  }

  static boolean isQuantity(String text) {
    try {
      parse(text);
      return true;
    } catch (InvalidQuantityException e) {
      return false;
    }
  }

  static KubernetesQuantity of(long value) {
    return new KubernetesQuantity(BigDecimal.valueOf(value));
  }

  /** Parses {@code text} as {@code resource.ParseQuantity} does. */
  static KubernetesQuantity parse(String text) {
    if (text.isEmpty()) {
      throw new InvalidQuantityException(FORMAT_ERROR);
    }
    int end = text.length();
    int pos = 0;
    boolean negative = false;
    if (text.charAt(0) == '-' || text.charAt(0) == '+') {
      negative = text.charAt(0) == '-';
      pos++;
    }
    while (pos < end && text.charAt(pos) == '0') {
      pos++;
    }
    if (pos >= end) {
      return new KubernetesQuantity(BigDecimal.ZERO);
    }
    int numStart = pos;
    pos = skipDigits(text, pos);
    String num = text.substring(numStart, pos);
    if (pos >= end) {
      return new KubernetesQuantity(decimal(negative, num, "", 0));
    }
    String denom = "";
    if (text.charAt(pos) == '.') {
      int denomStart = ++pos;
      pos = skipDigits(text, pos);
      denom = text.substring(denomStart, pos);
    }
    int suffixStart = pos;
    while (pos < end && "eEinumkKMGTP".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    if (pos < end && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
      pos++;
    }
    if (skipDigits(text, pos) < end) {
      throw new InvalidQuantityException(FORMAT_ERROR);
    }
    String suffix = text.substring(suffixStart);
    if (DECIMAL_SUFFIXES.containsKey(suffix)) {
      return new KubernetesQuantity(decimal(negative, num, denom, DECIMAL_SUFFIXES.get(suffix)));
    }
    if (BINARY_SUFFIXES.containsKey(suffix)) {
      BigDecimal mantissa = decimal(negative, num, denom, 0);
      return new KubernetesQuantity(mantissa.multiply(new BigDecimal(BigDecimal.ONE.toBigInteger().shiftLeft(BINARY_SUFFIXES.get(suffix)))));
    }
    if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
      try {
        return new KubernetesQuantity(decimal(negative, num, denom, Integer.parseInt(suffix.substring(1))));
      } catch (NumberFormatException e) {
        throw new InvalidQuantityException(SUFFIX_ERROR);
      }
    }
    throw new InvalidQuantityException(SUFFIX_ERROR);
  }

  private static int skipDigits(String text, int pos) {
    while (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 128) {
      pos++;
    }
    return pos;
  }

  private static BigDecimal decimal(boolean negative, String num, String denom, int exponent) {
    String digits = (num.isEmpty() ? "0" : num) + (denom.isEmpty() ? "" : "." + denom);
    try {
      BigDecimal value = new BigDecimal(digits).scaleByPowerOfTen(exponent);
      return negative ? value.negate() : value;
    } catch (NumberFormatException e) {
      throw new InvalidQuantityException(NUMERIC_ERROR);
    }
  }

  /** {@code sign()} of the Kubernetes CEL library: -1, 0 or 1. */
  long sign() {
    return value.signum();
  }

  KubernetesQuantity add(KubernetesQuantity other) {
    return new KubernetesQuantity(value.add(other.value));
  }

  @Override
  public int compareTo(KubernetesQuantity other) {
    return value.compareTo(other.value);
  }
}
