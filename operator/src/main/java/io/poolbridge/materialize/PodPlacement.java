package io.poolbridge.materialize;

import io.fabric8.kubernetes.api.model.Quantity;
import io.poolbridge.estate.ResourceUnits;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One committed placement of an instance on a Kubernetes node: what its Pod is made from.
 *
 * @param instanceId the instance's cluster-wide id, {@code <namespace>/<workload>-<ordinal>}
 *     ({@code Workloads.instanceIds}); the Pod is named after the part after the slash
 * @param node the Kubernetes Node's name
 * @param pool the pool the node belongs to (its taint is tolerated)
 * @param resources the allocation, as the Workload's status records it
 * @param revocable whether the instance runs on revocable (borrowed) capacity
 * @param framework the Framework the instance runs through
 * @param leasedTo the framework the node is leased to, when the instance runs on a leased node; else {@code null}
 * @param attempt the instance's restarts when it was placed ({@code status.instances[].restarts}): a
 *     Pod of an earlier attempt (its run ended) is replaced, never adopted
 * @param run for a scheduled Job, when the run the Pod belongs to started ({@code status.job.startTime});
 *     else {@code null}: a Pod of an earlier run is replaced, never adopted
 * @param revision the Service's revision the instance is placed at ({@code status.instances[].revision}),
 *     written on the Pod ({@link Keys#REVISION}) for people to read; or {@code null}. Not part of
 *     {@link #record}: a rollout replaces a Pod by its attempt, and Pods made before revisions
 *     were recorded are adopted
 */
public record PodPlacement(
    String instanceId, String node, String pool, Map<String, Quantity> resources, boolean revocable, String framework,
    String leasedTo, int attempt, String run, String revision) {
  /** A placement without a revision. */
  public PodPlacement(
      String instanceId, String node, String pool, Map<String, Quantity> resources, boolean revocable, String framework,
      String leasedTo, int attempt, String run) {
    this(instanceId, node, pool, resources, revocable, framework, leasedTo, attempt, run, null);
  }

  /** A first attempt. */
  public PodPlacement(
      String instanceId, String node, String pool, Map<String, Quantity> resources, boolean revocable, String framework,
      String leasedTo) {
    this(instanceId, node, pool, resources, revocable, framework, leasedTo, 0, null, null);
  }

  public PodPlacement {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(framework, "framework");
    resources = resources == null ? Map.of() : Map.copyOf(resources);
  }

  /** The Pod's name: the instance's name within its namespace, {@code web-0}. */
  public String podName() {
    return instanceId.substring(instanceId.indexOf('/') + 1);
  }

  /**
   * The placement as recorded on the Pod ({@link Keys#PLACEMENT}): pool, node and the allocation in
   * resource-name order, e.g. {@code pool=aws,node=ip-10-0-1-7,cpu=2,memory=8Gi}. A Pod whose record
   * differs was made for another placement. Amounts are written in one form ({@code 2000m} as {@code 2},
   * {@code 8192Mi} as {@code 8Gi}), so the same allocation read back from the status matches. After
   * a restart, {@code ,attempt=<n>} ends it.
   */
  public String record() {
    StringBuilder s = new StringBuilder("pool=").append(pool).append(",node=").append(node);
    new TreeMap<>(resources).forEach((name, q) -> s.append(',').append(name).append('=').append(canonical(name, q)));
    if (run != null) {
      s.append(RUN).append(run);
    }
    if (attempt > 0) {
      s.append(ATTEMPT).append(attempt);
    }
    return s.toString();
  }

  private static final String RUN = ",run=";

  /** The run a Pod's placement record ({@link #record}) names, or {@code null}. */
  public static String runOf(String record) {
    if (record == null) {
      return null;
    }
    int at = record.indexOf(RUN);
    if (at < 0) {
      return null;
    }
    int end = record.indexOf(',', at + RUN.length());
    return record.substring(at + RUN.length(), end < 0 ? record.length() : end);
  }

  private static final String ATTEMPT = ",attempt=";

  /** The attempt a Pod's placement record ({@link #record}) names: 0 when it names none, -1 when there is no record. */
  public static int attemptOf(String record) {
    if (record == null) {
      return -1;
    }
    int at = record.lastIndexOf(ATTEMPT);
    if (at < 0) {
      return 0;
    }
    try {
      return Integer.parseInt(record.substring(at + ATTEMPT.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code 2000m} and {@code 2} are one amount: the record holds the form the status writes. */
  private static String canonical(String resource, Quantity q) {
    try {
      return ResourceUnits.toQuantity(resource, ResourceUnits.toBase(resource, q)).toString();
    } catch (IllegalArgumentException e) {
      return q.toString();
    }
  }
}
