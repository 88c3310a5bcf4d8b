package io.poolbridge.api.v1alpha1;

/**
 * Patterns and CEL building blocks shared by the schema annotations of the API model. They are
 * compile-time constants so that annotations can use them; each rule's user-facing message sits
 * next to the annotation that uses it.
 */
public final class Rules {
  private Rules() {}

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

  private static final String RESOURCE_NAME_RE =
      "'^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$'";

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

  /** CEL fragment: the resource-name regular expression, quoted for use in {@code matches}. */
  public static final String RESOURCE_NAME = RESOURCE_NAME_RE;
}
