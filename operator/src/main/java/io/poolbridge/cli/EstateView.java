package io.poolbridge.cli;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.FrameworkStatus;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.estate.Estate;
import io.poolbridge.estate.PoolNode;
import io.poolbridge.estate.ResourceUnits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The estate as {@code kubectl get} shows it: pools, frameworks and workloads with their statuses,
 * read through the client (never from the engine), and rendered as the demo's screen.
 */
record EstateView(List<ResourcePool> pools, List<Node> nodes, List<Framework> frameworks, List<Workload> workloads) {

  static EstateView read(KubernetesClient client) {
    List<ResourcePool> pools = new ArrayList<>(client.resources(ResourcePool.class).list().getItems());
    pools.sort(Comparator.comparing(p -> p.getMetadata().getName()));
    List<Node> nodes = client.nodes().list().getItems();
    List<Framework> frameworks = new ArrayList<>(client.resources(Framework.class).list().getItems());
    frameworks.sort(Comparator.comparing(f -> f.getMetadata().getName()));
    List<Workload> workloads = new ArrayList<>(client.resources(Workload.class).inAnyNamespace().list().getItems());
    workloads.sort(Comparator.comparing(EstateView::key));
    return new EstateView(pools, nodes, frameworks, workloads);
  }

  static String key(Workload w) {
    return w.getMetadata().getNamespace() + "/" + w.getMetadata().getName();
  }

  /** One pool's capacity bar figures, in base units (millicores, bytes, units) by resource. */
  record PoolBar(String name, String provider, String region, int nodes, Map<String, Long> allocated, Map<String, Long> total) {}

  /**
   * Where pool capacity figures come from: {@link #FROM_STATUS}, what the operator wrote in each
   * ResourcePool's status (as {@code kubectl get rpool} shows it); {@link #FROM_INVENTORY}, the
   * pools' static inventories and the Nodes of this cluster, with the instances Workload statuses
   * record, for a pool whose status is not written yet.
   */
  interface PoolCapacity {
    List<PoolBar> bars(EstateView view);

    /** Each pool's status (node count, capacity, allocated); the inventory's figures until it has one. */
    PoolCapacity FROM_STATUS = view -> {
      List<PoolBar> fallback = PoolCapacity.FROM_INVENTORY.bars(view);
      List<PoolBar> bars = new ArrayList<>();
      for (int i = 0; i < view.pools().size(); i++) {
        ResourcePool p = view.pools().get(i);
        io.poolbridge.api.v1alpha1.ResourcePoolStatus s = p.getStatus();
        if (s == null || s.capacity() == null) {
          bars.add(fallback.get(i));
          continue;
        }
        Map<String, Long> total = new LinkedHashMap<>();
        Map<String, Long> allocated = new LinkedHashMap<>();
        add(total, s.capacity());
        if (s.allocated() != null) {
          add(allocated, s.allocated());
        }
        bars.add(new PoolBar(p.getMetadata().getName(), p.getSpec() == null ? "" : p.getSpec().provider(),
            p.getSpec() == null ? "" : p.getSpec().region(), s.nodeCount() == null ? 0 : s.nodeCount(), allocated, total));
      }
      return bars;
    };

    PoolCapacity FROM_INVENTORY = view -> {
      Map<String, List<PoolNode>> kubernetes = Estate.assignNodes(
          view.pools().stream().filter(p -> p.getSpec() != null && p.getSpec().source() != null
              && p.getSpec().source().kubernetes() != null).toList(), view.nodes()).nodesByPool();
      Map<String, Map<String, Long>> allocated = new LinkedHashMap<>();
      for (Workload w : view.workloads()) {
        if (w.getStatus() == null || w.getStatus().instances() == null) {
          continue;
        }
        for (WorkloadStatus.InstanceStatus i : w.getStatus().instances()) {
          Map<String, Quantity> held = i.resources() != null ? i.resources()
              : w.getStatus().resources() != null ? w.getStatus().resources() : w.getSpec() == null ? null : w.getSpec().resources();
          if (i.node() != null && i.pool() != null && held != null) {
            add(allocated.computeIfAbsent(i.pool(), p -> new LinkedHashMap<>()), held);
          }
        }
      }
      List<PoolBar> bars = new ArrayList<>();
      for (ResourcePool p : view.pools()) {
        String name = p.getMetadata().getName();
        List<PoolNode> nodes = p.getSpec() != null && p.getSpec().source() != null && p.getSpec().source().inventory() != null
            ? Estate.staticNodes(p) : kubernetes.getOrDefault(name, List.of());
        Map<String, Long> total = new LinkedHashMap<>();
        nodes.forEach(n -> add(total, n.capacity()));
        bars.add(new PoolBar(name, p.getSpec() == null ? "" : p.getSpec().provider(), p.getSpec() == null ? "" : p.getSpec().region(),
            nodes.size(), allocated.getOrDefault(name, Map.of()), total));
      }
      return bars;
    };

    private static void add(Map<String, Long> sum, Map<String, Quantity> amounts) {
      amounts.forEach((resource, q) -> {
        try {
          sum.merge(resource, ResourceUnits.toBase(resource, q), Long::sum);
        } catch (RuntimeException e) {
          // An amount the engine would refuse too: left out of the bar.
        }
      });
    }
  }

  /** Instances placed and asked for, over every workload. */
  int placed() {
    return workloads.stream().mapToInt(EstateView::placed).sum();
  }

  int instances() {
    return workloads.stream().mapToInt(w -> w.getSpec() == null || w.getSpec().instances() == null ? 0 : w.getSpec().instances()).sum();
  }

  static int placed(Workload w) {
    if (w.getStatus() == null || w.getStatus().instances() == null) {
      return 0;
    }
    return (int) w.getStatus().instances().stream().filter(i -> i.node() != null).count();
  }

  /** Whether every Workload's status is written for its current spec. */
  boolean everyStatusWritten() {
    return workloads.stream().allMatch(w -> w.getStatus() != null && w.getStatus().instances() != null
        && Objects.equals(w.getStatus().observedGeneration(), w.getMetadata().getGeneration()));
  }

  /** Why a workload still waits: its first pending instance's reason, else its Placed condition's message. */
  static String waiting(Workload w) {
    if (w.getStatus() == null) {
      return "waiting for the operator";
    }
    if (w.getStatus().instances() != null) {
      for (WorkloadStatus.InstanceStatus i : w.getStatus().instances()) {
        if (i.node() == null && i.reason() != null) {
          return i.reason();
        }
      }
    }
    if (w.getStatus().conditions() != null) {
      for (Condition c : w.getStatus().conditions()) {
        if ("Placed".equals(c.getType()) && !"True".equals(c.getStatus())) {
          return c.getMessage() != null ? c.getMessage() : c.getReason();
        }
      }
    }
    return "";
  }

  /** The screen: pools with capacity bars, frameworks' shares, workloads, and the progress line (if not null). */
  String render(PoolCapacity capacity, String progress) {
    StringBuilder sb = new StringBuilder();
    Table pools = new Table("POOL", "PROVIDER", "NODES", "CPU ALLOCATED/TOTAL", "", "MEMORY ALLOCATED/TOTAL", "");
    for (PoolBar b : capacity.bars(this)) {
      pools.row(b.name(), b.provider(), b.nodes(), bar(b, "cpu"), figures(b, "cpu"), bar(b, "memory"), figures(b, "memory"));
    }
    sb.append(pools.render()).append('\n');
    Table fws = new Table("FRAMEWORK", "ROLE", "WEIGHT", "DOMINANT SHARE", "WEIGHTED", "GUARANTEE", "PENDING");
    for (Framework f : frameworks) {
      FrameworkStatus s = f.getStatus();
      boolean hasGuarantee = f.getSpec() != null && f.getSpec().quota() != null && f.getSpec().quota().guarantee() != null
          && !f.getSpec().quota().guarantee().isEmpty();
      fws.row(f.getMetadata().getName(), f.getSpec() == null ? "" : f.getSpec().role(),
          f.getSpec() == null || f.getSpec().weight() == null ? "1" : number(f.getSpec().weight()),
          s == null || s.dominantShare() == null ? "-" : String.format(Locale.ROOT, "%.3f", s.dominantShare()),
          s == null || s.weightedShare() == null ? "-" : String.format(Locale.ROOT, "%.3f", s.weightedShare()),
          !hasGuarantee ? "none" : s == null || s.guaranteeMet() == null ? "-" : s.guaranteeMet() ? "met" : "NOT met",
          s == null || s.pendingInstances() == null ? "-" : s.pendingInstances());
    }
    sb.append(fws.render()).append('\n');
    Table wls = new Table("WORKLOAD", "KIND", "FRAMEWORK", "PLACED", "WAITING");
    for (Workload w : workloads) {
      int placed = placed(w);
      int instances = w.getSpec() == null || w.getSpec().instances() == null ? 0 : w.getSpec().instances();
      wls.row(key(w), w.getSpec() == null ? "" : w.getSpec().kind(), w.getSpec() == null ? "" : w.getSpec().framework(),
          placed + "/" + instances, placed < instances ? waiting(w) : "");
    }
    sb.append(wls.render());
    if (progress != null) {
      sb.append('\n').append(progress).append('\n');
    }
    return sb.toString();
  }

  private static final int BAR = 20;

  /** {@code [#######.............]}: ASCII, so any terminal and any log shows it. */
  static String bar(PoolBar b, String resource) {
    long total = b.total().getOrDefault(resource, 0L);
    if (total <= 0) {
      return "";
    }
    long used = Math.min(total, b.allocated().getOrDefault(resource, 0L));
    int filled = (int) Math.round((double) used * BAR / total);
    if (used > 0 && filled == 0) {
      filled = 1;
    }
    return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
  }

  static String figures(PoolBar b, String resource) {
    Long total = b.total().get(resource);
    if (total == null) {
      return "-";
    }
    return amount(resource, b.allocated().getOrDefault(resource, 0L)) + "/" + amount(resource, total);
  }

  /** cpu in cores ({@code 95.34}), bytes in Gi ({@code 543Gi}, {@code 15.56Gi}), anything else as a quantity. */
  static String amount(String resource, long base) {
    if (resource.equals("cpu")) {
      return trim(String.format(Locale.ROOT, "%.2f", base / 1000.0));
    }
    if (resource.equals("memory") || resource.contains("storage")) {
      return trim(String.format(Locale.ROOT, "%.2f", base / (double) (1L << 30))) + "Gi";
    }
    return ResourceUnits.format(resource, base);
  }

  private static String trim(String decimal) {
    return decimal.contains(".") ? decimal.replaceAll("0+$", "").replaceAll("\\.$", "") : decimal;
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
