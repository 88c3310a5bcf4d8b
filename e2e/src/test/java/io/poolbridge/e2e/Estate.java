package io.poolbridge.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * What the E2E classes that run the operator share on the one k3s cluster of a test run: the CRDs,
 * applying manifests, and putting the cluster back as it was (no poolbridge objects, no poolbridge
 * taints or labels on the Nodes), so that the classes do not see each other's estates whatever
 * order they run in.
 */
final class Estate {

  /** The operator's namespace ({@code PoolbridgeOperator.Config.defaults()}): Events of pools go there. */
  static final String OPERATOR_NAMESPACE = "poolbridge-system";

  private static final String GROUP_VERSION = "poolbridge.io/v1alpha1";
  /** Deleted in this order: Workloads first, so that Frameworks and pools are no longer held by them. */
  private static final List<String> KINDS = List.of("Workload", "Framework", "ResourcePool");
  private static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private Estate() {}

  /** Installs (or updates) the committed CRDs and waits until the API server serves them. */
  static void installCrds(KubernetesClient client) {
    List<CustomResourceDefinition> crds = Manifests.yamlFiles(ProjectRoot.resolve("crds")).stream()
        .flatMap(file -> Manifests.read(file).stream())
        .map(doc -> client.getKubernetesSerialization().convertValue(doc.body(), CustomResourceDefinition.class))
        .toList();
    for (CustomResourceDefinition crd : crds) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(NonDeletingOperation::update);
    }
    for (CustomResourceDefinition crd : crds) {
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
              .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              60, TimeUnit.SECONDS);
    }
  }

  /** Creates the objects of a YAML string, or updates those that exist, in document order. */
  static void apply(KubernetesClient client, String yaml) {
    for (HasMetadata item : client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      if (item instanceof Namespace ns) {
        ensureNamespace(client, ns.getMetadata().getName(), ns.getMetadata().getLabels());
      } else {
        client.resource(item).createOr(NonDeletingOperation::update);
      }
    }
  }

  /** Applies every document of the given files, files in the order given. */
  static void apply(KubernetesClient client, List<Path> files) {
    for (Path file : files) {
      for (Manifests.Document doc : Manifests.read(file)) {
        if ("Namespace".equals(doc.kind()) && "v1".equals(doc.apiVersion())) {
          @SuppressWarnings("unchecked")
          Map<String, String> labels = (Map<String, String>) doc.metadata().get("labels");
          ensureNamespace(client, doc.name(), labels);
          continue;
        }
        GenericKubernetesResource resource =
            client.getKubernetesSerialization().convertValue(doc.body(), GenericKubernetesResource.class);
        client.resource(resource).createOr(NonDeletingOperation::update);
      }
    }
  }

  /**
   * The namespace, with those labels, once it is usable. A namespace an earlier class deleted may
   * still be terminating: it is waited out rather than failed on.
   */
  static void ensureNamespace(KubernetesClient client, String name, Map<String, String> labels) {
    await("namespace " + name + " usable").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      Namespace existing = client.namespaces().withName(name).get();
      if (existing == null) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels == null ? Map.of() : labels)
            .endMetadata().build()).create();
        return true;
      }
      if (existing.getMetadata().getDeletionTimestamp() != null) {
        return false;
      }
      if (labels != null && !labels.isEmpty()) {
        client.namespaces().withName(name).edit(ns -> {
          ns.getMetadata().setLabels(merged(ns.getMetadata().getLabels(), labels));
          return ns;
        });
      }
      return true;
    });
  }

  /** The one Node of the k3s container. */
  static Node onlyNode(KubernetesClient client) {
    List<Node> nodes = client.nodes().list().getItems();
    if (nodes.size() != 1) {
      throw new IllegalStateException("expected the one Node of a k3s container, found " + nodes.size());
    }
    return nodes.get(0);
  }

  /** Edits a Node from a fresh read, again after a conflict (the kubelet and the operator write Nodes too). */
  static void editNode(KubernetesClient client, String name, UnaryOperator<Node> change) {
    await("edit of Node " + name).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(() -> {
          client.nodes().withName(name).edit(change);
          return true;
        });
  }

  /** The taints of a Node whose key poolbridge owns, as {@code key=value:effect}. */
  static List<String> poolbridgeTaints(Node node) {
    List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    return taints.stream()
        .filter(t -> t.getKey() != null && t.getKey().startsWith("poolbridge.io/"))
        .map(t -> t.getKey() + "=" + t.getValue() + ":" + t.getEffect())
        .toList();
  }

  /**
   * Deletes every ResourcePool, Framework and Workload and waits until they are gone, the operator
   * (when one runs) removing its finalizers as a user would see it do. False when some are still
   * there after {@code within}.
   */
  static boolean deleteAll(KubernetesClient client, Duration within) {
    for (String kind : KINDS) {
      for (GenericKubernetesResource item : list(client, kind)) {
        ignoreNotFound(() -> client.resource(item).delete());
      }
    }
    try {
      await("poolbridge objects deleted").atMost(within).pollInterval(Duration.ofSeconds(1))
          .until(() -> KINDS.stream().allMatch(kind -> list(client, kind).isEmpty()));
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return false;
    }
  }

  /**
   * Puts the cluster back: every poolbridge object deleted (finalizers removed, as no operator may
   * be running to remove them), every object poolbridge made removed, no poolbridge taint or label
   * left on a Node.
   */
  static void reset(KubernetesClient client, String... nodeLabels) {
    for (String kind : KINDS) {
      for (GenericKubernetesResource item : list(client, kind)) {
        ignoreNotFound(() -> client.resource(item).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"finalizers\":null}}"));
        ignoreNotFound(() -> client.resource(item).delete());
      }
    }
    await("poolbridge objects gone").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
        .until(() -> KINDS.stream().allMatch(kind -> list(client, kind).isEmpty()));
    client.pods().inAnyNamespace().withLabel(MANAGED_BY, "poolbridge").list().getItems()
        .forEach(pod -> ignoreNotFound(() -> client.resource(pod).withGracePeriod(0).delete()));
    client.services().inAnyNamespace().withLabel(MANAGED_BY, "poolbridge").list().getItems()
        .forEach(svc -> ignoreNotFound(() -> client.resource(svc).delete()));
    client.discovery().v1().endpointSlices().inAnyNamespace().withLabel("endpointslice.kubernetes.io/managed-by", "poolbridge.io")
        .list().getItems()
        .forEach(slice -> ignoreNotFound(() -> client.resource(slice).delete()));
    for (Node node : client.nodes().list().getItems()) {
      boolean tainted = !poolbridgeTaints(node).isEmpty();
      Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
      boolean labelled = labels.keySet().stream().anyMatch(k -> k.startsWith("poolbridge.io/") || List.of(nodeLabels).contains(k));
      if (tainted || labelled) {
        editNode(client, node.getMetadata().getName(), n -> {
          if (n.getSpec().getTaints() != null) {
            n.getSpec().setTaints(new ArrayList<>(n.getSpec().getTaints().stream()
                .filter(t -> t.getKey() == null || !t.getKey().startsWith("poolbridge.io/"))
                .toList()));
          }
          if (n.getMetadata().getLabels() != null) {
            Map<String, String> kept = new HashMap<>(n.getMetadata().getLabels());
            kept.keySet().removeIf(k -> k.startsWith("poolbridge.io/") || List.of(nodeLabels).contains(k));
            n.getMetadata().setLabels(kept);
          }
          return n;
        });
      }
    }
  }

  /** The objects of a poolbridge kind; none while its CRD is not installed (a fresh cluster). */
  private static List<GenericKubernetesResource> list(KubernetesClient client, String kind) {
    String crd = kind.toLowerCase(java.util.Locale.ROOT) + "s.poolbridge.io";
    if (client.apiextensions().v1().customResourceDefinitions().withName(crd).get() == null) {
      return List.of();
    }
    return client.genericKubernetesResources(GROUP_VERSION, kind).inAnyNamespace().list().getItems();
  }

  private static void ignoreNotFound(Runnable call) {
    try {
      call.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private static Map<String, String> merged(Map<String, String> base, Map<String, String> extra) {
    Map<String, String> all = new HashMap<>(base == null ? Map.of() : base);
    all.putAll(extra);
    return all;
  }
}
