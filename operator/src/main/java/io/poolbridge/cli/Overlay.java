package io.poolbridge.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.EstateLoader.Input;
import io.poolbridge.estate.EstateLoader.Loaded;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live estate with a change applied as {@code kubectl apply -f change} then {@code kubectl
 * delete -f deleted} would leave it: an object of the change replaces the live one of the same
 * kind, namespace and name, or is added; an object of the deletions removes the live one of that
 * kind, namespace and name (a deleted Namespace takes its Workloads with it). Namespaced objects
 * without a namespace go to {@code defaultNamespace}, as kubectl sends them.
 */
final class Overlay {
  private Overlay() {}

  /** The estate after the change, and what the deletions named that the cluster does not have. */
  record Result(Input input, List<String> notes) {}

  static Result apply(Input live, Input change, Input deletions, String defaultNamespace) {
    List<String> notes = new ArrayList<>();
    Map<String, Loaded<ResourcePool>> pools = byName(live.pools());
    Map<String, Loaded<Framework>> frameworks = byName(live.frameworks());
    Map<String, Loaded<Workload>> workloads = byName(live.workloads());
    Map<String, Loaded<Node>> nodes = byName(live.nodes());
    Map<String, Map<String, String>> namespaces = new TreeMap<>(live.namespaceLabels());
    if (change != null) {
      change.workloads().forEach(w -> defaultNamespace(w.object(), defaultNamespace));
      pools.putAll(byName(change.pools()));
      frameworks.putAll(byName(change.frameworks()));
      workloads.putAll(byName(change.workloads()));
      nodes.putAll(byName(change.nodes()));
      namespaces.putAll(change.namespaceLabels());
    }
    if (deletions != null) {
      deletions.workloads().forEach(w -> defaultNamespace(w.object(), defaultNamespace));
      remove("ResourcePool", pools, deletions.pools(), notes);
      remove("Framework", frameworks, deletions.frameworks(), notes);
      remove("Workload", workloads, deletions.workloads(), notes);
      remove("Node", nodes, deletions.nodes(), notes);
      for (String ns : deletions.namespaceLabels().keySet()) {
        if (namespaces.remove(ns) == null) {
          notes.add("--delete: Namespace " + ns + " is not in the cluster: nothing to delete");
        }
        workloads.values().removeIf(w -> ns.equals(w.object().getMetadata().getNamespace()));
      }
    }
    var settings = change != null && change.settings() != null ? change.settings() : live.settings();
    List<String> skipped = new ArrayList<>();
    if (change != null) {
      skipped.addAll(change.skipped());
    }
    Input merged = new Input(List.copyOf(pools.values()), List.copyOf(frameworks.values()), List.copyOf(workloads.values()),
        List.copyOf(nodes.values()), namespaces, settings, skipped).canonical();
    return new Result(merged, notes);
  }

  private static void defaultNamespace(Workload w, String namespace) {
    if (w.getMetadata().getNamespace() == null || w.getMetadata().getNamespace().isEmpty()) {
      w.getMetadata().setNamespace(namespace);
    }
  }

  private static String identity(HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    return (ns == null || ns.isEmpty() ? "" : ns + "/") + o.getMetadata().getName();
  }

  private static <T extends HasMetadata> Map<String, Loaded<T>> byName(List<Loaded<T>> objects) {
    Map<String, Loaded<T>> map = new LinkedHashMap<>();
    objects.forEach(l -> map.put(identity(l.object()), l));
    return map;
  }

  private static <T extends HasMetadata> void remove(String kind, Map<String, Loaded<T>> from, List<Loaded<T>> deleted, List<String> notes) {
    for (Loaded<T> d : deleted) {
      if (from.remove(identity(d.object())) == null) {
        notes.add("--delete: " + kind + " " + identity(d.object()) + " (" + d.origin() + ") is not in the cluster: nothing to delete");
      }
    }
  }
}
