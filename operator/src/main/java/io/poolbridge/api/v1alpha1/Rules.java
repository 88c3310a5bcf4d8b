package io.poolbridge.api.v1alpha1;

/**
 * Patterns and CEL building blocks shared by the schema annotations of the API model. They are
 * compile-time constants so that annotations can use them; each rule's user-facing message sits
 * next to the annotation that uses it.
 */
public final class Rules {
  private Rules() {}

  /**
   * The longest label value Kubernetes accepts. Names the operator writes into labels and taints
   * (a pool's name in the taint {@code poolbridge.io/pool=<pool>}, a framework's in the label
   * {@code poolbridge.io/leased-to=<framework>}, an instance's id in {@code
   * poolbridge.io/instance=<id>}) must fit in one, so the CRDs bound those names to it.
   */
  public static final int MAX_LABEL_VALUE = 63;

  /** The longest resource name a spec may use (status records repeat resource names per instance). */
  public static final int MAX_RESOURCE_NAME = 63;

  /** Message for a resource map with a key longer than {@link #MAX_RESOURCE_NAME}. */
  /** A rollout that could replace nothing: Kubernetes Deployment refuses it too. */
  public static final String MSG_ROLLOUT_BOTH_ZERO =
      "maxUnavailable and maxSurge cannot both be 0: the rollout could replace no instance";
  /** An instance count or a percentage of instances, in the string form of an int-or-string. */
  public static final String COUNT_OR_PERCENT = "^[0-9]{1,9}%?$";
  public static final String MSG_RESOURCE_NAME_LENGTH = "resource names must be at most " + MAX_RESOURCE_NAME + " characters";

  /** A DNS-1123 label: lower-case alphanumerics and '-', at most 63 characters. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

  /** A DNS-1123 subdomain (object names): labels joined by '.', at most 253 characters. */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A hierarchical role path: DNS-1123 labels joined by '/', e.g. {@code eng/analytics}. */
  public static final String ROLE_PATH =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(/[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A Go duration as Kubernetes and Mesos write them: {@code 90s}, {@code 1h30m}, {@code 2h}. */
  public static final String DURATION = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

  /**
   * A decimal price such as {@code 0.021}. Used inside a CEL string literal, where a backslash
   * escape such as {@code \.} is a syntax error: the dot is matched with a character class.
   */
  public static final String DECIMAL = "^[0-9]+([.][0-9]+)?$";

  /** An attribute key: a Kubernetes label key ({@code zone}, {@code topology.kubernetes.io/zone}). */
  public static final String ATTRIBUTE_KEY =
      "^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$";

  /**
   * A cron schedule: five fields, or one of the {@code @hourly}-style macros that Kubernetes
   * CronJobs accept.
   */
  public static final String CRON =
      "^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\\S+\\s+){4}\\S+)$";

  /**
   * A Kubernetes resource name: lower case without a prefix ({@code cpu}, {@code ephemeral-storage}),
   * {@code hugepages-<size>} ({@code hugepages-2Mi}), or a qualified name with a DNS prefix, whose
   * name part may hold upper case ({@code example.com/fastDisk}), as the API server accepts them
   * in a Pod's resources.
   */
  private static final String RESOURCE_NAME_RE =
      "'^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?|hugepages-[0-9]+([KMGTPE]i|[kMGTPE])?|[a-z0-9]([-a-z0-9_.]*[a-z0-9])?)$'";

  /** Message for a resource map whose keys are not resource names. */
  public static final String MSG_RESOURCE_NAMES =
      "resource names must look like cpu, memory, ephemeral-storage or nvidia.com/gpu";

  /**
   * A non-negative Kubernetes quantity written as a string ({@code 500m}, {@code 4Gi}, {@code 1.5},
   * {@code 1e3}): the grammar of Kubernetes' quantity parser without a minus sign. {@code
   * io.poolbridge.tools.CrdFinisher} puts it, with {@code minimum: 0} for amounts written as
   * integers, on every quantity of a spec: the CRD generator cannot annotate an int-or-string map
   * value, and a CEL rule parsing every amount would exceed the API server's cost budget (each
   * {@code quantity()} of an int-or-string value is estimated as parsing a 3 MiB string).
   */
  public static final String QUANTITY =
      "^\\+?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$";

  /**
   * {@link #QUANTITY} bounded as poolbridge bounds quantities: below 1P (10^15), whatever the
   * resource (a cpu amount is then below 10^18 millicores, which a {@code long} holds nine times
   * over). Each alternative allows a mantissa of at most so many significant integer digits for its
   * suffix (15 without one, 12 with k or Ki, 0 with P or Pi: {@code 0.5P}, ...), so decimal
   * notations are bounded exactly and binary ones a little above (up to 10^12 Ki, 1000Ti, 1Pi, which
   * the operator and {@code simulate} then refuse by value). An exponent has one digit
   * ({@code 1e3}, not {@code 1e10}: write {@code 10G}), which keeps the language regular. The
   * integer form has {@code maximum: 999999999999999}.
   */
  public static final String BOUNDED_QUANTITY = boundedQuantity();

  /** The largest quantity written as an integer (below 10^15). */
  public static final double MAX_INTEGER_QUANTITY = 999_999_999_999_999d;

  private static String boundedQuantity() {
    // suffix alternatives by the most significant integer digits their mantissa may have
    java.util.Map<Integer, java.util.List<String>> byDigits = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
    java.util.function.BiConsumer<Integer, String> add = (q, suffix) -> byDigits.computeIfAbsent(q, k -> new java.util.ArrayList<>()).add(suffix);
    String[] decimal = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    for (int i = 0; i < decimal.length; i++) {
      add.accept(15 - (3 * i - 9), decimal[i]);
    }
    String[] binary = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    for (int i = 0; i < binary.length; i++) {
      add.accept(12 - 3 * i, binary[i]);
    }
    for (int x = -9; x <= 9; x++) {
      add.accept(15 - x, x < 0 ? "[eE]-" + (-x) : x == 0 ? "[eE][+-]?0" : "[eE]\\+?" + x);
    }
    StringBuilder sb = new StringBuilder("^\\+?(");
    byDigits.forEach((q, suffixes) -> {
      if (sb.charAt(sb.length() - 1) != '(') {
        sb.append('|');
      }
      String mantissa;
      if (q >= 1) {
        mantissa = "0*([0-9]{1," + q + "}(\\.[0-9]*)?|\\.[0-9]+)";
      } else if (q == 0) {
        mantissa = "(0+(\\.[0-9]*)?|0*\\.[0-9]+)";
      } else {
        int z = -q;
        mantissa = "(0+(\\.0{0," + (z - 1) + "})?|0*\\.0{1," + (z - 1) + "}|0*\\.0{" + z + "}[0-9]*)";
      }
      String alternatives = suffixes.size() == 1 && suffixes.get(0).isEmpty() ? "" : "(" + String.join("|", suffixes) + ")";
      if (suffixes.contains("")) {
        alternatives = "(" + String.join("|", suffixes.stream().filter(x -> !x.isEmpty()).toList()) + ")?";
      }
      sb.append(mantissa).append(alternatives);
    });
    return sb.append(")$").toString();
  }

  /** CEL fragment: the resource-name regular expression, quoted for use in {@code matches}. */
  public static final String RESOURCE_NAME = RESOURCE_NAME_RE;
}
