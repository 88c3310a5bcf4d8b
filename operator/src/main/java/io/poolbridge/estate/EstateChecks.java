package io.poolbridge.estate;

import io.fabric8.kubernetes.api.model.Quantity;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.ResourcePoolSpec;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.EstateLoader.Input;
import io.poolbridge.estate.EstateLoader.InvalidInputException;
import io.poolbridge.estate.EstateLoader.Loaded;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What neither the schema nor a CEL rule can check, because it needs other objects or the nodes:
 * a Workload's Framework must be in the input, and the reservations on a node must fit its
 * capacity. (Names defined twice, quantities and constraints the core cannot hold are checked by
 * {@link EstateLoader}.) Each failure is an {@link InvalidInputException} in the API server's shape:
 * {@code <file>: document <n> (<Kind> <name>): <field>: <type>: <value>: <detail>}.
 */
final class EstateChecks {
  private static final int NAMES_SHOWN = 10;

  private EstateChecks() {}

  static void check(Input input) {
    reservations(input);
    frameworks(input);
  }

  private static void frameworks(Input input) {
    TreeSet<String> names = new TreeSet<>();
    input.frameworks().forEach(f -> names.add(f.object().getMetadata().getName()));
    for (Loaded<Workload> loaded : input.workloads()) {
      String framework = loaded.object().getSpec().framework();
      if (!names.contains(framework)) {
        List<String> shown = names.stream().limit(NAMES_SHOWN).toList();
        String has = names.isEmpty() ? "none" : String.join(", ", shown) + (names.size() > shown.size() ? ", ..." : "");
        throw new InvalidInputException(what(loaded, "Workload") + ": spec.framework: Not found: \"" + framework
            + "\": no Framework of that name in the input (it has: " + has + ")");
      }
    }
  }

  /** The sum of the reservations on every node of every pool fits the node, resource by resource. */
  private static void reservations(Input input) {
    Estate.NodeAssignment assignment = Estate.assignNodes(
        input.pools().stream().map(Loaded::object).toList(), input.nodes().stream().map(Loaded::object).toList());
    for (Loaded<ResourcePool> loaded : input.pools()) {
      ResourcePool pool = loaded.object();
      List<ResourcePoolSpec.Reservation> reservations = pool.getSpec().reservations();
      if (reservations == null || reservations.isEmpty()) {
        continue;
      }
      List<PoolNode> nodes = new ArrayList<>(Estate.staticNodes(pool));
      nodes.addAll(assignment.nodesByPool().getOrDefault(pool.getMetadata().getName(), List.of()));
      for (PoolNode node : nodes) {
        Map<String, Long> reserved = new TreeMap<>();
        for (ResourcePoolSpec.Reservation r : reservations) {
          if (r.nodes() == null || r.nodes().isEmpty() || r.nodes().contains(node.name())) {
            r.resources().forEach((resource, q) -> reserved.merge(resource, base(resource, q), Math::addExact));
          }
        }
        List<String> over = new ArrayList<>();
        List<String> capacity = new ArrayList<>();
        reserved.forEach((resource, amount) -> {
          Quantity has = node.capacity().get(resource);
          long available = has == null ? 0 : base(resource, has);
          if (amount > available) {
            over.add(resource + " " + ResourceUnits.format(resource, amount));
            capacity.add(resource + " " + ResourceUnits.format(resource, available));
          }
        });
        if (!over.isEmpty()) {
          throw new InvalidInputException(what(loaded, "ResourcePool") + ": spec.reservations: Invalid value: \"" + node.name()
              + "\": the reservations on node " + node.name() + " (" + String.join(", ", over) + ") exceed its capacity ("
              + String.join(", ", capacity) + ")");
        }
      }
    }
  }

  private static long base(String resource, Quantity q) {
    return ResourceUnits.toBase(resource, q);
  }

  private static String what(Loaded<?> loaded, String kind) {
    var object = (io.fabric8.kubernetes.api.model.HasMetadata) loaded.object();
    return loaded.origin() + " (" + kind + " " + Input.identity(object) + ")";
  }
}
