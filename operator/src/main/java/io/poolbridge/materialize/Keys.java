package io.poolbridge.materialize;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The label, annotation and taint keys poolbridge writes, and label values made safe. */
public final class Keys {
  private Keys() {}

  /** Taint on a node adopted by a pool, and the toleration of that pool's Pods: {@code poolbridge.io/pool=<pool>:NoSchedule}. */
  public static final String POOL = "poolbridge.io/pool";
  /** Label and taint of a node leased to a framework: {@code poolbridge.io/leased-to=<framework>}. */
  public static final String LEASED_TO = "poolbridge.io/leased-to";
  /** Name of the owning Workload (as a label value, see {@link #labelValue}). */
  public static final String WORKLOAD = "poolbridge.io/workload";
  /** Namespace of the owning Workload (in a remote cluster, where no owner reference can point to it). */
  public static final String WORKLOAD_NAMESPACE = "poolbridge.io/workload-namespace";
  /** UID of the owning Workload: a Pod whose uid label names no live Workload is garbage. */
  public static final String WORKLOAD_UID = "poolbridge.io/workload-uid";
  /** The instance (its name within the namespace, e.g. {@code web-0}). */
  public static final String INSTANCE = "poolbridge.io/instance";
  /** The Framework the instance runs through. */
  public static final String FRAMEWORK = "poolbridge.io/framework";
  /** Annotation with the owning Workload as {@code <namespace>/<name>}, never shortened. */
  public static final String OWNER = "poolbridge.io/owner";
  /** Annotation recording the placement a Pod was made for: {@code pool=<pool>,node=<node>,<resource>=<quantity>...}. */
  public static final String PLACEMENT = "poolbridge.io/placement";
  /** Annotation of a Service's Pod: the revision (hash of template and resources) it was made at. */
  public static final String REVISION = "poolbridge.io/revision";
  /** {@code app.kubernetes.io/managed-by}, always {@value #MANAGER}. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "poolbridge";
  /** EndpointSlice manager label; slices of a selector-less Service are left alone by kube-controller-manager. */
  public static final String SLICE_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  public static final String SLICE_MANAGER = "poolbridge.io";
  public static final String SERVICE_NAME = "kubernetes.io/service-name";
  public static final String NO_SCHEDULE = "NoSchedule";

  private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");

  /**
   * {@code value} as a label value: itself when valid (at most 63 characters), else its first
   * characters and a hash of the whole, so that different long names stay different.
   */
  public static String labelValue(String value) {
    if (value.length() <= 63 && LABEL_VALUE.matcher(value).matches()) {
      return value;
    }
    String hash = sha256(value).substring(0, 10);
    String prefix = value.replaceAll("[^-A-Za-z0-9_.]", "-");
    prefix = prefix.substring(0, Math.min(prefix.length(), 52)).replaceAll("^[^A-Za-z0-9]+", "");
    return prefix.isEmpty() ? hash : prefix + "-" + hash;
  }

  static String sha256(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
