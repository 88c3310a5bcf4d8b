package io.poolbridge.materialize;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What poolbridge changes on a Kubernetes Node, as pure functions from a Node to the edited copy
 * (the argument is never changed; the applier sends the difference as a JSON Patch guarded by the
 * Node's {@code resourceVersion}). Each is idempotent: applied to its own result it changes nothing,
 * so the applier writes nothing. Other taints and labels are kept as they are, in their order.
 *
 * <ul>
 *   <li>{@link #adopt}: the node joins a pool: taint {@code poolbridge.io/pool=<pool>:NoSchedule}, so
 *       that nothing the Kubernetes scheduler places lands on pooled capacity.
 *   <li>{@link #release}: the node leaves its pool: the pool taint (whatever its value) goes.
 *   <li>{@link #lease}: the node is lent whole to a KubernetesCluster framework: label {@code
 *       poolbridge.io/leased-to=<framework>}, and the pool taint swapped for {@code
 *       poolbridge.io/leased-to=<framework>:NoSchedule}.
 *   <li>{@link #unlease}: the lease ends: label and lease taint go, the pool taint comes back.
 * </ul>
 */
public final class NodeTaints {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private NodeTaints() {}

  /**
   * {@code node} tainted {@code poolbridge.io/pool=<pool>:NoSchedule} (a pool taint of another value
   * is replaced). Taint values are label values: a pool name longer than 63 characters is shortened
   * as {@link Keys#labelValue} does, and so is the toleration of the pool's Pods.
   */
  public static Node adopt(Node node, String pool) {
    Node n = copy(node);
    setTaint(n, Keys.POOL, Keys.labelValue(pool));
    return n;
  }

  /** {@code node} without the pool taint. */
  public static Node release(Node node) {
    Node n = copy(node);
    removeTaint(n, Keys.POOL);
    return n;
  }

  /** {@code node} leased to {@code framework}: the lease label, and the lease taint in place of the pool taint. */
  public static Node lease(Node node, String framework) {
    Node n = copy(node);
    Map<String, String> labels = new LinkedHashMap<>(n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels());
    labels.put(Keys.LEASED_TO, Keys.labelValue(framework));
    n.getMetadata().setLabels(labels);
    int at = index(n, Keys.POOL);
    removeTaint(n, Keys.POOL);
    setTaint(n, Keys.LEASED_TO, Keys.labelValue(framework), at);
    return n;
  }

  /** {@code node} back in {@code pool} after a lease: no lease label or taint, the pool taint back. */
  public static Node unlease(Node node, String pool) {
    Node n = copy(node);
    if (n.getMetadata().getLabels() != null && n.getMetadata().getLabels().containsKey(Keys.LEASED_TO)) {
      Map<String, String> labels = new LinkedHashMap<>(n.getMetadata().getLabels());
      labels.remove(Keys.LEASED_TO);
      n.getMetadata().setLabels(labels);
    }
    int at = index(n, Keys.LEASED_TO);
    removeTaint(n, Keys.LEASED_TO);
    setTaint(n, Keys.POOL, Keys.labelValue(pool), at);
    return n;
  }

  /** The taint {@code key=value:NoSchedule}. */
  public static Taint taint(String key, String value) {
    return new TaintBuilder().withKey(key).withValue(value).withEffect(Keys.NO_SCHEDULE).build();
  }

  private static Node copy(Node node) {
    Node n = SERIALIZATION.clone(node);
    if (n.getSpec() == null) {
      n.setSpec(new NodeSpec());
    }
    return n;
  }

  private static int index(Node n, String key) {
    List<Taint> taints = n.getSpec().getTaints();
    if (taints != null) {
      for (int i = 0; i < taints.size(); i++) {
        if (isOurs(taints.get(i), key)) {
          return i;
        }
      }
    }
    return -1;
  }

  private static void setTaint(Node n, String key, String value) {
    setTaint(n, key, value, -1);
  }

  /** Puts the taint at {@code at} (replacing one of the same key in place; at the end when {@code at} is -1). */
  private static void setTaint(Node n, String key, String value, int at) {
    List<Taint> taints = new ArrayList<>(n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints());
    Taint wanted = taint(key, value);
    int existing = -1;
    for (int i = 0; i < taints.size(); i++) {
      if (isOurs(taints.get(i), key)) {
        existing = i;
        break;
      }
    }
    if (existing >= 0) {
      Taint t = taints.get(existing);
      if (value.equals(t.getValue()) && t.getTimeAdded() == null) {
        return;
      }
      taints.set(existing, wanted);
    } else if (at >= 0 && at <= taints.size()) {
      taints.add(at, wanted);
    } else {
      taints.add(wanted);
    }
    n.getSpec().setTaints(taints);
  }

  private static void removeTaint(Node n, String key) {
    List<Taint> taints = n.getSpec().getTaints();
    if (taints == null || taints.stream().noneMatch(t -> isOurs(t, key))) {
      return;
    }
    List<Taint> kept = new ArrayList<>(taints);
    kept.removeIf(t -> isOurs(t, key));
    n.getSpec().setTaints(kept.isEmpty() ? null : kept);
  }

  private static boolean isOurs(Taint t, String key) {
    return key.equals(t.getKey()) && Keys.NO_SCHEDULE.equals(t.getEffect());
  }
}
