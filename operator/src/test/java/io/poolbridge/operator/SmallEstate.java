package io.poolbridge.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the operator tests that build a small estate by hand share: manifests applied as {@code
 * kubectl create} would, the tenant namespace {@code team-a} and the operator's, and Kubernetes
 * Nodes of a pool that selects {@code pool=<name>}.
 */
final class SmallEstate {
  private SmallEstate() {}

  /** The tenant namespace {@code team-a} and the operator's namespace, as manifests. */
  static final String NAMESPACES = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: team-a}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: poolbridge-system}
      """;

  /** The pool {@code k8s} of this cluster's Nodes labelled {@code pool=k8s} (see {@link #node}). */
  static final String K8S_POOL = """
      apiVersion: poolbridge.io/v1alpha1
      kind: ResourcePool
      metadata: {name: k8s}
      spec:
        provider: aws
        region: r1
        source:
          kubernetes:
            nodeSelector: {matchLabels: {pool: k8s}}
      """;

  /** The External Framework {@code web} (role {@code web}) that admits namespace {@code team-a}. */
  static final String WEB_FRAMEWORK = """
      apiVersion: poolbridge.io/v1alpha1
      kind: Framework
      metadata: {name: web}
      spec:
        type: External
        role: web
        namespaces: {names: [team-a]}
      """;

  /** Creates every document of {@code yaml}. */
  static void apply(KubernetesClient client, String yaml) {
    for (HasMetadata item : client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      client.resource(item).create();
    }
  }

  /** A Ready Node labelled {@code pool=<pool>} with 4 cpu and 16Gi allocatable. */
  static Node node(String name, String pool) {
    return new NodeBuilder().withNewMetadata().withName(name).addToLabels("pool", pool).endMetadata()
        .withNewStatus().withAllocatable(Map.of("cpu", new Quantity("4"), "memory", new Quantity("16Gi")))
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
  }

  /** The Workload {@code name} of namespace {@code team-a}, or null. */
  static io.poolbridge.api.v1alpha1.Workload workload(KubernetesClient client, String name) {
    return client.resources(io.poolbridge.api.v1alpha1.Workload.class).inNamespace("team-a").withName(name).get();
  }

  /** The status entry of instance {@code id} of Workload {@code workload} (namespace {@code team-a}), or null. */
  static io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus instance(KubernetesClient client, String workload, String id) {
    io.poolbridge.api.v1alpha1.Workload w = workload(client, workload);
    if (w == null || w.getStatus() == null || w.getStatus().instances() == null) {
      return null;
    }
    return w.getStatus().instances().stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
  }
}
