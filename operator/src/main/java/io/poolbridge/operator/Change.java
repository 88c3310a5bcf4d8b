package io.poolbridge.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Something in the cluster changed that allocation may have to follow: a kind and a key. */
public record Change(Kind kind, String key) {
  public enum Kind {
    POOL,
    FRAMEWORK,
    WORKLOAD,
    NODE,
    NAMESPACE,
    /** A Pod the operator made changed (its phase, readiness, containers) or went: the key is its Workload's. */
    POD
  }

  static Change of(Kind kind, HasMetadata object) {
    String ns = object.getMetadata().getNamespace();
    return new Change(kind, ns == null ? object.getMetadata().getName() : ns + "/" + object.getMetadata().getName());
  }
}
