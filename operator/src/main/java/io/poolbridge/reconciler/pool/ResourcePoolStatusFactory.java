package io.poolbridge.reconciler.pool;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.ResourcePoolSpec;
import io.poolbridge.api.v1alpha1.ResourcePoolStatus;
import io.poolbridge.api.v1alpha1.ResourcePoolStatus.NodeState;
import io.poolbridge.api.v1alpha1.ResourcePoolStatus.NodeStatus;
import io.poolbridge.api.v1alpha1.SecretKeyRef;
import io.poolbridge.engine.EngineSnapshot.NodeView;
import io.poolbridge.engine.EngineSnapshot.PoolView;
import io.poolbridge.estate.Estate;
import io.poolbridge.estate.PoolNode;
import io.poolbridge.estate.ResourceUnits;
import io.poolbridge.reconciler.StatusConditions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A ResourcePool's status from the engine's view of the pool ({@link PoolView}: totals and one
 * entry per agent), the state of its source and its nodes as the operator read them (readiness,
 * address). Pure with an injected {@link Clock}: an unchanged pool gives an equal status, and a
 * condition's {@code lastTransitionTime} moves only when its status does.
 *
 * <p>Conditions, each with {@code observedGeneration}:
 *
 * <ul>
 *   <li>{@code Ready}: {@code True} ({@code NodesOffered}) when the source is reachable and at
 *       least one node takes new work ({@code Active}); else {@code False} with {@code
 *       SourceUnreachable}, {@code NoNodes}, {@code InMaintenance} (every node out only for the
 *       pool's own maintenance windows, draining ahead of one or inside it; the message says when
 *       the first of them ends) or {@code NoNodesOffered} (every node out of service otherwise);
 *   <li>{@code SourceReachable}: {@code True} ({@code Reachable}); else {@code False} with the
 *       source's reason ({@code SecretNotFound}, {@code Unreachable}) and message;
 *   <li>{@code Degraded}: {@code True} when the source is unreachable ({@code SourceUnreachable}),
 *       some nodes are not ready ({@code NodesNotReady}) or some are draining or under maintenance
 *       ({@code NodesInMaintenance}), the message naming how many and the first few; else {@code
 *       False} ({@code AllNodesReady});
 *   <li>{@code Reconciling}, {@code Stalled} (kstatus): a pool stalls whenever it is not {@code
 *       Ready}, with the same reason, since none of those mends without a change by someone (the
 *       Secret created, the cluster answering, Nodes labelled or back in service), except {@code
 *       InMaintenance}: the nodes return by themselves when the windows end, so the pool is {@code
 *       Reconciling} (Argo CD: Progressing) until then. Otherwise it is never {@code Reconciling}:
 *       the operator reads a pool's nodes within a cycle.
 * </ul>
 *
 * <p><b>Bounded node list.</b> {@code status.nodes} lists at most {@link #MAX_NODE_ENTRIES} nodes
 * and about {@link #MAX_NODE_BYTES} of them as JSON, so that the status of a pool of any size stays
 * well under the API server's 1.5 MiB object limit. A pool within both bounds lists every node.
 * A larger one lists first the nodes a person must look at (not ready, or not {@code Active}), then
 * those in use (something placed, or leased), then idle ones, each group by name, up to the bounds;
 * the list is in name order, and the {@code Ready} condition's message says how many of how many
 * nodes it lists. The totals ({@code nodeCount}, {@code readyNodes}, {@code capacity}, ...) always
 * count every node.
 */
public final class ResourcePoolStatusFactory {
  static final String READY = "Ready";
  static final String SOURCE_REACHABLE = "SourceReachable";
  static final String DEGRADED = "Degraded";

  /** The most nodes {@code status.nodes} lists. */
  public static final int MAX_NODE_ENTRIES = 1000;
  /** About the most bytes (as JSON) the entries of {@code status.nodes} take. */
  public static final int MAX_NODE_BYTES = 512 * 1024;
  /** How many nodes a condition's message names. */
  static final int NAMED = 5;

  private final StatusConditions conditions;

  private final Clock clock;

  public ResourcePoolStatusFactory(Clock clock) {
    this.clock = clock;
    this.conditions = new StatusConditions(clock);
  }

  /**
   * The pool's status.
   *
   * @param view the engine's view of the pool, or {@code null} when the engine has no node of it
   * @param source whether its source is reachable
   * @param nodes its nodes as the operator read them (readiness and address); a node the engine
   *     knows and this does not is ready unless the engine has it {@code DOWN}
   * @param previous the status the pool has now, or {@code null}
   */
  public ResourcePoolStatus of(ResourcePool pool, PoolView view, PoolSource source, Collection<PoolNode> nodes,
      ResourcePoolStatus previous) {
    Map<String, PoolNode> read = new HashMap<>();
    for (PoolNode n : nodes) {
      read.put(n.name(), n);
    }
    List<NodeView> agents = view == null ? List.of() : view.agents();
    List<String> notReady = new ArrayList<>();
    List<String> inMaintenance = new ArrayList<>();
    int readyNodes = 0;
    for (NodeView n : agents) {
      boolean ready = ready(n, read.get(n.node()));
      if (!ready) {
        notReady.add(n.node());
      } else if (n.state() != AgentState.ACTIVE) {
        inMaintenance.add(n.node());
      } else {
        readyNodes++;
      }
    }
    List<NodeStatus> listed = withWindows(pool, listed(agents, read));
    int total = agents.size();
    int offered = view == null ? 0 : view.activeNodes();

    Long generation = pool.getMetadata().getGeneration();
    List<Condition> previousConditions = previous == null ? null : previous.conditions();
    List<Condition> cs = new ArrayList<>();
    String listing = listed.size() < total
        ? " (status.nodes lists " + listed.size() + " of the " + total + " nodes: those not ready, not Active or in use first)" : "";
    StatusConditions.Health health;
    java.time.Instant windowsEnd;
    if (!source.reachable()) {
      health = StatusConditions.Health.stalled("SourceUnreachable", "The pool's nodes cannot be read: " + source.message());
    } else if (total == 0) {
      health = StatusConditions.Health.stalled("NoNodes", noNodes(pool));
    } else if (offered == 0 && (windowsEnd = windowsEnd(pool, agents, read)) != null) {
      health = StatusConditions.Health.reconciling("InMaintenance", "None of the pool's " + total
          + " nodes takes new work: all are in maintenance windows; the first ends at " + StatusConditions.format(windowsEnd) + listing);
    } else if (offered == 0) {
      health = StatusConditions.Health.stalled("NoNodesOffered",
          "None of the pool's " + total + " nodes takes new work" + outOfService(notReady, inMaintenance, total) + listing);
    } else {
      health = StatusConditions.Health.current("NodesOffered", offered + " of " + total + " nodes take new work" + listing);
    }
    if (source.reachable()) {
      cs.add(conditions.condition(previousConditions, generation, SOURCE_REACHABLE, true, "Reachable", reachable(pool)));
    } else {
      cs.add(conditions.condition(previousConditions, generation, SOURCE_REACHABLE, false, source.reason(), source.message()));
    }
    if (!source.reachable()) {
      cs.add(conditions.condition(previousConditions, generation, DEGRADED, true, "SourceUnreachable",
          "The pool's nodes are shown as last read: " + source.message()));
    } else if (!notReady.isEmpty()) {
      cs.add(conditions.condition(previousConditions, generation, DEGRADED, true, "NodesNotReady",
          outOfService(notReady, inMaintenance, total).substring(2)));
    } else if (!inMaintenance.isEmpty()) {
      cs.add(conditions.condition(previousConditions, generation, DEGRADED, true, "NodesInMaintenance",
          outOfService(notReady, inMaintenance, total).substring(2)));
    } else {
      cs.add(conditions.condition(previousConditions, generation, DEGRADED, false, "AllNodesReady",
          total == 0 ? "The pool has no nodes" : "All " + total + " nodes are ready and take new work"));
    }

    cs = conditions.withHealth(previousConditions, generation, cs, health);

    Resources capacity = view == null ? null : view.capacity();
    Resources placed = view == null ? null : view.placed();
    return new ResourcePoolStatus(generation, cs, total, readyNodes, display("cpu", placed, capacity),
        display("memory", placed, capacity), quantities(capacity), quantities(placed),
        quantities(view == null ? null : view.available()), listed);
  }

  /**
   * When the first of the maintenance windows that keep the pool's nodes out ends, if every node is
   * out only because of a window of the pool's own {@code spec.maintenance} (ready, and draining
   * ahead of the window or inside it); else {@code null}. A pool being deleted is drained whatever
   * its windows say.
   */
  private java.time.Instant windowsEnd(ResourcePool pool, List<NodeView> agents, Map<String, PoolNode> read) {
    if (pool.getMetadata().getDeletionTimestamp() != null || pool.getSpec().maintenance() == null || agents.isEmpty()) {
      return null;
    }
    java.time.Instant now = clock.instant();
    java.time.Instant first = null;
    for (NodeView n : agents) {
      if (!ready(n, read.get(n.node())) || n.state() == AgentState.ACTIVE) {
        return null;
      }
      // Any window of the pool bearing on the node now: the engine may still have it Draining
      // for a moment after the window opened.
      Estate.Maintenance m = Estate.maintenance(pool, n.node(), now);
      if (m == null) {
        return null;
      }
      first = first == null || m.end().isBefore(first) ? m.end() : first;
    }
    return first;
  }

  private static boolean ready(NodeView n, PoolNode read) {
    return n.state() != AgentState.DOWN && (read == null || read.ready());
  }

  /** {@code ": 2 of 10 nodes not ready (a, b); 1 draining or under maintenance (c)"}, or empty. */
  private static String outOfService(List<String> notReady, List<String> inMaintenance, int total) {
    List<String> parts = new ArrayList<>();
    if (!notReady.isEmpty()) {
      parts.add(notReady.size() + " of " + total + " nodes not ready (" + named(notReady) + ")");
    }
    if (!inMaintenance.isEmpty()) {
      parts.add(inMaintenance.size() + " of " + total + " nodes draining or under maintenance (" + named(inMaintenance) + ")");
    }
    return parts.isEmpty() ? "" : ": " + String.join("; ", parts);
  }

  /** The first few names, and how many more. */
  private static String named(List<String> names) {
    String first = String.join(", ", names.subList(0, Math.min(NAMED, names.size())));
    return names.size() <= NAMED ? first : first + " and " + (names.size() - NAMED) + " more";
  }

  private static String noNodes(ResourcePool pool) {
    ResourcePoolSpec.Source source = pool.getSpec().source();
    return source != null && source.kubernetes() != null
        ? "No Node matches the pool's nodeSelector" + remote(source.kubernetes().kubeconfigSecretRef())
        : "The pool has no nodes";
  }

  private static String reachable(ResourcePool pool) {
    ResourcePoolSpec.Source source = pool.getSpec().source();
    if (source == null || source.kubernetes() == null) {
      return "The pool's nodes are listed in its static inventory";
    }
    return "The pool's nodes are read from the Nodes" + remote(source.kubernetes().kubeconfigSecretRef());
  }

  private static String remote(SecretKeyRef ref) {
    if (ref == null) {
      return " of the operator's cluster";
    }
    String secret = ref.namespace() == null ? ref.name() : ref.namespace() + "/" + ref.name();
    return " of the cluster whose kubeconfig is in Secret " + secret;
  }

  /** {@code allocated/total} of one resource, e.g. {@code 12/48} or {@code 96Gi/384Gi}. */
  private static String display(String resource, Resources placed, Resources capacity) {
    long used = capacity == null || !capacity.schema().contains(resource) ? 0 : placed.get(resource);
    long all = capacity == null || !capacity.schema().contains(resource) ? 0 : capacity.get(resource);
    return ResourceUnits.format(resource, used) + "/" + ResourceUnits.format(resource, all);
  }

  private static Map<String, Quantity> quantities(Resources r) {
    return r == null ? Map.of() : ResourceUnits.toQuantities(r);
  }

  /** The node entries, bounded (see the class comment), in name order. */
  private static List<NodeStatus> listed(List<NodeView> agents, Map<String, PoolNode> read) {
    List<NodeStatus> listed = fill(agents, read);
    if (listed.size() < agents.size()) {
      List<NodeView> first = new ArrayList<>(agents);
      first.sort(Comparator.comparingInt((NodeView n) -> rank(n, read.get(n.node()))).thenComparing(NodeView::node));
      listed = fill(first, read);
    }
    listed.sort(Comparator.comparing(NodeStatus::name));
    return listed;
  }

  /** Entries of the nodes in {@code order} while they keep within the bounds. */
  private static List<NodeStatus> fill(List<NodeView> order, Map<String, PoolNode> read) {
    List<NodeStatus> listed = new ArrayList<>();
    long bytes = 0;
    for (NodeView n : order) {
      NodeStatus s = entry(n, read.get(n.node()));
      bytes += estimate(s);
      if (listed.size() == MAX_NODE_ENTRIES || bytes > MAX_NODE_BYTES) {
        break;
      }
      listed.add(s);
    }
    return listed;
  }

  /** The entries of nodes Draining or under Maintenance because of a window, with the window's reason and times. */
  private List<NodeStatus> withWindows(ResourcePool pool, List<NodeStatus> listed) {
    if (pool.getSpec().maintenance() == null || pool.getSpec().maintenance().isEmpty()) {
      return listed;
    }
    java.time.Instant now = clock.instant();
    List<NodeStatus> out = new ArrayList<>(listed.size());
    for (NodeStatus s : listed) {
      Estate.Maintenance m = s.state() == NodeState.Draining || s.state() == NodeState.Maintenance
          ? Estate.maintenance(pool, s.name(), now) : null;
      out.add(m == null ? s : new NodeStatus(s.name(), s.address(), s.zone(), s.ready(), s.state(), s.capacity(), s.allocated(),
          s.available(), s.leasedTo(), m.reason() + "; window from " + m.start() + " to " + m.end()));
    }
    return out;
  }

  /** 0: to look at (not ready or not Active); 1: in use; 2: idle. */
  private static int rank(NodeView n, PoolNode read) {
    if (!ready(n, read) || n.state() != AgentState.ACTIVE) {
      return 0;
    }
    return n.leasedTo() != null || !n.placed().isEmpty() ? 1 : 2;
  }

  private static NodeStatus entry(NodeView n, PoolNode read) {
    String zone = n.agent().attributes().get(Estate.ZONE);
    return new NodeStatus(n.node(), read == null ? null : read.address(), zone != null ? zone : read == null ? null : read.zone(),
        ready(n, read), state(n.state()), ResourceUnits.toQuantities(n.capacity()), ResourceUnits.toQuantities(n.placed()),
        ResourceUnits.toQuantities(n.available()), n.leasedTo(), null);
  }

  private static NodeState state(AgentState s) {
    return switch (s) {
      case ACTIVE -> NodeState.Active;
      case DRAINING -> NodeState.Draining;
      case MAINTENANCE -> NodeState.Maintenance;
      case DOWN -> NodeState.Down;
    };
  }

  /**
   * At least the bytes the entry takes as JSON: every field name, quote, colon and comma counted,
   * the strings (node names, addresses, zones: DNS names and addresses, nothing JSON escapes) at
   * their length.
   */
  static long estimate(NodeStatus s) {
    long b = 140; // {"name":"","address":"","zone":"","ready":false,"state":"Maintenance","capacity":{},"allocated":{},"available":{},"leasedTo":""},
    b += length(s.name()) + length(s.address()) + length(s.zone()) + length(s.leasedTo());
    for (Map<String, Quantity> m : List.of(s.capacity(), s.allocated(), s.available())) {
      for (Map.Entry<String, Quantity> e : m.entrySet()) {
        b += e.getKey().length() + e.getValue().toString().length() + 6;
      }
    }
    return b;
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }
}
