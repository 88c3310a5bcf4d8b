package io.poolbridge.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.engine.Engine;
import io.poolbridge.estate.Estate;
import io.poolbridge.estate.PoolNode;
import io.poolbridge.estate.PoolPrices;
import io.poolbridge.estate.Refusal;
import io.poolbridge.estate.RoleOwnership;
import io.poolbridge.estate.Workloads;
import io.poolbridge.scheduler.ExchangeRates;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.WorkloadDemand;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Brings the engine to what the cluster declares, by difference: it remembers what it told the
 * engine (agents and their states, frameworks, role weights and quotas, workloads' demands) and
 * posts only the events that change it. The same mapping as {@code simulate} ({@link Estate},
 * {@link Workloads}, {@link RoleOwnership}, {@link PoolPrices}), so the operator decides what
 * {@code simulate} predicts.
 *
 * <p>Not thread-safe: the allocation loop's thread owns it with the engine. When the estate's
 * resource schema or the pools' prices change, the engine cannot follow in place; {@link
 * #needsRebuild} says so and the loop builds a new engine from the committed placements.
 */
public final class EstateSync {
  /** What one Workload is for the operator: placed by the engine, refused with a reason, or suspended. */
  public sealed interface Admission permits Admitted, Refused, Suspended {}

  public record Admitted(WorkloadDemand demand) implements Admission {}

  public record Refused(Refusal refusal) implements Admission {}

  public record Suspended() implements Admission {}

  private final ResourceSchema schema;
  private final Prices prices;
  private final Map<String, String> pricing;
  private final Map<String, AgentInfo> agents = new HashMap<>();
  private final Map<String, AgentState> states = new HashMap<>();
  /** The maintenance window each agent's state was told with (drained ahead of, or open). */
  private final Map<String, Estate.Maintenance> windows = new HashMap<>();
  private final Map<String, PoolNode> nodes = new HashMap<>();
  private final Map<String, List<String>> agentsByPool = new TreeMap<>();
  private final Map<String, FrameworkInfo> frameworks = new HashMap<>();
  private final Map<String, Double> weights = new HashMap<>();
  private final Map<String, Quota> quotas = new HashMap<>();
  private final Map<String, WorkloadDemand> demands = new HashMap<>();
  /** The retry settings told to the engine, by Job. */
  private final Map<String, io.poolbridge.engine.JobPolicy> policies = new HashMap<>();
  private final Map<String, Admission> admissions = new HashMap<>();
  /**
   * Per Workload, the instances listed in its demand above {@code instances} (a rollout's surge
   * instances, a scheduled Job's runs alongside): what the allocation loop last asked for, or, for a
   * Workload first seen, what its status records (so that those placed before a restart are restored).
   */
  private final Map<String, Integer> extras = new HashMap<>();
  private Set<String> offered = Set.of();
  private List<String> roleConflicts = List.of();
  private List<Estate.SharedNode> shared = List.of();
  private boolean rebuild;
  private final java.time.Duration nodeGrace;
  /** When this sync first saw each NotReady Node (for Nodes whose Ready condition has no transition time). */
  private final Map<String, Instant> notReadySeen = new HashMap<>();
  /** When the next held NotReady node's grace period ends; null when none is held. */
  private Instant nextExpiry;

  private EstateSync(ResourceSchema schema, Prices prices, Map<String, String> pricing, java.time.Duration nodeGrace) {
    this.schema = schema;
    this.prices = prices;
    this.pricing = pricing;
    this.nodeGrace = nodeGrace;
  }

  /** A sync for the estate {@code cache} holds now: its schema and prices; nothing told to any engine yet. */
  public static EstateSync forEstate(EstateCache cache, ExchangeRates rates) {
    return forEstate(cache, rates, PoolbridgeOperator.Config.DEFAULT_NODE_GRACE);
  }

  /** As {@link #forEstate(EstateCache, ExchangeRates)}, with the grace period a NotReady Node keeps its instances. */
  public static EstateSync forEstate(EstateCache cache, ExchangeRates rates, java.time.Duration nodeGrace) {
    ResourceSchema schema = schemaOf(cache);
    List<ResourcePool> pools = live(cache.pools());
    return new EstateSync(schema, PoolPrices.of(schema, pools, rates), pricing(pools), nodeGrace);
  }

  public ResourceSchema schema() {
    return schema;
  }

  public Prices prices() {
    return prices;
  }

  /** Whether the engine must be rebuilt (the estate's schema or prices changed); see the class comment. */
  public boolean needsRebuild() {
    return rebuild;
  }

  /** The estate's schema: every resource some node has or some Framework or Workload names, ordered as {@code simulate} orders it. */
  static ResourceSchema schemaOf(EstateCache cache) {
    List<ResourcePool> pools = livePools(cache);
    return schemaOf(cache, pools, assign(cache, pools));
  }

  private static ResourceSchema schemaOf(EstateCache cache, List<ResourcePool> pools, Estate.NodeAssignment assignment) {
    List<PoolNode> all = new ArrayList<>();
    for (ResourcePool pool : pools) {
      all.addAll(Estate.staticNodes(pool));
      all.addAll(assignment.nodesByPool().get(pool.getMetadata().getName()));
    }
    return Estate.schema(all, Estate.resourcesNamed(live(cache.frameworks()), live(cache.workloads())));
  }

  private static Map<String, String> pricing(Collection<ResourcePool> pools) {
    Map<String, String> key = new TreeMap<>();
    for (ResourcePool p : pools) {
      key.put(p.getMetadata().getName(), PoolPrices.currency(p) + " " + p.getSpec().cost());
    }
    return key;
  }

  /**
   * What allocation still counts: a Workload being deleted releases at once; a pool being deleted
   * stays until it has drained, a Framework being deleted while Workloads use it stays (its
   * deletion is held until they go).
   */
  static <T extends io.fabric8.kubernetes.api.model.HasMetadata> List<T> live(Collection<T> objects) {
    List<T> live = new ArrayList<>();
    for (T o : objects) {
      if (o.getMetadata().getDeletionTimestamp() == null || !(o instanceof Workload)) {
        live.add(o);
      }
    }
    return live;
  }

  /**
   * The Nodes of each Kubernetes-source pool: from this cluster, or from the remote cluster its
   * kubeconfig Secret names (pools sharing a cluster share its Nodes, and a Node two of them select
   * goes to the first by name, as in {@link Estate#assignNodes}). A remote cluster that cannot be
   * read gives its pools no Nodes; the pools' status says why.
   */
  static Estate.NodeAssignment assign(EstateCache cache, List<ResourcePool> pools) {
    RemoteClusters remotes = cache.remotes();
    if (remotes == null) {
      return Estate.assignNodes(pools, liveNodes(cache.nodes()));
    }
    Map<RemoteClusters.Ref, List<ResourcePool>> byCluster = new LinkedHashMap<>();
    List<ResourcePool> local = new ArrayList<>();
    for (ResourcePool pool : pools) {
      RemoteClusters.Ref ref = remotes.refOf(pool);
      if (ref == null) {
        local.add(pool);
      } else {
        byCluster.computeIfAbsent(ref, r -> new ArrayList<>()).add(pool);
      }
    }
    remotes.use(byCluster.keySet());
    Estate.NodeAssignment here = Estate.assignNodes(local, liveNodes(cache.nodes()));
    Map<String, List<PoolNode>> nodesByPool = new LinkedHashMap<>(here.nodesByPool());
    List<Estate.SharedNode> shared = new ArrayList<>(here.shared());
    byCluster.forEach((ref, clusterPools) -> {
      Estate.NodeAssignment there = Estate.assignNodes(clusterPools, liveNodes(remotes.nodes(ref)));
      nodesByPool.putAll(there.nodesByPool());
      shared.addAll(there.shared());
    });
    return new Estate.NodeAssignment(nodesByPool, shared);
  }

  /** The pools allocation counts (those being deleted too: they drain), by name. */
  private static List<ResourcePool> livePools(EstateCache cache) {
    List<ResourcePool> pools = live(cache.pools());
    pools.sort(java.util.Comparator.comparing(p -> p.getMetadata().getName()));
    return pools;
  }

  /** Nodes not being deleted, by name: agents join in simulate's order, whatever order the cache keeps. */
  private static List<Node> liveNodes(Collection<Node> nodes) {
    List<Node> live = new ArrayList<>();
    for (Node n : nodes) {
      if (n.getMetadata().getDeletionTimestamp() == null) {
        live.add(n);
      }
    }
    live.sort(java.util.Comparator.comparing(n -> n.getMetadata().getName()));
    return live;
  }

  /**
   * Posts to {@code engine} what changed: pools and nodes when {@code pools} (their agents, states
   * at {@code now}, and the nodes' health), frameworks and roles when {@code frameworks}, and the
   * Workloads named in {@code workloadKeys} (all of them when a framework, namespace or the
   * resources offered changed).
   */
  public void apply(Engine engine, EstateCache cache, boolean pools, boolean frameworksChanged, Set<String> workloadKeys,
      boolean allWorkloads, Instant now) {
    boolean everyWorkload = allWorkloads;
    if (pools || frameworksChanged) {
      // The Nodes are assigned to pools once per change, for the schema check and the agents both.
      List<ResourcePool> live = livePools(cache);
      Estate.NodeAssignment assignment = assign(cache, live);
      if (!schema.names().containsAll(schemaOf(cache, live, assignment).names()) || !pricing.equals(pricing(live))) {
        // A resource the schema lacks (its place and fairness follow simulate's order) or a new price.
        rebuild = true;
        return;
      }
      if (pools) {
        everyWorkload |= syncAgents(engine, cache, live, assignment, now);
      }
    }
    if (frameworksChanged) {
      syncFrameworks(engine, cache);
      everyWorkload = true;
    }
    if (everyWorkload) {
      Set<String> keys = new HashSet<>(demands.keySet());
      keys.addAll(admissions.keySet());
      for (Workload w : cache.workloads()) {
        keys.add(Workloads.key(w));
      }
      syncWorkloads(engine, cache, keys);
    } else if (!workloadKeys.isEmpty()) {
      syncWorkloads(engine, cache, workloadKeys);
    }
  }

  /**
   * Re-reads the states of nodes whose pools have maintenance windows, and of NotReady nodes whose
   * grace period has ended (both change with time alone).
   */
  public void applyTime(Engine engine, EstateCache cache, Instant now) {
    if (nextExpiry != null && !now.isBefore(nextExpiry)) {
      apply(engine, cache, true, false, Set.of(), false, now);
    }
    for (ResourcePool pool : live(cache.pools())) {
      if (pool.getSpec().maintenance() == null || pool.getSpec().maintenance().isEmpty()) {
        continue;
      }
      for (String agentId : agentsByPool.getOrDefault(pool.getMetadata().getName(), List.of())) {
        AgentState state = state(pool, nodes.get(agentId), now);
        setState(engine, agentId, state, window(pool, nodes.get(agentId), now, state));
      }
    }
  }

  private static AgentState state(ResourcePool pool, PoolNode node, Instant now) {
    if (pool.getMetadata().getDeletionTimestamp() != null) {
      // A deleted pool drains: nothing new lands on its nodes, what runs there is placed elsewhere.
      return AgentState.DRAINING;
    }
    AgentState state = Estate.state(pool, node, now);
    if (state == AgentState.ACTIVE) {
      // Within a window's drainBefore: drained ahead of it.
      Estate.Maintenance m = Estate.maintenance(pool, node, now);
      if (m != null) {
        return m.state();
      }
    }
    return state;
  }

  /** The maintenance window behind {@code state}, or {@code null} when the state has another cause. */
  private static Estate.Maintenance window(ResourcePool pool, PoolNode node, Instant now, AgentState state) {
    if (pool.getMetadata().getDeletionTimestamp() != null || state == AgentState.DOWN || state == AgentState.ACTIVE) {
      return null;
    }
    Estate.Maintenance m = Estate.maintenance(pool, node, now);
    return m != null && m.state() == state ? m : null;
  }

  /** Returns whether the resources offered changed (Workloads refused for a resource may now be admitted). */
  private boolean syncAgents(Engine engine, EstateCache cache, List<ResourcePool> pools, Estate.NodeAssignment assignment,
      Instant now) {
    shared = assignment.shared();
    Map<String, AgentInfo> wanted = new LinkedHashMap<>();
    Map<String, AgentState> wantedStates = new HashMap<>();
    Map<String, Estate.Maintenance> wantedWindows = new HashMap<>();
    Map<String, PoolNode> wantedNodes = new HashMap<>();
    Map<String, List<String>> byPool = new TreeMap<>();
    Set<String> lost = new HashSet<>();
    Instant held = null;
    for (ResourcePool pool : pools) {
      String name = pool.getMetadata().getName();
      List<PoolNode> poolNodes = new ArrayList<>(Estate.staticNodes(pool));
      poolNodes.addAll(assignment.nodesByPool().get(name));
      List<String> ids = new ArrayList<>();
      for (PoolNode node : poolNodes) {
        AgentInfo agent = Estate.agent(schema, pool, node);
        wanted.put(agent.id(), agent);
        AgentState wantedState = state(pool, node, now);
        if (!node.ready() && agents.containsKey(agent.id()) && !engine.allocator().usage(agent.id()).allocated().isEmpty()) {
          // NotReady with instances on it: held through the grace period, then lost (see notReadySince).
          Instant expiry = notReadySince(cache, node.name(), now).plus(nodeGrace);
          if (now.isBefore(expiry)) {
            wantedState = state(pool, new PoolNode(node.name(), node.address(), node.zone(), node.capacity(), node.labels(), true), now);
            held = held == null || expiry.isBefore(held) ? expiry : held;
          } else {
            lost.add(agent.id());
          }
        }
        wantedStates.put(agent.id(), wantedState);
        wantedWindows.put(agent.id(), window(pool, node, now, wantedState));
        wantedNodes.put(agent.id(), node);
        ids.add(agent.id());
      }
      byPool.put(name, ids);
    }
    nextExpiry = held;
    notReadySeen.keySet().retainAll(notReadyNames(cache));
    for (String id : new ArrayList<>(agents.keySet())) {
      // A node gone, or NotReady past its grace period: its instances are lost (the latter joins again, down).
      if (!wanted.containsKey(id) || lost.contains(id)) {
        engine.removeAgent(id);
        agents.remove(id);
        states.remove(id);
        windows.remove(id);
      }
    }
    wanted.forEach((id, agent) -> {
      AgentInfo told = agents.get(id);
      if (told == null) {
        engine.addAgent(agent);
        agents.put(id, agent);
        states.put(id, AgentState.ACTIVE);
      } else if (!told.equals(agent)) {
        engine.updateAgent(agent);
        agents.put(id, agent);
      }
      setState(engine, id, wantedStates.get(id), wantedWindows.get(id));
    });
    nodes.clear();
    nodes.putAll(wantedNodes);
    agentsByPool.clear();
    agentsByPool.putAll(byPool);
    Set<String> nowOffered = new HashSet<>();
    for (PoolNode n : wantedNodes.values()) {
      nowOffered.addAll(n.capacity().keySet());
    }
    boolean changed = !nowOffered.equals(offered);
    offered = Set.copyOf(nowOffered);
    return changed;
  }

  /**
   * Since when a Node is NotReady: its Ready condition's last transition time, or when this sync
   * first saw it NotReady when the condition does not say.
   */
  private Instant notReadySince(EstateCache cache, String nodeName, Instant now) {
    for (Node n : cache.nodes()) {
      if (n.getMetadata().getName().equals(nodeName) && n.getStatus() != null && n.getStatus().getConditions() != null) {
        for (io.fabric8.kubernetes.api.model.NodeCondition c : n.getStatus().getConditions()) {
          if ("Ready".equals(c.getType()) && c.getLastTransitionTime() != null) {
            try {
              return OffsetDateTime.parse(c.getLastTransitionTime()).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
              break;
            }
          }
        }
      }
    }
    return notReadySeen.computeIfAbsent(nodeName, k -> now);
  }

  private static Set<String> notReadyNames(EstateCache cache) {
    Set<String> names = new HashSet<>();
    for (Node n : cache.nodes()) {
      if (!Estate.kubernetesNode(n).ready()) {
        names.add(n.getMetadata().getName());
      }
    }
    return names;
  }

  private void setState(Engine engine, String agentId, AgentState state, Estate.Maintenance window) {
    if (states.get(agentId) != state || !java.util.Objects.equals(windows.get(agentId), window)) {
      if (window != null) {
        engine.setMaintenance(agentId, state, window.start(), window.reason());
        windows.put(agentId, window);
      } else {
        engine.setAgentState(agentId, state);
        windows.remove(agentId);
      }
      states.put(agentId, state);
    }
  }

  private void syncFrameworks(Engine engine, EstateCache cache) {
    Map<String, Framework> byName = new TreeMap<>();
    for (Framework fw : live(cache.frameworks())) {
      byName.put(fw.getMetadata().getName(), fw);
    }
    for (String id : new ArrayList<>(frameworks.keySet())) {
      if (!byName.containsKey(id)) {
        engine.removeFramework(id);
        frameworks.remove(id);
        demands.values().removeIf(d -> d.frameworkId().equals(id));
      }
    }
    RoleOwnership ownership = RoleOwnership.of(byName.values());
    roleConflicts = ownership.conflicts().stream().map(RoleOwnership.Conflict::message).toList();
    for (Framework fw : byName.values()) {
      FrameworkInfo info = Estate.framework(schema, fw);
      FrameworkInfo told = frameworks.get(info.id());
      if (told == null) {
        engine.addFramework(info);
      } else if (!told.equals(info)) {
        engine.updateFramework(info);
        if (!told.role().equals(info.role())) {
          // The role the framework left may have been dropped with its weight and quota.
          weights.remove(told.role());
          quotas.remove(told.role());
        }
      }
      frameworks.put(info.id(), info);
    }
    Set<String> roles = new TreeSet<>();
    frameworks.values().forEach(f -> roles.add(f.role()));
    weights.keySet().retainAll(roles);
    quotas.keySet().retainAll(roles);
    for (String role : roles) {
      double weight = ownership.weight(role);
      if (!Objects.equals(weights.get(role), weight)) {
        engine.setWeight(role, weight);
        weights.put(role, weight);
      }
      Quota quota = ownership.quota(role, schema);
      Quota q = quota == null ? Quota.NONE : quota;
      if (!q.equals(quotas.getOrDefault(role, Quota.NONE))) {
        engine.setQuota(role, q);
      }
      quotas.put(role, q);
    }
  }

  private void syncWorkloads(Engine engine, EstateCache cache, Set<String> keys) {
    Map<String, Framework> byName = new HashMap<>();
    for (Framework fw : live(cache.frameworks())) {
      byName.put(fw.getMetadata().getName(), fw);
    }
    Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    for (String key : new TreeSet<>(keys)) {
      Workload w = cache.workload(key);
      if (w == null || w.getMetadata().getDeletionTimestamp() != null) {
        forget(engine, key);
        continue;
      }
      String ns = w.getMetadata().getNamespace();
      namespaceLabels.computeIfAbsent(ns, n -> {
        Map<String, String> l = cache.namespaceLabels(n);
        return l == null ? Map.of() : l;
      });
      Framework fw = byName.get(w.getSpec().framework());
      if (fw != null && !frameworks.containsKey(fw.getMetadata().getName())) {
        fw = null;
      }
      int extra = extras.computeIfAbsent(key, k -> Workloads.recordedExtra(w));
      Workloads.Mapped mapped = Workloads.map(w, fw, schema, offered, namespaceLabels, created(w), extra);
      if (mapped instanceof Workloads.Demand d) {
        WorkloadDemand told = demands.get(key);
        if (!d.demand().equals(told)) {
          engine.upsert(d.demand());
          demands.put(key, d.demand());
        }
        if (w.getSpec().kind() == io.poolbridge.api.v1alpha1.WorkloadSpec.WorkloadKind.Job) {
          io.poolbridge.engine.JobPolicy policy = Workloads.jobPolicy(w);
          if (!policy.equals(policies.get(key))) {
            engine.setJobPolicy(key, policy);
            policies.put(key, policy);
          }
        }
        admissions.put(key, new Admitted(d.demand()));
      } else {
        if (demands.remove(key) != null) {
          engine.delete(key);
        }
        policies.remove(key);
        extras.remove(key);
        admissions.put(key, mapped instanceof Workloads.Refused r ? new Refused(r.refusal()) : new Suspended());
      }
    }
  }

  private void forget(Engine engine, String key) {
    policies.remove(key);
    extras.remove(key);
    if (demands.remove(key) != null) {
      engine.delete(key);
    }
    admissions.remove(key);
  }

  /** A Workload's creation order: its creation time in seconds (ties go by key, as in {@code simulate}). */
  static long created(Workload w) {
    String ts = w.getMetadata().getCreationTimestamp();
    if (ts == null) {
      return 0;
    }
    try {
      return OffsetDateTime.parse(ts).toInstant().getEpochSecond();
    } catch (java.time.format.DateTimeParseException e) {
      return 0;
    }
  }

  /** What the operator made of a Workload, or null when it is not known (deleted, or not seen yet). */
  public Admission admission(String workloadKey) {
    return admissions.get(workloadKey);
  }

  /** The instances listed in {@code workloadKey}'s demand above {@code instances} (surge, runs alongside). */
  public int extra(String workloadKey) {
    return extras.getOrDefault(workloadKey, 0);
  }

  /**
   * Asks for {@code extra} instances above {@code instances} in {@code workloadKey}'s demand (a
   * rollout's surge, a scheduled Job's runs alongside; bounded by {@link Workloads#extra}), told to
   * the engine when the Workload is next synced (a change of it must be posted, or {@link #apply}
   * called for it).
   *
   * @return whether that changes what was asked
   */
  public boolean setExtra(String workloadKey, int extra) {
    Integer before = extras.put(workloadKey, Math.max(0, extra));
    return before == null ? extra > 0 : before != Math.max(0, extra);
  }

  /** The node behind an agent, as read: readiness, address, zone. */
  public PoolNode node(String agentId) {
    return nodes.get(agentId);
  }

  /** The agents of each pool, by pool name. */
  public Map<String, List<String>> agentsByPool() {
    return agentsByPool;
  }

  /** Frameworks sharing a role with another that owns its weight and quota. */
  public List<String> roleConflicts() {
    return roleConflicts;
  }

  /** The quota told to the engine for each role, in the allocator's base units. */
  public Map<String, Quota> quotas() {
    return Map.copyOf(quotas);
  }

  /** Nodes that several pools select. */
  public List<Estate.SharedNode> sharedNodes() {
    return shared;
  }
}
