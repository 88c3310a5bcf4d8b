package io.poolbridge.simulate;

import io.fabric8.kubernetes.api.model.Node;
import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.AgentUsage;
import io.poolbridge.allocator.Allocator;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.FrameworkSpec;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.estate.Estate;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.estate.PoolNode;
import io.poolbridge.estate.ResourceUnits;
import io.poolbridge.estate.Selectors;
import io.poolbridge.scheduler.Amounts;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Constraint;
import io.poolbridge.scheduler.ExchangeRates;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.engine.Simulation;
import io.poolbridge.engine.SimulationReport;
import io.poolbridge.scheduler.Strategy;
import io.poolbridge.scheduler.Unplaced;
import io.poolbridge.scheduler.WorkloadDemand;
import io.poolbridge.scheduler.WorkloadKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** Runs until stable (or {@code maxRounds} rounds) and reports. */
  public SimulationOutcome run(int maxRounds) {
    List<String> warnings = new ArrayList<>(input.skipped());
    Map<String, ResourcePool> pools = new LinkedHashMap<>();
    Map<String, List<PoolNode>> nodesByPool = new LinkedHashMap<>();
    List<Node> kubernetesNodes = input.nodes().stream().map(EstateLoader.Loaded::object).toList();
    List<PoolNode> allNodes = new ArrayList<>();
    Estate.NodeAssignment assignment =
        Estate.assignNodes(input.pools().stream().map(EstateLoader.Loaded::object).toList(), kubernetesNodes);
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
    ResourceSchema schema = Estate.schema(allNodes);
    Prices prices = prices(schema, pools.values(), rates);
    warnings.addAll(priceWarnings(prices));
    Simulation simulation = new Simulation(schema, prices, INTERVAL, seed);
    Allocator allocator = simulation.allocator();
    Map<String, AgentInfo> agents = new LinkedHashMap<>();
    Map<String, Boolean> readyAgents = new TreeMap<>();
    nodesByPool.forEach((poolName, nodes) -> {
      ResourcePool pool = pools.get(poolName);
      for (PoolNode node : nodes) {
        AgentInfo agent = Estate.agent(schema, pool, node);
        simulation.addAgent(agent);
        agents.put(agent.id(), agent);
        AgentState state = Estate.state(pool, node, at);
        allocator.setAgentState(agent.id(), state);
        readyAgents.put(agent.id(), state == AgentState.ACTIVE);
      }
    });

    Map<String, Framework> frameworks = new TreeMap<>();
    input.frameworks().forEach(l -> frameworks.put(l.object().getMetadata().getName(), l.object()));
    Map<String, String> roleOwner = new TreeMap<>();
    for (Framework fw : frameworks.values()) {
      String name = fw.getMetadata().getName();
      FrameworkSpec spec = fw.getSpec();
      simulation.addFramework(Estate.framework(schema, fw));
      String owner = roleOwner.putIfAbsent(spec.role(), name);
      if (owner == null) {
        allocator.setWeight(spec.role(), spec.weightOrDefault());
        if (spec.quota() != null) {
          simulation.setQuota(spec.role(), Estate.quota(schema, spec.quota()));
        }
      } else {
        warnings.add("framework " + name + " shares role " + spec.role() + " with " + owner
            + ": the role's weight and quota are " + owner + "'s");
      }
    }

    Map<String, List<SimulationOutcome.Pending>> refused = new LinkedHashMap<>();
    List<Workload> workloads = new ArrayList<>();
    long created = 0;
    for (var loaded : input.workloads()) {
      Workload w = loaded.object();
      workloads.add(w);
      String refusal = refusal(w, frameworks.get(w.getSpec().framework()), schema);
      if (refusal != null) {
        refused.put(key(w), pendingAll(w, refusal.substring(0, refusal.indexOf(':')), refusal.substring(refusal.indexOf(':') + 2)));
        continue;
      }
      if (suspended(w)) {
        continue;
      }
      simulation.submit(demand(schema, w, created++));
    }

    SimulationReport report = simulation.run(maxRounds);
    return outcome(report, schema, allocator, pools, nodesByPool, agents, readyAgents, frameworks, workloads, refused, warnings);
  }

  private static String key(Workload w) {
    return w.getMetadata().getNamespace() + "/" + w.getMetadata().getName();
  }

  private static boolean suspended(Workload w) {
    WorkloadSpec.Schedule s = w.getSpec().schedule();
    return s != null && Boolean.TRUE.equals(s.suspend());
  }

  /** Why the operator would not place the workload at all, as "Reason: message", or null. */
  private String refusal(Workload w, Framework fw, ResourceSchema schema) {
    WorkloadSpec spec = w.getSpec();
    String namespace = w.getMetadata().getNamespace();
    if (namespace == null) {
      return "NamespaceMissing: a Workload is namespaced; set metadata.namespace";
    }
    if (fw == null) {
      return "FrameworkNotFound: framework " + spec.framework() + " does not exist";
    }
    if (!admits(fw, namespace)) {
      return "NamespaceNotAllowed: framework " + spec.framework() + " does not list namespace " + namespace;
    }
    if (spec.kind() == WorkloadSpec.WorkloadKind.NodeLease
        && fw.getSpec().type() != FrameworkSpec.FrameworkType.KubernetesCluster) {
      return "NodeLeaseNeedsKubernetesCluster: a NodeLease lends whole nodes to a KubernetesCluster framework; "
          + spec.framework() + " is " + fw.getSpec().type();
    }
    for (String resource : spec.resources().keySet()) {
      if (!schema.contains(resource)) {
        return "ResourceNotOffered: no pool has " + resource;
      }
    }
    return null;
  }

  private boolean admits(Framework fw, String namespace) {
    FrameworkSpec.Namespaces allowed = fw.getSpec().namespaces();
    if (allowed == null) {
      return false;
    }
    if (allowed.names() != null && allowed.names().contains(namespace)) {
      return true;
    }
    Map<String, String> labels = input.namespaceLabels().get(namespace);
    return allowed.selector() != null && labels != null && Selectors.matches(allowed.selector(), labels);
  }

  private static List<SimulationOutcome.Pending> pendingAll(Workload w, String reason, String message) {
    List<SimulationOutcome.Pending> pending = new ArrayList<>();
    for (String id : instanceIds(w)) {
      pending.add(new SimulationOutcome.Pending(displayName(id), reason, message));
    }
    return pending;
  }

  /**
   * The ids of a workload's instances, unique across the cluster: {@code <namespace>/<name>-<ordinal>}
   * ({@code ns1/web-0}), so that workloads of the same name in two namespaces never share one.
   */
  private static List<String> instanceIds(Workload w) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < w.getSpec().instances(); i++) {
      ids.add(key(w) + "-" + i);
    }
    return ids;
  }

  /** The name users know an instance by, within its workload's namespace: {@code web-0} for {@code ns1/web-0}. */
  static String displayName(String instanceId) {
    return instanceId.substring(instanceId.indexOf('/') + 1);
  }

  private static WorkloadDemand demand(ResourceSchema schema, Workload w, long created) {
    WorkloadSpec spec = w.getSpec();
    WorkloadDemand.Builder b = WorkloadDemand.builder(key(w), spec.framework(), ResourceUnits.toResources(schema, spec.resources()))
        .instanceIds(instanceIds(w))
        .priority(spec.priority() == null ? 0 : spec.priority())
        .created(created)
        .strategy(spec.strategy() == WorkloadSpec.Strategy.BinPack ? Strategy.BIN_PACK : Strategy.SPREAD)
        .kind(switch (spec.kind()) {
          case Service -> WorkloadKind.SERVICE;
          case Job -> WorkloadKind.JOB;
          case NodeLease -> WorkloadKind.NODE_LEASE;
        });
    if (Boolean.TRUE.equals(spec.gang())) {
      b.gang();
    }
    if (Boolean.TRUE.equals(spec.preemptible())) {
      b.preemptible();
    }
    if (Boolean.TRUE.equals(spec.revocable())) {
      b.revocableOk();
    }
    if (spec.constraints() != null) {
      for (WorkloadSpec.Constraint c : spec.constraints()) {
        b.constraint(Constraint.of(c.attribute(), Constraint.Operator.valueOf(c.operator().name()), c.value()));
      }
    }
    return b.build();
  }

  /** Pool prices per unit-hour over the schema, in the units of {@link Prices#unit}, each in its pool's currency. */
  private static Prices prices(ResourceSchema schema, Iterable<ResourcePool> pools, ExchangeRates rates) {
    Map<String, Prices.PoolPrice> byPool = new TreeMap<>();
    for (ResourcePool pool : pools) {
      if (pool.getSpec().cost() == null) {
        continue;
      }
      double[] price = new double[schema.size()];
      pool.getSpec().cost().perHour().forEach((resource, value) -> {
        if (schema.contains(resource)) {
          price[schema.indexOf(resource)] = Double.parseDouble(value);
        }
      });
      byPool.put(pool.getMetadata().getName(), new Prices.PoolPrice(currency(pool), price));
    }
    return Prices.of(schema, byPool, rates);
  }

  /** One warning per priced pool whose prices cannot be compared with the others'. */
  private List<String> priceWarnings(Prices prices) {
    List<String> warnings = new ArrayList<>();
    prices.incomparable().forEach((pool, currency) -> {
      if (rates.base() == null) {
        java.util.Set<String> others = new java.util.TreeSet<>();
        for (var loaded : input.pools()) {
          ResourcePool p = loaded.object();
          if (p.getSpec().cost() != null && !currency(p).equals(currency)) {
            others.add(currency(p));
          }
        }
        warnings.add("pool " + pool + " is priced in " + currency + ", other pools in " + String.join(", ", others)
            + ": without --currency and an --exchange-rate for each other currency, prices are not compared"
            + " (placement ignores every pool's price)");
      } else {
        warnings.add("pool " + pool + " is priced in " + currency + ", which has no exchange rate to " + rates.base()
            + ": prices are not compared (placement ignores every pool's price; set --exchange-rate " + currency
            + "=<" + rates.base() + " per " + currency + ">)");
      }
    });
    return warnings;
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
      List<String> warnings) {
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
          String currency = currency(pools.get(a.pool()));
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
          w.getSpec().instances(), placed.size(), cost.isEmpty() ? null : roundPrices(cost), placed, pending));
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
        seed, at.toString(), report.rounds(), report.stable(), poolRows, frameworkRows, workloadRows, report.events(), warnings);
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

  private static String currency(ResourcePool pool) {
    return pool.getSpec().cost() == null || pool.getSpec().cost().currency() == null
        ? "USD" : pool.getSpec().cost().currency();
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
