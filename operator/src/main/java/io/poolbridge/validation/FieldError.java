package io.poolbridge.validation;

import java.math.BigDecimal;

/**
 * One field error as k8s.io/apimachinery's {@code field.Error} renders it ({@code Error()}: the
 * path, then the body), for a given Kubernetes minor version where the rendering changed:
 *
 * <ul>
 *   <li>"Too long" says {@code may not be longer than N} up to 1.31, {@code may not be more than N
 *       bytes} from 1.32 ({@code byte} for one from 1.34);
 *   <li>a null value renders as {@code "null"} up to 1.33 and as {@code null} from 1.34 (values are
 *       JSON-encoded from then on; strings, numbers and booleans look the same);
 *   <li>a failed CEL rule on an object shows {@code Invalid value: "object"} up to 1.34; from 1.35 the
 *       value is omitted.
 * </ul>
 *
 * @param path the field path, {@code null} for an error without one (rendered {@code <nil>})
 * @param value the bad value: a String, Long, Double, Boolean, {@code null}, or {@link #OMIT}
 * @param celObjectRule whether this is a failed CEL rule whose value is the schema type
 */
record FieldError(Type type, String path, Object value, String detail, boolean celObjectRule) {

  /** Kubernetes minor version whose rendering {@link #toString()} uses. */
  static final int DEFAULT_MINOR = 31;

  /** Marks a value that is not shown ({@code field.OmitValueType}). */
  static final Object OMIT = new Object() {
    @Override
    public String toString() {
      return "<omitted>";
    }
  };

  enum Type {
    REQUIRED("Required value"),
    INVALID("Invalid value"),
    TYPE_INVALID("Invalid value"),
    NOT_SUPPORTED("Unsupported value"),
    TOO_LONG("Too long"),
    TOO_MANY("Too many"),
    DUPLICATE("Duplicate value"),
    FORBIDDEN("Forbidden");

    final String text;

    Type(String text) {
      this.text = text;
    }
  }

  static FieldError required(String path, String detail) {
    return new FieldError(Type.REQUIRED, path, "", detail, false);
  }

  static FieldError invalid(String path, Object value, String detail) {
    return new FieldError(Type.INVALID, path, value, detail, false);
  }

  static FieldError typeInvalid(String path, Object value, String detail) {
    return new FieldError(Type.TYPE_INVALID, path, value, detail, false);
  }

  static FieldError tooMany(String path, long actual, long max) {
    return new FieldError(Type.TOO_MANY, path, actual, "must have at most " + max + " items", false);
  }

  /** A max length failure; its detail depends on the version, see {@link #render(int)}. */
  static FieldError tooLong(String path, long maxLength) {
    return new FieldError(Type.TOO_LONG, path, OMIT, Long.toString(maxLength), false);
  }

  static FieldError notSupported(String path, Object value, java.util.List<String> supported) {
    String detail = supported.isEmpty()
        ? ""
        : "supported values: " + String.join(", ", supported.stream().map(FieldError::goQuote).toList());
    return new FieldError(Type.NOT_SUPPORTED, path, value, detail, false);
  }

  /** A failed CEL rule at a schema node of type {@code schemaType}. */
  static FieldError celRule(String path, String schemaType, String detail) {
    return new FieldError(Type.INVALID, path, schemaType, detail, "object".equals(schemaType) || "array".equals(schemaType));
  }

  /** Whether this error makes the API server skip the CEL rules ({@code hasBlockingErr}). */
  boolean blocksCel() {
    return type == Type.NOT_SUPPORTED || type == Type.REQUIRED || type == Type.TOO_LONG
        || type == Type.TOO_MANY || type == Type.TYPE_INVALID;
  }

  @Override
  public String toString() {
    return render(DEFAULT_MINOR);
  }

  /** {@code field.Error.Error()} as Kubernetes 1.{@code minor} renders it. */
  String render(int minor) {
    return (path == null ? "<nil>" : path) + ": " + body(minor);
  }

  private String body(int minor) {
    String detail = this.detail;
    String s;
    switch (type) {
      case REQUIRED, FORBIDDEN -> s = type.text;
      case TOO_LONG -> {
        s = type.text;
        long max = Long.parseLong(detail);
        detail = minor <= 31
            ? "may not be longer than " + max
            : "may not be more than " + max + (minor >= 34 && max == 1 ? " byte" : " bytes");
      }
      default -> {
        Object shown = celObjectRule && minor >= 35 ? OMIT : value;
        s = shown == OMIT ? type.text : type.text + ": " + formatValue(shown, minor);
      }
    }
    return detail.isEmpty() ? s : s + ": " + detail;
  }

  private static String formatValue(Object value, int minor) {
    if (value == null) {
      return minor >= 34 ? "null" : "\"null\"";
    }
    if (value instanceof String s) {
      return goQuote(s);
    }
    if (value instanceof Double d) {
      return goFloat(d);
    }
    return value.toString();
  }

  /** Go's {@code %q} for the strings we meet: double quotes, backslash escapes. */
  static String goQuote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /**
   * Go's {@code %v} for a float64: the shortest representation, in exponent form ({@code 1e+09})
   * when the decimal exponent is below -4 or at least 6.
   */
  static String goFloat(double d) {
    if (d == 0) {
      return "0";
    }
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int exp = digits.length() - bd.scale() - 1;
    String sign = d < 0 ? "-" : "";
    if (exp < -4 || exp >= 6) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String e = String.format("%02d", Math.abs(exp));
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + e;
    }
    return sign + bd.toPlainString();
  }
}
