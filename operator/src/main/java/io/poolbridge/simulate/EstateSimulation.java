package io.poolbridge.simulate;

import io.fabric8.kubernetes.api.model.Node;
import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.AgentUsage;
import io.poolbridge.allocator.Allocator;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.Estate;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.estate.PoolNode;
import io.poolbridge.estate.PoolPrices;
import io.poolbridge.estate.Refusal;
import io.poolbridge.estate.RoleOwnership;
import io.poolbridge.estate.Workloads;
import io.poolbridge.scheduler.Amounts;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.ExchangeRates;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.engine.Simulation;
import io.poolbridge.engine.SimulationReport;
import io.poolbridge.scheduler.Unplaced;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a loaded estate through both levels of allocation, as the operator would at {@code at}:
 * pools become agents (maintenance windows open at {@code at} take their nodes out of service),
 * Frameworks become roles and frameworks, Workloads their pending instances. What the operator
 * would refuse with a condition (a namespace the framework does not list, a NodeLease through an
 * External framework, a framework or resource that does not exist) is reported as pending with
 * that reason, not as an error.
 */
public final class EstateSimulation {
  /** The allocation interval of simulated time. */
  public static final Duration INTERVAL = Duration.ofSeconds(1);

  private final EstateLoader.Input input;
  private final long seed;
  private final Instant at;
  private final ExchangeRates rates;

  public EstateSimulation(EstateLoader.Input input, long seed, Instant at) {
    this(input, seed, at, ExchangeRates.NONE);
  }

  /** A simulation that compares pools priced in different currencies through {@code rates}. */
  public EstateSimulation(EstateLoader.Input input, long seed, Instant at, ExchangeRates rates) {
    this.input = input.canonical();
    this.seed = seed;
    this.at = at;
    this.rates = rates;
  }

  /** Live Workloads whose recorded placements the run starts from, by key; empty: it starts from nothing placed. */
  private final Map<String, Workload> records = new TreeMap<>();

  /** The cluster each pool that reads another cluster's Nodes reads them from, by pool name; and those Nodes, by cluster. */
  private final Map<String, String> clusterOfPool = new TreeMap<>();
  private final Map<String, List<Node>> nodesOfCluster = new TreeMap<>();

  /** How many recorded placements the last {@link #run} restored, and those it could not (the instance is placed afresh). */
  private int restored;
  private final List<String> notRestored = new ArrayList<>();

  /**
   * Starts from the placements the statuses of {@code recorded} list (what the operator restores
   * after a restart) instead of from nothing placed: each is restored into the input's Workload of
   * the same namespace and name, unless that one is refused, suspended or moved to another
   * Framework (the operator would place it afresh). A record the engine cannot take (its node or its
   * instance is gone) is dropped and the instance placed again, as the operator does.
   */
  public EstateSimulation restoring(java.util.Collection<Workload> recorded) {
    recorded.forEach(w -> records.put(key(w), w));
    return this;
  }

  /**
   * The pools that read another cluster's Nodes ({@code clusterOfPool}: pool name to a name of that
   * cluster) and the Nodes of each such cluster: those pools select among them (a Node the
   * selectors of several pools of one cluster pick goes to the first by name), the other
   * Kubernetes-source pools among the input's Nodes, as the operator assigns them.
   */
  public EstateSimulation withClusters(Map<String, String> clusterOfPool, Map<String, List<Node>> nodesOfCluster) {
    this.clusterOfPool.putAll(clusterOfPool);
    this.nodesOfCluster.putAll(nodesOfCluster);
    return this;
  }

  /** How many recorded placements the last run restored. */
  public int restored() {
    return restored;
  }

  /** The recorded placements the last run could not restore, one line each: {@code <namespace>/<workload>: <instance>: <why>}. */
  public List<String> notRestored() {
    return List.copyOf(notRestored);
  }

  private Estate.NodeAssignment assign(List<ResourcePool> allPools, List<Node> kubernetesNodes) {
    if (clusterOfPool.isEmpty()) {
      return Estate.assignNodes(allPools, kubernetesNodes);
    }
    List<ResourcePool> local = allPools.stream().filter(p -> !clusterOfPool.containsKey(p.getMetadata().getName())).toList();
    Estate.NodeAssignment here = Estate.assignNodes(local, kubernetesNodes);
    Map<String, List<PoolNode>> byPool = new TreeMap<>(here.nodesByPool());
    List<Estate.SharedNode> shared = new ArrayList<>(here.shared());
    for (String cluster : new java.util.TreeSet<>(clusterOfPool.values())) {
      List<ResourcePool> there = allPools.stream().filter(p -> cluster.equals(clusterOfPool.get(p.getMetadata().getName()))).toList();
      Estate.NodeAssignment a = Estate.assignNodes(there, nodesOfCluster.getOrDefault(cluster, List.of()));
      byPool.putAll(a.nodesByPool());
      shared.addAll(a.shared());
    }
    return new Estate.NodeAssignment(byPool, shared);
  }

  /** Runs until stable (or {@code maxRounds} rounds) and reports. */
  public SimulationOutcome run(int maxRounds) {
    List<String> warnings = new ArrayList<>(input.skipped());
    Map<String, ResourcePool> pools = new LinkedHashMap<>();
    Map<String, List<PoolNode>> nodesByPool = new LinkedHashMap<>();
    List<Node> kubernetesNodes = input.nodes().stream().map(EstateLoader.Loaded::object).toList();
    List<PoolNode> allNodes = new ArrayList<>();
    Estate.NodeAssignment assignment =
        assign(input.pools().stream().map(EstateLoader.Loaded::object).toList(), kubernetesNodes);
    for (Estate.SharedNode shared : assignment.shared()) {
      warnings.add("node " + shared.node() + " is selected by pools " + shared.owner() + " and " + String.join(" and ", shared.others())
          + ": it belongs to " + shared.owner() + " only (the pool whose name sorts first)");
    }
    for (var loaded : input.pools()) {
      ResourcePool pool = loaded.object();
      String name = pool.getMetadata().getName();
      List<PoolNode> nodes = new ArrayList<>(Estate.staticNodes(pool));
      nodes.addAll(assignment.nodesByPool().get(name));
      boolean lostAll = assignment.shared().stream().anyMatch(sh -> sh.others().contains(name));
      if (nodes.isEmpty()) {
        warnings.add("pool " + name + " has no nodes"
            + (lostAll ? ": the Nodes its nodeSelector matches belong to other pools"
                : pool.getSpec().source().kubernetes() != null ? ": no Node in the input matches its nodeSelector" : ""));
      }
      pools.put(name, pool);
      nodesByPool.put(name, nodes);
      allNodes.addAll(nodes);
    }
    // The schema holds every resource a quota or Workload names besides the nodes' own: a guarantee
    // of a resource no node has stays unmet instead of vanishing. What the nodes offer is what
    // Workloads may ask for.
    Set<String> offered = Set.copyOf(Estate.schema(allNodes).names());
    ResourceSchema schema = Estate.schema(allNodes, Estate.resourcesNamed(
        input.frameworks().stream().map(EstateLoader.Loaded::object).toList(),
        input.workloads().stream().map(EstateLoader.Loaded::object).toList()));
    Prices prices = PoolPrices.of(schema, pools.values(), rates);
    warnings.addAll(PoolPrices.incomparable(prices, pools.values(), rates));
    Simulation simulation = new Simulation(schema, prices, INTERVAL, seed);
    Allocator allocator = simulation.allocator();
    Map<String, AgentInfo> agents = new LinkedHashMap<>();
    Map<String, Boolean> readyAgents = new TreeMap<>();
    Map<String, AgentState> states = new TreeMap<>();
    Map<String, Estate.Maintenance> drainingAhead = new TreeMap<>();
    nodesByPool.forEach((poolName, nodes) -> {
      ResourcePool pool = pools.get(poolName);
      for (PoolNode node : nodes) {
        AgentInfo agent = Estate.agent(schema, pool, node);
        simulation.addAgent(agent);
        agents.put(agent.id(), agent);
        AgentState state = Estate.state(pool, node, at);
        simulation.setAgentState(agent.id(), state);
        states.put(agent.id(), state);
        Estate.Maintenance m = state == AgentState.ACTIVE ? Estate.maintenance(pool, node, at) : null;
        if (m != null) {
          // Drained ahead of its window: placed as before the lead, then drained (below).
          drainingAhead.put(agent.id(), m);
        }
        readyAgents.put(agent.id(), state == AgentState.ACTIVE && m == null);
      }
    });

    Map<String, Framework> frameworks = new TreeMap<>();
    input.frameworks().forEach(l -> frameworks.put(l.object().getMetadata().getName(), l.object()));
    RoleOwnership ownership = RoleOwnership.of(frameworks.values());
    for (Framework fw : frameworks.values()) {
      String role = fw.getSpec().role();
      simulation.addFramework(Estate.framework(schema, fw));
      if (fw.getMetadata().getName().equals(ownership.owner(role))) {
        simulation.setWeight(role, ownership.weight(role));
        Quota quota = ownership.quota(role, schema);
        if (quota != null) {
          simulation.setQuota(role, quota);
          new TreeMap<>(quota.guarantee()).forEach((resource, amount) -> {
            if (amount > 0 && !offered.contains(resource)) {
              warnings.add("framework " + fw.getMetadata().getName() + " guarantees " + resource + " "
                  + Amounts.quantity(resource, amount) + ", which no node has: its guarantee stays unmet until a pool offers "
                  + resource);
            }
          });
        }
      }
    }
    ownership.conflicts().forEach(c -> warnings.add(c.message()));

    Map<String, List<SimulationOutcome.Pending>> refused = new LinkedHashMap<>();
    List<Workload> workloads = new ArrayList<>();
    long created = 0;
    for (var loaded : input.workloads()) {
      Workload w = loaded.object();
      workloads.add(w);
      Workloads.Mapped mapped =
          Workloads.map(w, frameworks.get(w.getSpec().framework()), schema, offered, input.namespaceLabels(), created);
      if (mapped instanceof Workloads.Refused r) {
        refused.put(key(w), pendingAll(w, r.refusal()));
      } else if (mapped instanceof Workloads.Demand d && w.getSpec().schedule() != null && records.get(key(w)) == null) {
        // A scheduled Job with no run recorded waits for its first scheduled run, as the operator
        // has it: nothing is placed for it; its next run is shown.
        created++;
      } else if (mapped instanceof Workloads.Demand d) {
        simulation.submit(d.demand());
        created++;
      }
    }
    if (!records.isEmpty()) {
      restore(simulation, schema, workloads, refused.keySet(), states);
    }

    SimulationReport report = simulation.run(maxRounds);
    List<SimulationOutcome.Drain> draining = new ArrayList<>();
    if (!drainingAhead.isEmpty()) {
      // The nodes within a window's drainBefore at `at`: what ran there is drained make-before-break.
      SimulationReport before = report;
      drainingAhead.forEach((id, m) -> simulation.setMaintenance(id, AgentState.DRAINING, m.start(), m.reason()));
      report = simulation.run(maxRounds);
      draining = drains(before, report, drainingAhead, agents);
    }
    return outcome(report, schema, allocator, pools, nodesByPool, agents, readyAgents, frameworks, workloads, refused, warnings,
        draining);
  }

  /** What draining ahead of a window moved off each node, and what stays there until it opens. */
  private static List<SimulationOutcome.Drain> drains(SimulationReport before, SimulationReport after,
      Map<String, Estate.Maintenance> drainingAhead, Map<String, AgentInfo> agents) {
    Map<String, String> was = new LinkedHashMap<>();
    Map<String, String> is = new LinkedHashMap<>();
    before.workloads().forEach(w -> w.placed().forEach(a -> was.put(a.instanceId(), a.agentId())));
    after.workloads().forEach(w -> w.placed().forEach(a -> is.put(a.instanceId(), a.agentId())));
    List<SimulationOutcome.Drain> drains = new ArrayList<>();
    drainingAhead.forEach((id, m) -> {
      List<String> moved = new ArrayList<>();
      List<String> staying = new ArrayList<>();
      was.forEach((instance, agent) -> {
        if (!agent.equals(id)) {
          return;
        }
        String now = is.get(instance);
        if (id.equals(now)) {
          staying.add(instance);
        } else {
          moved.add(instance + " -> " + (now == null ? "pending" : agents.get(now).attributes().get(Estate.HOSTNAME)));
        }
      });
      AgentInfo agent = agents.get(id);
      drains.add(new SimulationOutcome.Drain(agent.pool(), agent.attributes().get(Estate.HOSTNAME), m.start().toString(), m.reason(),
          moved, staying));
    });
    return drains;
  }

  private static String key(Workload w) {
    return Workloads.key(w);
  }

  /**
   * Restores the recorded placements into the engine as the operator's rebuild does: Workloads in
   * key order, a record the engine refuses dropped; then the nodes' states again, so that an
   * instance recorded on a node that cannot take work any more is moved off at the first round.
   */
  private void restore(Simulation simulation, ResourceSchema schema, List<Workload> workloads, Set<String> refused,
      Map<String, AgentState> states) {
    restored = 0;
    notRestored.clear();
    Map<String, Workload> current = new TreeMap<>();
    workloads.forEach(w -> current.put(key(w), w));
    for (var e : records.entrySet()) {
      Workload now = current.get(e.getKey());
      if (now == null || refused.contains(e.getKey()) || Workloads.suspended(now)
          || !now.getSpec().framework().equals(e.getValue().getSpec().framework())) {
        continue;
      }
      List<io.poolbridge.engine.RecordedPlacement> placements;
      try {
        placements = Workloads.recorded(schema, e.getValue());
      } catch (RuntimeException ex) {
        notRestored.add(e.getKey() + ": its status is not a record poolbridge can read: " + ex.getMessage());
        continue;
      }
      for (io.poolbridge.engine.RecordedPlacement p : placements) {
        try {
          simulation.engine().restore(p);
          restored++;
        } catch (IllegalArgumentException ex) {
          notRestored.add(e.getKey() + ": " + displayName(p.instanceId()) + ": " + ex.getMessage());
        }
      }
    }
    // The state each node was given when added, set again now that it holds instances.
    states.forEach((agent, state) -> {
      if (state != AgentState.ACTIVE) {
        simulation.setAgentState(agent, state);
      }
    });
  }

  private static List<SimulationOutcome.Pending> pendingAll(Workload w, Refusal refusal) {
    List<SimulationOutcome.Pending> pending = new ArrayList<>();
    for (String id : Workloads.instanceIds(w)) {
      pending.add(new SimulationOutcome.Pending(displayName(id), refusal.code(), refusal.message()));
    }
    return pending;
  }

  /** The name users know an instance by, within its workload's namespace: {@code web-0} for {@code ns1/web-0}. */
  static String displayName(String instanceId) {
    return Workloads.displayName(instanceId);
  }

  private SimulationOutcome outcome(
      SimulationReport report,
      ResourceSchema schema,
      Allocator allocator,
      Map<String, ResourcePool> pools,
      Map<String, List<PoolNode>> nodesByPool,
      Map<String, AgentInfo> agents,
      Map<String, Boolean> readyAgents,
      Map<String, Framework> frameworks,
      List<Workload> workloads,
      Map<String, List<SimulationOutcome.Pending>> refused,
      List<String> warnings,
      List<SimulationOutcome.Drain> draining) {
    List<SimulationOutcome.Pool> poolRows = new ArrayList<>();
    for (var e : nodesByPool.entrySet()) {
      ResourcePool pool = pools.get(e.getKey());
      long[] capacity = new long[schema.size()];
      long[] allocated = new long[schema.size()];
      long[] available = new long[schema.size()];
      int ready = 0;
      for (PoolNode node : e.getValue()) {
        String id = Estate.agentId(e.getKey(), node.name());
        AgentUsage usage = allocator.usage(id);
        add(capacity, usage.total());
        add(allocated, usage.allocated());
        if (readyAgents.get(id)) {
          // Only a node that can take new work (ready, no maintenance window open) has room to offer.
          ready++;
          add(available, usage.free());
        }
      }
      for (int i = 0; i < capacity.length; i++) {
        if (capacity[i] == 0) {
          allocated[i] = 0;
          available[i] = 0;
        }
      }
      Map<String, String> capacityAmounts = amounts(schema, capacity, false);
      Map<String, String> allocatedAmounts = amounts(schema, allocated, true);
      Map<String, String> availableAmounts = amounts(schema, available, true);
      allocatedAmounts.keySet().retainAll(capacityAmounts.keySet());
      availableAmounts.keySet().retainAll(capacityAmounts.keySet());
      poolRows.add(new SimulationOutcome.Pool(
          e.getKey(), pool.getSpec().provider(), pool.getSpec().region(), e.getValue().size(), ready,
          capacityAmounts, allocatedAmounts, availableAmounts));
    }

    List<SimulationOutcome.WorkloadPlacement> workloadRows = new ArrayList<>();
    for (Workload w : workloads) {
      String key = key(w);
      List<SimulationOutcome.Instance> placed = new ArrayList<>();
      List<SimulationOutcome.Pending> pending = new ArrayList<>(refused.getOrDefault(key, List.of()));
      Map<String, Double> cost = new TreeMap<>();
      SimulationReport.WorkloadReport wr =
          report.workloads().stream().filter(r -> r.key().equals(key)).findFirst().orElse(null);
      if (wr != null) {
        for (Assignment a : wr.placed().stream().sorted(Comparator.comparing(Assignment::instanceId, INSTANCE_ORDER)).toList()) {
          AgentInfo agent = agents.get(a.agentId());
          String currency = PoolPrices.currency(pools.get(a.pool()));
          Double price = roundPrice(a.pricePerHour());
          placed.add(new SimulationOutcome.Instance(
              displayName(a.instanceId()), agent.attributes().get(Estate.HOSTNAME), a.pool(), agent.attributes().get(Estate.ZONE),
              amounts(schema, a.resources().toArray(), false), a.revocable(),
              price == null ? null : String.format(java.util.Locale.ROOT, "%.4f %s", price, currency)));
          if (a.pricePerHour() != null) {
            cost.merge(currency, a.pricePerHour(), Double::sum);
          }
        }
        for (Unplaced u : wr.unplaced()) {
          pending.add(new SimulationOutcome.Pending(displayName(u.instanceId()), u.reason().code().condition(), u.reason().message()));
        }
      }
      pending.sort(Comparator.comparing(SimulationOutcome.Pending::id, INSTANCE_ORDER));
      workloadRows.add(new SimulationOutcome.WorkloadPlacement(
          w.getMetadata().getNamespace(), w.getMetadata().getName(), w.getSpec().kind().name(), w.getSpec().framework(),
          w.getSpec().instances(), placed.size(), cost.isEmpty() ? null : roundPrices(cost), placed, pending, nextRun(w, at)));
    }
    Map<String, long[]> heldBy = new TreeMap<>();
    for (SimulationReport.WorkloadReport wr : report.workloads()) {
      for (Assignment a : wr.placed()) {
        add(heldBy.computeIfAbsent(frameworkOf(workloads, wr.key()), k -> new long[schema.size()]), a.resources());
      }
    }
    // Every pending instance of the framework's workloads, refused ones included: the same lists the
    // workload rows show, so the counts agree wherever they are read.
    Map<String, Integer> pendingBy = new TreeMap<>();
    for (SimulationOutcome.WorkloadPlacement w : workloadRows) {
      pendingBy.merge(w.framework(), w.pending().size(), Integer::sum);
    }
    List<SimulationOutcome.FrameworkUse> frameworkRows = new ArrayList<>();
    for (Framework fw : frameworks.values()) {
      String name = fw.getMetadata().getName();
      frameworkRows.add(new SimulationOutcome.FrameworkUse(
          name, fw.getSpec().type().name(), fw.getSpec().role(), fw.getSpec().weightOrDefault(),
          amounts(schema, heldBy.getOrDefault(name, new long[schema.size()]), true),
          round(allocator.share(name)), round(allocator.weightedShare(name)),
          allocator.guaranteeMet(fw.getSpec().role()), shortOf(schema, allocator, fw.getSpec().role()),
          pendingBy.getOrDefault(name, 0)));
    }
    return new SimulationOutcome(
        seed, at.toString(), report.rounds(), report.stable(), poolRows, frameworkRows, workloadRows,
        draining.isEmpty() ? null : draining, report.events(), warnings);
  }

  /** A scheduled Job's next run after {@code at} (with Kubernetes CronJob's daylight-saving rules); null without a schedule. */
  static SimulationOutcome.NextRun nextRun(Workload w, Instant at) {
    io.poolbridge.api.v1alpha1.WorkloadSpec.Schedule s = w.getSpec().schedule();
    if (s == null) {
      return null;
    }
    String schedule = s.cron() + (s.timeZone() == null ? "" : " (" + s.timeZone() + ")");
    if (Boolean.TRUE.equals(s.suspend())) {
      return new SimulationOutcome.NextRun(schedule, null, null, "suspended");
    }
    try {
      io.poolbridge.lifecycle.CronSchedule cron = io.poolbridge.lifecycle.CronSchedule.parse(s.cron(), s.timeZone());
      return cron.next(at)
          .map(next -> new SimulationOutcome.NextRun(schedule, next.toString(),
              next.atZone(cron.zone()).toOffsetDateTime().toString(), null))
          .orElseGet(() -> new SimulationOutcome.NextRun(schedule, null, null, "never fires again"));
    } catch (io.poolbridge.lifecycle.InvalidScheduleException e) {
      return new SimulationOutcome.NextRun(schedule, null, null, e.getMessage());
    }
  }

  /** Instance ids in numeric order of their suffix: name-2 before name-10. */
  static final Comparator<String> INSTANCE_ORDER = Comparator
      .comparing((String id) -> id.substring(0, id.lastIndexOf('-') + 1))
      .thenComparingInt(id -> {
        try {
          return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
          return Integer.MAX_VALUE;
        }
      })
      .thenComparing(Comparator.naturalOrder());

  private static String frameworkOf(List<Workload> workloads, String key) {
    for (Workload w : workloads) {
      if (key(w).equals(key)) {
        return w.getSpec().framework();
      }
    }
    throw new IllegalStateException("no workload " + key);
  }

  // Sums saturate at Long.MAX_VALUE, as the allocator's do: a pool of nodes at the quantity bound
  // reports the largest amount, never a wrapped negative one.
  private static void add(long[] into, Resources r) {
    for (int i = 0; i < into.length; i++) {
      into[i] = saturatedAdd(into[i], r.get(i));
    }
  }

  private static void add(long[] into, long[] v) {
    for (int i = 0; i < into.length; i++) {
      into[i] = saturatedAdd(into[i], v[i]);
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }

  /** What a role's guarantee is short of, as quantities; null when it is met. */
  private static Map<String, String> shortOf(ResourceSchema schema, Allocator allocator, String role) {
    Map<String, String> shortOf = amounts(schema, allocator.guaranteeShortfall(role).toArray(), false);
    return shortOf.isEmpty() ? null : shortOf;
  }

  /** Amounts by resource name as quantities; zeros kept when {@code zeros} (so columns line up). */
  private static Map<String, String> amounts(ResourceSchema schema, long[] v, boolean zeros) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < v.length; i++) {
      if (v[i] != 0 || zeros) {
        map.put(schema.name(i), Amounts.quantity(schema.name(i), v[i]));
      }
    }
    return map;
  }

  private static double round(double share) {
    return Math.round(share * 10_000) / 10_000.0;
  }

  private static Map<String, Double> roundPrices(Map<String, Double> prices) {
    Map<String, Double> rounded = new TreeMap<>();
    prices.forEach((currency, price) -> rounded.put(currency, roundPrice(price)));
    return rounded;
  }

  private static Double roundPrice(Double price) {
    return price == null ? null : Math.round(price * 10_000) / 10_000.0;
  }
}
