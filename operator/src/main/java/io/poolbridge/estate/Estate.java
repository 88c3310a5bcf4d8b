package io.poolbridge.estate;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.FrameworkSpec;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.ResourcePoolSpec;
import io.poolbridge.api.v1alpha1.Workload;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Turns ResourcePools and Frameworks into the allocator's agents, roles and frameworks. */
public final class Estate {
  /** Attribute names every agent carries, matched by Workload constraints. */
  public static final String HOSTNAME = "hostname";
  public static final String POOL = "pool";
  public static final String PROVIDER = "provider";
  public static final String REGION = "region";
  public static final String ZONE = "zone";

  private static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  private static final String REGION_LABEL = "topology.kubernetes.io/region";

  private Estate() {}

  /** The nodes of a pool with a static inventory, by name (the order they are listed in does not matter); empty for a Kubernetes-source pool. */
  public static List<PoolNode> staticNodes(ResourcePool pool) {
    ResourcePoolSpec.Source source = pool.getSpec().source();
    if (source == null || source.inventory() == null) {
      return List.of();
    }
    List<PoolNode> nodes = new ArrayList<>();
    for (ResourcePoolSpec.StaticNode n : source.inventory().nodes()) {
      nodes.add(new PoolNode(n.name(), n.address(), n.zone(), n.capacity(), n.attributes(), true));
    }
    nodes.sort(java.util.Comparator.comparing(PoolNode::name));
    return nodes;
  }

  /**
   * A Kubernetes Node as a pool node: capacity from {@code status.allocatable} (without the
   * {@code pods} count and resources of zero), attributes from labels, health from the Ready
   * condition (a node that reports no conditions counts as ready).
   */
  public static PoolNode kubernetesNode(Node node) {
    Map<String, Quantity> capacity = new LinkedHashMap<>();
    if (node.getStatus() != null && node.getStatus().getAllocatable() != null) {
      node.getStatus().getAllocatable().forEach((name, q) -> {
        if (!name.equals("pods") && Quantity.getAmountInBytes(q).signum() > 0) {
          capacity.put(name, q);
        }
      });
    }
    boolean ready = true;
    String address = null;
    if (node.getStatus() != null) {
      if (node.getStatus().getConditions() != null) {
        for (NodeCondition c : node.getStatus().getConditions()) {
          if ("Ready".equals(c.getType())) {
            ready = "True".equals(c.getStatus());
          }
        }
      }
      if (node.getStatus().getAddresses() != null && !node.getStatus().getAddresses().isEmpty()) {
        address = node.getStatus().getAddresses().get(0).getAddress();
      }
    }
    Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    return new PoolNode(node.getMetadata().getName(), address, null, capacity, labels, ready);
  }

  /** The nodes of a Kubernetes-source pool among {@code nodes}: those its selector picks. */
  public static List<PoolNode> selectedNodes(ResourcePool pool, Collection<Node> nodes) {
    ResourcePoolSpec.Source source = pool.getSpec().source();
    if (source == null || source.kubernetes() == null) {
      return List.of();
    }
    List<PoolNode> selected = new ArrayList<>();
    for (Node n : nodes) {
      Map<String, String> labels = n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
      if (Selectors.matches(source.kubernetes().nodeSelector(), labels)) {
        selected.add(kubernetesNode(n));
      }
    }
    return selected;
  }

  /** A Node the selectors of several pools pick: it belongs to {@code owner} only. */
  public record SharedNode(String node, String owner, List<String> others) {}

  /** Which Kubernetes Nodes each pool has, and the Nodes more than one pool selects. */
  public record NodeAssignment(Map<String, List<PoolNode>> nodesByPool, List<SharedNode> shared) {}

  /**
   * The Nodes of each Kubernetes-source pool among {@code nodes}. A Node belongs to one pool at
   * most: when several pools' selectors pick it, the pool whose name sorts first (by {@link
   * String#compareTo}) has it, and the Node is reported as shared so the others can say so. Pool
   * names are unique in the cluster and need no clock, so the choice is the same in {@code simulate}
   * and in the operator, whatever the order pools are listed or were created in.
   */
  public static NodeAssignment assignNodes(Collection<ResourcePool> pools, Collection<Node> nodes) {
    List<ResourcePool> byName = new ArrayList<>(pools);
    byName.sort(java.util.Comparator.comparing(p -> p.getMetadata().getName()));
    Map<String, List<PoolNode>> nodesByPool = new LinkedHashMap<>();
    byName.forEach(p -> nodesByPool.put(p.getMetadata().getName(), new ArrayList<>()));
    List<SharedNode> shared = new ArrayList<>();
    for (Node n : nodes) {
      List<String> selecting = new ArrayList<>();
      for (ResourcePool pool : byName) {
        if (selectedNodes(pool, List.of(n)).size() == 1) {
          selecting.add(pool.getMetadata().getName());
        }
      }
      if (selecting.isEmpty()) {
        continue;
      }
      nodesByPool.get(selecting.get(0)).add(kubernetesNode(n));
      if (selecting.size() > 1) {
        shared.add(new SharedNode(n.getMetadata().getName(), selecting.get(0), List.copyOf(selecting.subList(1, selecting.size()))));
      }
    }
    return new NodeAssignment(nodesByPool, shared);
  }

  /**
   * The resource schema of an estate: every resource some node has, cpu and memory first, the rest
   * sorted, GPUs ({@code *gpu*}) excluded from fairness as Mesos operators usually configure.
   */
  public static ResourceSchema schema(Collection<PoolNode> nodes) {
    return schema(nodes, List.of());
  }

  /**
   * The resource schema of an estate that also names {@code named} (see {@link #resourcesNamed}):
   * every resource some node has or some Framework or Workload names, ordered and with GPUs left
   * out of fairness as in {@link #schema(Collection)}. A resource no node has stays in the schema
   * with no capacity, so a guarantee of it is unmet (and reported so) rather than dropped.
   */
  public static ResourceSchema schema(Collection<PoolNode> nodes, Collection<String> named) {
    Set<String> names = new LinkedHashSet<>(List.of("cpu", "memory"));
    Set<String> rest = new TreeSet<>(named);
    for (PoolNode n : nodes) {
      rest.addAll(n.capacity().keySet());
    }
    names.addAll(rest);
    Set<String> gpus = new TreeSet<>();
    for (String name : names) {
      if (name.contains("gpu")) {
        gpus.add(name);
      }
    }
    return ResourceSchema.of(names).withFairnessExcluded(gpus);
  }

  /**
   * The resources the Frameworks' quotas (guarantee and limit) and the Workloads' resources name,
   * sorted: what the schema must hold besides the nodes' resources, so that no quota entry is lost.
   */
  public static Set<String> resourcesNamed(Collection<Framework> frameworks, Collection<Workload> workloads) {
    Set<String> names = new TreeSet<>();
    for (Framework fw : frameworks) {
      FrameworkSpec.Quota quota = fw.getSpec().quota();
      if (quota != null) {
        if (quota.guarantee() != null) {
          names.addAll(quota.guarantee().keySet());
        }
        if (quota.limit() != null) {
          names.addAll(quota.limit().keySet());
        }
      }
    }
    for (Workload w : workloads) {
      if (w.getSpec().resources() != null) {
        names.addAll(w.getSpec().resources().keySet());
      }
    }
    return names;
  }

  /** The agent id of a node: {@code <pool>/<node>}. */
  public static String agentId(String pool, String node) {
    return pool + "/" + node;
  }

  /** A pool node as an agent: capacity, constraint attributes and the reservations that apply to it. */
  public static AgentInfo agent(ResourceSchema schema, ResourcePool pool, PoolNode node) {
    ResourcePoolSpec spec = pool.getSpec();
    String poolName = pool.getMetadata().getName();
    Map<String, String> attributes = new LinkedHashMap<>();
    if (spec.attributes() != null) {
      attributes.putAll(spec.attributes());
    }
    attributes.putAll(node.labels());
    attributes.put(HOSTNAME, node.name());
    attributes.put(POOL, poolName);
    attributes.put(PROVIDER, spec.provider());
    attributes.put(REGION, node.labels().getOrDefault(REGION_LABEL, spec.region()));
    String zone = node.zone() != null ? node.zone() : node.labels().getOrDefault(ZONE_LABEL, spec.zone());
    if (zone != null) {
      attributes.put(ZONE, zone);
    }
    Map<String, Resources> reservations = new LinkedHashMap<>();
    if (spec.reservations() != null) {
      for (ResourcePoolSpec.Reservation r : spec.reservations()) {
        if (r.nodes() == null || r.nodes().isEmpty() || r.nodes().contains(node.name())) {
          Resources amount = ResourceUnits.toResources(schema, r.resources());
          reservations.merge(r.role(), amount, Resources::plus);
        }
      }
    }
    return new AgentInfo(
        agentId(poolName, node.name()), poolName, attributes, ResourceUnits.toResources(schema, node.capacity()), reservations);
  }

  /** What the allocator should do with a node at {@code now}: maintenance windows and health. */
  public static AgentState state(ResourcePool pool, PoolNode node, Instant now) {
    if (!node.ready()) {
      return AgentState.DOWN;
    }
    List<ResourcePoolSpec.MaintenanceWindow> windows = pool.getSpec().maintenance();
    if (windows != null) {
      for (ResourcePoolSpec.MaintenanceWindow w : windows) {
        if (w.nodes().contains(node.name())) {
          Instant start = OffsetDateTime.parse(w.start()).toInstant();
          Instant end = start.plus(Durations.parse(w.duration()));
          if (!now.isBefore(start) && now.isBefore(end)) {
            return AgentState.MAINTENANCE;
          }
        }
      }
    }
    return AgentState.ACTIVE;
  }

  /**
   * A maintenance window as it bears on one node at some time.
   *
   * @param state {@link AgentState#DRAINING} while the window is ahead but within its {@code
   *     drainBefore}, {@link AgentState#MAINTENANCE} while it is open
   * @param start when the window opens
   * @param end when it closes
   * @param reason why, as the pool says (never {@code null}: "maintenance" when it says nothing)
   */
  public record Maintenance(AgentState state, Instant start, Instant end, String reason) {}

  /**
   * The maintenance window that bears on {@code node} at {@code now}: the open one, else the one
   * being drained ahead of (the earliest start); {@code null} when none does. A node that is not
   * ready is left to {@link #state}.
   */
  public static Maintenance maintenance(ResourcePool pool, PoolNode node, Instant now) {
    return maintenance(pool, node.name(), now);
  }

  /** As {@link #maintenance(ResourcePool, PoolNode, Instant)}, by node name. */
  public static Maintenance maintenance(ResourcePool pool, String nodeName, Instant now) {
    List<ResourcePoolSpec.MaintenanceWindow> windows = pool.getSpec().maintenance();
    if (windows == null) {
      return null;
    }
    Maintenance best = null;
    for (ResourcePoolSpec.MaintenanceWindow w : windows) {
      if (!w.nodes().contains(nodeName)) {
        continue;
      }
      Instant start = OffsetDateTime.parse(w.start()).toInstant();
      Instant end = start.plus(Durations.parse(w.duration()));
      Duration lead = Durations.parse(w.drainBefore() == null ? ResourcePoolSpec.MaintenanceWindow.DEFAULT_DRAIN_BEFORE : w.drainBefore());
      String reason = w.reason() == null || w.reason().isBlank() ? "maintenance" : w.reason();
      if (!now.isBefore(start) && now.isBefore(end)) {
        return new Maintenance(AgentState.MAINTENANCE, start, end, reason);
      }
      if (now.isBefore(start) && !now.isBefore(start.minus(lead)) && (best == null || start.isBefore(best.start()))) {
        best = new Maintenance(AgentState.DRAINING, start, end, reason);
      }
    }
    return best;
  }

  /** A Framework as the allocator's framework. */
  public static FrameworkInfo framework(ResourceSchema schema, Framework framework) {
    FrameworkSpec spec = framework.getSpec();
    Duration refuse = FrameworkInfo.DEFAULT_REFUSE;
    Resources min = null;
    Duration timeout = null;
    if (spec.offers() != null) {
      if (spec.offers().refuseSeconds() != null) {
        refuse = Duration.ofMillis(Math.round(spec.offers().refuseSeconds() * 1000));
      }
      if (spec.offers().minAllocatable() != null) {
        min = ResourceUnits.toResources(schema, spec.offers().minAllocatable());
      }
      if (spec.offers().timeoutSeconds() != null) {
        timeout = Duration.ofSeconds(spec.offers().timeoutSeconds());
      }
    }
    boolean revocable = spec.capabilities() != null && Boolean.TRUE.equals(spec.capabilities().revocable());
    return new FrameworkInfo(framework.getMetadata().getName(), spec.role(), revocable, refuse, min, timeout);
  }

  /**
   * A Framework's quota as the allocator's quota of its role. Entries naming a resource outside
   * {@code schema} are left out, so build the schema with every resource the quotas name ({@link
   * #schema(Collection, Collection)} with {@link #resourcesNamed}).
   */
  public static Quota quota(ResourceSchema schema, FrameworkSpec.Quota quota) {
    if (quota == null) {
      return Quota.NONE;
    }
    return new Quota(baseAmounts(schema, quota.guarantee()), baseAmounts(schema, quota.limit()));
  }

  private static Map<String, Long> baseAmounts(ResourceSchema schema, Map<String, Quantity> quantities) {
    Map<String, Long> amounts = new LinkedHashMap<>();
    if (quantities != null) {
      quantities.forEach((name, q) -> {
        if (schema.contains(name)) {
          amounts.put(name, ResourceUnits.toBase(name, q));
        }
      });
    }
    return amounts;
  }
}
