package io.poolbridge.reconciler.pool;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.ResourcePoolStatus;
import io.poolbridge.api.v1alpha1.ResourcePoolStatus.NodeState;
import io.poolbridge.api.v1alpha1.ResourcePoolStatus.NodeStatus;
import io.poolbridge.engine.Engine;
import io.poolbridge.engine.EngineSnapshot.NodeView;
import io.poolbridge.engine.EngineSnapshot.PoolView;
import io.poolbridge.engine.Tick;
import io.poolbridge.estate.Estate;
import io.poolbridge.estate.PoolNode;
import io.poolbridge.scheduler.Constraint;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.WorkloadDemand;
import io.poolbridge.scheduler.WorkloadKind;
import io.poolbridge.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A ResourcePool's status from the engine's view of the pool and what the operator read of its source. */
class ResourcePoolStatusFactoryTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final ManualClock clock = new ManualClock();
  private final ResourcePoolStatusFactory factory = new ResourcePoolStatusFactory(clock);
  private Instant now = Instant.EPOCH;

  /** Three machines: n1 and n2 of 8 cpu / 32 GiB (n1 in zone fra1-a), n3 of 16 cpu / 64 GiB; n2 may have a maintenance window. */
  private static ResourcePool metal(long generation, boolean maintenanceOnN2) {
    return metal(generation, maintenanceOnN2 ? "{nodes: [n2], start: \"1970-01-01T00:00:00Z\", duration: 4h, reason: firmware}" : null);
  }

  /** The three machines with maintenance windows (YAML flow mappings, one a window), or none when {@code null}. */
  private static ResourcePool metal(long generation, String... windows) {
    ResourcePool p = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: metal-fra}
        spec:
          provider: equinix-metal
          region: fra
          zone: fra1-b
          source:
            static:
              nodes:
              - {name: n1, address: 10.0.0.1, zone: fra1-a, capacity: {cpu: 8, memory: 32Gi}}
              - {name: n2, address: 10.0.0.2, capacity: {cpu: 8, memory: 32Gi}}
              - {name: n3, address: 10.0.0.3, capacity: {cpu: 16, memory: 64Gi}}
        %s
        """.formatted(windows.length == 0 || windows[0] == null ? "" : "  maintenance: [" + String.join(", ", windows) + "]"),
        ResourcePool.class);
    p.getMetadata().setGeneration(generation);
    return p;
  }

  private static ResourcePool remote(long generation) {
    ResourcePool p = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: edge-fra}
        spec:
          provider: onprem
          region: fra
          source:
            kubernetes:
              nodeSelector: {matchLabels: {poolbridge.io/pool: edge}}
              kubeconfigSecretRef: {name: edge-kubeconfig, namespace: poolbridge-system}
        """, ResourcePool.class);
    p.getMetadata().setGeneration(generation);
    return p;
  }

  /** An engine that knows the pool's nodes in the state the operator gives them, and two frameworks. */
  private Engine engine(ResourcePool pool, List<PoolNode> nodes) {
    Engine e = new Engine(SCHEMA, Prices.NONE, INTERVAL, 7, now);
    for (PoolNode n : nodes) {
      AgentInfo a = Estate.agent(SCHEMA, pool, n);
      e.addAgent(a);
      AgentState state = Estate.state(pool, n, now);
      if (state != AgentState.ACTIVE) {
        e.setAgentState(a.id(), state);
      }
    }
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.addFramework(FrameworkInfo.of("k8s-tenants", "tenants"));
    return e;
  }

  private void settle(Engine e) {
    for (int i = 0; i < 100; i++) {
      now = now.plus(INTERVAL);
      Tick t = e.tick(now);
      t.placed().forEach(a -> e.commit(a.instanceId()));
      if (t.settled()) {
        return;
      }
    }
    throw new AssertionError("not settled in 100 ticks");
  }

  /** Two instances of 2 cpu / 4 GiB on n1, and a lease of a node of at least 12 cpu / 48 GiB (only n3 is). */
  private static void workloads(Engine e) {
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(2)
        .constraint(Constraint.of("hostname", Constraint.Operator.IS, "n1")).build());
    e.upsert(WorkloadDemand.builder("tenant-a/workers", "k8s-tenants", res(12, 48)).kind(WorkloadKind.NODE_LEASE).instances(1).build());
  }

  private static Condition condition(ResourcePoolStatus s, String type) {
    return s.conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  private static Map<String, Quantity> q(String cpu, String memory) {
    return Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory));
  }

  private static NodeStatus node(ResourcePoolStatus s, String name) {
    return s.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void totalsAndEachNodesFiguresOfASmallEstate() {
    ResourcePool pool = metal(3, false);
    List<PoolNode> nodes = Estate.staticNodes(pool);
    Engine e = engine(pool, nodes);
    workloads(e);
    settle(e);

    ResourcePoolStatus s = factory.of(pool, e.snapshot().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, null);

    // Capacity 8 + 8 + 16 = 32 cpu, 32 + 32 + 64 = 128 GiB; allocated: 2 × (2 cpu, 4 GiB) on n1 and all of n3.
    assertThat(s.observedGeneration()).isEqualTo(3);
    assertThat(s.nodeCount()).isEqualTo(3);
    assertThat(s.readyNodes()).isEqualTo(3);
    assertThat(s.cpu()).isEqualTo("20/32");
    assertThat(s.memory()).isEqualTo("72Gi/128Gi");
    assertThat(s.capacity()).isEqualTo(q("32", "128Gi"));
    assertThat(s.allocated()).isEqualTo(q("20", "72Gi"));
    // Free: 4 cpu / 24 GiB on n1, all of n2, nothing on the leased n3.
    assertThat(s.available()).isEqualTo(q("12", "56Gi"));

    assertThat(s.nodes()).extracting(NodeStatus::name).containsExactly("n1", "n2", "n3");
    NodeStatus n1 = node(s, "n1");
    assertThat(n1.address()).isEqualTo("10.0.0.1");
    assertThat(n1.zone()).as("the node's own zone").isEqualTo("fra1-a");
    assertThat(n1.ready()).isTrue();
    assertThat(n1.state()).isEqualTo(NodeState.Active);
    assertThat(n1.capacity()).isEqualTo(q("8", "32Gi"));
    assertThat(n1.allocated()).isEqualTo(q("4", "8Gi"));
    assertThat(n1.available()).isEqualTo(q("4", "24Gi"));
    assertThat(n1.leasedTo()).isNull();
    NodeStatus n2 = node(s, "n2");
    assertThat(n2.zone()).as("the pool's zone").isEqualTo("fra1-b");
    assertThat(n2.allocated()).isEmpty();
    assertThat(n2.available()).isEqualTo(q("8", "32Gi"));
    NodeStatus n3 = node(s, "n3");
    assertThat(n3.leasedTo()).isEqualTo("k8s-tenants");
    assertThat(n3.allocated()).isEqualTo(q("16", "64Gi"));
    assertThat(n3.available()).isEmpty();

    Condition ready = condition(s, "Ready");
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo("NodesOffered");
    assertThat(ready.getMessage()).isEqualTo("3 of 3 nodes take new work");
    assertThat(ready.getObservedGeneration()).isEqualTo(3);
    Condition reachable = condition(s, "SourceReachable");
    assertThat(reachable.getStatus()).isEqualTo("True");
    assertThat(reachable.getReason()).isEqualTo("Reachable");
    assertThat(reachable.getMessage()).isEqualTo("The pool's nodes are listed in its static inventory");
    Condition degraded = condition(s, "Degraded");
    assertThat(degraded.getStatus()).isEqualTo("False");
    assertThat(degraded.getReason()).isEqualTo("AllNodesReady");
    assertThat(degraded.getMessage()).isEqualTo("All 3 nodes are ready and take new work");
    assertThat(s.conditions()).extracting(Condition::getObservedGeneration).containsOnly(3L);
  }

  @Test
  void nodesNotReadyOrUnderMaintenanceDegradeThePoolAndOfferNothing() {
    ResourcePool pool = metal(1, true);
    List<PoolNode> nodes = new ArrayList<>(Estate.staticNodes(pool));
    // n1's health check fails: not ready, so the engine has it DOWN; n2 is in its maintenance window.
    PoolNode n1 = nodes.get(0);
    nodes.set(0, new PoolNode(n1.name(), n1.address(), n1.zone(), n1.capacity(), n1.labels(), false));
    Engine e = engine(pool, nodes);
    settle(e);

    ResourcePoolStatus s = factory.of(pool, e.snapshot().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, null);
    assertThat(s.nodeCount()).isEqualTo(3);
    assertThat(s.readyNodes()).as("only n3 is ready and takes new work").isEqualTo(1);
    assertThat(s.capacity()).as("capacity counts every node").isEqualTo(q("32", "128Gi"));
    assertThat(s.available()).as("only n3's room is available").isEqualTo(q("16", "64Gi"));
    assertThat(node(s, "n1").ready()).isFalse();
    assertThat(node(s, "n1").state()).isEqualTo(NodeState.Down);
    assertThat(node(s, "n1").available()).isEmpty();
    assertThat(node(s, "n2").ready()).isTrue();
    assertThat(node(s, "n2").state()).isEqualTo(NodeState.Maintenance);
    assertThat(node(s, "n2").available()).isEmpty();

    assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Ready").getMessage()).isEqualTo("1 of 3 nodes take new work");
    Condition degraded = condition(s, "Degraded");
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getReason()).isEqualTo("NodesNotReady");
    assertThat(degraded.getMessage()).isEqualTo("1 of 3 nodes not ready (n1); 1 of 3 nodes draining or under maintenance (n2)");

    // n3 goes down too: nothing takes new work.
    e.setAgentState("metal-fra/n3", AgentState.DOWN);
    ResourcePoolStatus none = factory.of(pool, e.publish().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, s);
    Condition ready = condition(none, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("NoNodesOffered");
    assertThat(ready.getMessage()).isEqualTo(
        "None of the pool's 3 nodes takes new work: 2 of 3 nodes not ready (n1, n3); 1 of 3 nodes draining or under maintenance (n2)");
    assertThat(none.readyNodes()).isZero();
    assertThat(none.available()).isEmpty();
  }

  /** From drainBefore (default 10 minutes) ahead of n2's window, n2 is listed Draining with the window; open, Maintenance. */
  @Test
  void aNodeDrainedAheadOfItsWindowIsListedDrainingWithTheWindow() {
    ResourcePool pool = metal(1, true);
    List<PoolNode> nodes = Estate.staticNodes(pool);
    Instant start = Instant.EPOCH;
    Instant lead = start.minus(Duration.ofMinutes(10));
    Engine e = engine(pool, nodes);
    Estate.Maintenance m = Estate.maintenance(pool, nodes.get(1), lead);
    assertThat(m).isEqualTo(new Estate.Maintenance(AgentState.DRAINING, start, start.plus(Duration.ofHours(4)), "firmware"));
    assertThat(Estate.maintenance(pool, nodes.get(1), lead.minusSeconds(1))).as("before the lead").isNull();
    e.setMaintenance("metal-fra/n2", AgentState.DRAINING, m.start(), m.reason());
    settle(e);
    clock.moveTo(lead);
    ResourcePoolStatus s = factory.of(pool, e.snapshot().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, null);
    assertThat(node(s, "n2").state()).isEqualTo(NodeState.Draining);
    assertThat(node(s, "n2").maintenance()).isEqualTo("firmware; window from 1970-01-01T00:00:00Z to 1970-01-01T04:00:00Z");
    assertThat(node(s, "n1").maintenance()).isNull();
    assertThat(node(s, "n2").available()).isEmpty();
  }

  /**
   * kstatus: Stalled is "no progress without a change by someone"; nodes out only for the pool's own
   * windows come back when the first window ends, so the pool is in progress, not stalled, and says
   * until when.
   */
  @Test
  void aPoolWhoseNodesAreAllInItsMaintenanceWindowsIsReconcilingUntilTheFirstEnds() {
    // n1 and n2 in a window from 00:00 to 04:00; n3 drained 2h ahead of a window from 02:00 to 03:00.
    ResourcePool pool = metal(1,
        "{nodes: [n1, n2], start: \"1970-01-01T00:00:00Z\", duration: 4h, reason: firmware}",
        "{nodes: [n3], start: \"1970-01-01T02:00:00Z\", duration: 1h, drainBefore: 2h, reason: psu swap}");
    List<PoolNode> nodes = Estate.staticNodes(pool);
    Instant at = Instant.parse("1970-01-01T01:00:00Z");
    Engine e = engineAt(pool, nodes, at);
    clock.moveTo(at);

    ResourcePoolStatus s = factory.of(pool, e.publish().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, null);
    assertThat(node(s, "n1").state()).isEqualTo(NodeState.Maintenance);
    assertThat(node(s, "n3").state()).isEqualTo(NodeState.Draining);
    String message = "None of the pool's 3 nodes takes new work: all are in maintenance windows; the first ends at 1970-01-01T03:00:00Z";
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Ready").getReason()).isEqualTo("InMaintenance");
    assertThat(condition(s, "Ready").getMessage()).isEqualTo(message);
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Reconciling").getReason()).isEqualTo("InMaintenance");
    assertThat(condition(s, "Reconciling").getMessage()).isEqualTo(message);
    assertThat(condition(s, "Stalled").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Degraded").getReason()).isEqualTo("NodesInMaintenance");
    assertThat(condition(s, "Degraded").getMessage()).isEqualTo("3 of 3 nodes draining or under maintenance (n1, n2, n3)");

    // 03:00: n3's window is over, it takes work again.
    Instant later = Instant.parse("1970-01-01T03:00:00Z");
    clock.moveTo(later);
    e.setAgentState("metal-fra/n3", AgentState.ACTIVE);
    ResourcePoolStatus back = factory.of(pool, e.publish().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, s);
    assertThat(condition(back, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(back, "Ready").getReason()).isEqualTo("NodesOffered");
    assertThat(condition(back, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(condition(back, "Stalled").getStatus()).isEqualTo("False");
  }

  /** One node in a window, the other two not ready: those need someone, so the pool stalls as before. */
  @Test
  void aPoolWithSomeNodesInAWindowAndTheOthersNotReadyIsStalled() {
    ResourcePool pool = metal(1, true);
    List<PoolNode> nodes = new ArrayList<>();
    for (PoolNode n : Estate.staticNodes(pool)) {
      nodes.add(n.name().equals("n2") ? n : new PoolNode(n.name(), n.address(), n.zone(), n.capacity(), n.labels(), false));
    }
    Instant at = Instant.parse("1970-01-01T01:00:00Z");
    Engine e = engineAt(pool, nodes, at);
    clock.moveTo(at);

    ResourcePoolStatus s = factory.of(pool, e.publish().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, null);
    String message = "None of the pool's 3 nodes takes new work: 2 of 3 nodes not ready (n1, n3); 1 of 3 nodes draining or under maintenance (n2)";
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Ready").getReason()).isEqualTo("NoNodesOffered");
    assertThat(condition(s, "Ready").getMessage()).isEqualTo(message);
    assertThat(condition(s, "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Stalled").getReason()).isEqualTo("NoNodesOffered");
    assertThat(condition(s, "Stalled").getMessage()).isEqualTo(message);
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("False");
  }

  /** Nodes out of service with no window of the pool bearing on them (e.g. the pool being deleted drains them) stall it. */
  @Test
  void nodesOutOfServiceWithoutADeclaredWindowStallThePool() {
    ResourcePool pool = metal(1, true);
    List<PoolNode> nodes = Estate.staticNodes(pool);
    Instant at = Instant.parse("1970-01-01T01:00:00Z");
    Engine e = engineAt(pool, nodes, at);
    e.setAgentState("metal-fra/n1", AgentState.DRAINING);
    e.setAgentState("metal-fra/n3", AgentState.DRAINING);
    clock.moveTo(at);

    ResourcePoolStatus s = factory.of(pool, e.publish().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, null);
    assertThat(condition(s, "Ready").getReason()).isEqualTo("NoNodesOffered");
    assertThat(condition(s, "Stalled").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("False");
  }

  /** The engine with each node in the state its windows give at {@code at}, as the operator's sync sets them. */
  private Engine engineAt(ResourcePool pool, List<PoolNode> nodes, Instant at) {
    Engine e = engine(pool, nodes);
    for (PoolNode n : nodes) {
      Estate.Maintenance m = n.ready() ? Estate.maintenance(pool, n, at) : null;
      if (m != null) {
        e.setMaintenance(Estate.agentId("metal-fra", n.name()), m.state(), m.start(), m.reason());
      } else if (!n.ready()) {
        e.setAgentState(Estate.agentId("metal-fra", n.name()), AgentState.DOWN);
      }
    }
    return e;
  }

  @Test
  void onlyMaintenanceIsItsOwnReason() {
    ResourcePool pool = metal(1, true);
    List<PoolNode> nodes = Estate.staticNodes(pool);
    Engine e = engine(pool, nodes);
    settle(e);
    Condition degraded = condition(factory.of(pool, e.snapshot().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, null), "Degraded");
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getReason()).isEqualTo("NodesInMaintenance");
    assertThat(degraded.getMessage()).isEqualTo("1 of 3 nodes draining or under maintenance (n2)");
  }

  @Test
  void anUnreachableRemoteClusterSaysWhyAndTheConditionsMoveWhenItAnswers() {
    ResourcePool pool = remote(2);
    PoolSource missing = PoolSource.secretNotFound("Secret poolbridge-system/edge-kubeconfig does not exist");
    ResourcePoolStatus s = factory.of(pool, null, missing, List.of(), null);

    assertThat(s.nodeCount()).isZero();
    assertThat(s.readyNodes()).isZero();
    assertThat(s.cpu()).isEqualTo("0/0");
    assertThat(s.memory()).isEqualTo("0/0");
    assertThat(s.capacity()).isEmpty();
    assertThat(s.nodes()).isEmpty();
    Condition reachable = condition(s, "SourceReachable");
    assertThat(reachable.getStatus()).isEqualTo("False");
    assertThat(reachable.getReason()).isEqualTo("SecretNotFound");
    assertThat(reachable.getMessage()).isEqualTo("Secret poolbridge-system/edge-kubeconfig does not exist");
    assertThat(reachable.getObservedGeneration()).isEqualTo(2);
    Condition ready = condition(s, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("SourceUnreachable");
    assertThat(ready.getMessage()).isEqualTo("The pool's nodes cannot be read: Secret poolbridge-system/edge-kubeconfig does not exist");
    assertThat(condition(s, "Degraded").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Degraded").getReason()).isEqualTo("SourceUnreachable");

    clock.advance(Duration.ofMinutes(1));
    ResourcePoolStatus refused = factory.of(pool, null, PoolSource.unreachable("connection refused by https://10.9.0.1:6443"), List.of(), s);
    assertThat(condition(refused, "SourceReachable").getReason()).isEqualTo("Unreachable");
    assertThat(condition(refused, "SourceReachable").getMessage()).isEqualTo("connection refused by https://10.9.0.1:6443");
    assertThat(condition(refused, "SourceReachable").getLastTransitionTime()).as("still False").isEqualTo("1970-01-01T00:00:00Z");

    clock.advance(Duration.ofMinutes(1));
    ResourcePoolStatus answers = factory.of(pool, null, PoolSource.REACHABLE, List.of(), refused);
    assertThat(condition(answers, "SourceReachable").getStatus()).isEqualTo("True");
    assertThat(condition(answers, "SourceReachable").getMessage())
        .isEqualTo("The pool's nodes are read from the Nodes of the cluster whose kubeconfig is in Secret poolbridge-system/edge-kubeconfig");
    assertThat(condition(answers, "SourceReachable").getLastTransitionTime()).isEqualTo("1970-01-01T00:02:00Z");
    Condition noNodes = condition(answers, "Ready");
    assertThat(noNodes.getStatus()).isEqualTo("False");
    assertThat(noNodes.getReason()).isEqualTo("NoNodes");
    assertThat(noNodes.getMessage())
        .isEqualTo("No Node matches the pool's nodeSelector of the cluster whose kubeconfig is in Secret poolbridge-system/edge-kubeconfig");
    assertThat(noNodes.getLastTransitionTime()).as("Ready was False and stays False").isEqualTo("1970-01-01T00:00:00Z");
    assertThat(condition(answers, "Degraded").getStatus()).isEqualTo("False");
    assertThat(condition(answers, "Degraded").getLastTransitionTime()).isEqualTo("1970-01-01T00:02:00Z");
  }

  @Test
  void anUnchangedPoolGivesAnEqualStatusAndOnlyWhatChangedIsDatedAnew() {
    ResourcePool pool = metal(1, false);
    List<PoolNode> nodes = Estate.staticNodes(pool);
    Engine e = engine(pool, nodes);
    workloads(e);
    settle(e);
    ResourcePoolStatus first = factory.of(pool, e.snapshot().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, null);

    clock.advance(Duration.ofMinutes(5));
    now = now.plus(INTERVAL);
    e.tick(now);
    ResourcePoolStatus again = factory.of(pool, e.snapshot().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, first);
    assertThat(again).as("nothing changed: an equal status, so no write").isEqualTo(first);

    // n2 goes into maintenance: Degraded turns True now, Ready stays True since the start.
    clock.advance(Duration.ofMinutes(5));
    e.setAgentState("metal-fra/n2", AgentState.MAINTENANCE);
    settle(e);
    ResourcePoolStatus later = factory.of(pool, e.snapshot().pools().get("metal-fra"), PoolSource.REACHABLE, nodes, again);
    assertThat(later).isNotEqualTo(again);
    assertThat(condition(later, "Degraded").getStatus()).isEqualTo("True");
    assertThat(condition(later, "Degraded").getLastTransitionTime()).isEqualTo("1970-01-01T00:10:00Z");
    assertThat(condition(later, "Ready").getLastTransitionTime()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(condition(later, "Ready").getMessage()).isEqualTo("2 of 3 nodes take new work");
    assertThat(node(later, "n2").state()).isEqualTo(NodeState.Maintenance);
    assertThat(later.readyNodes()).isEqualTo(2);
  }

  /**
   * 10,000 nodes with names of 253 characters (the most a DNS subdomain has), five resources each,
   * every 100th not ready, every 3rd in use: the status lists the nodes to look at first, then those
   * in use, and stays under 1 MiB as JSON.
   */
  @Test
  void aPoolOfTenThousandNodesKeepsItsStatusUnderOneMebibyte() {
    ResourceSchema schema = ResourceSchema.of("cpu", "memory", "ephemeral-storage", "hugepages-2Mi", "nvidia.com/gpu");
    Resources total = Resources.of(schema, "cpu", 64_000, "memory", 512L << 30, "ephemeral-storage", 893L << 30,
        "hugepages-2Mi", 2L << 30, "nvidia.com/gpu", 8);
    Resources used = Resources.of(schema, "cpu", 12_500, "memory", 100L << 30, "ephemeral-storage", 10L << 30, "nvidia.com/gpu", 3);
    Resources none = Resources.none(schema);
    List<NodeView> views = new ArrayList<>();
    List<PoolNode> read = new ArrayList<>();
    int down = 0;
    int inUse = 0;
    for (int i = 0; i < 10_000; i++) {
      String name = String.format("n%05d-", i) + "x".repeat(253 - 7);
      AgentInfo a = new AgentInfo("big/" + name, "big", Map.of("zone", "zone-" + (i % 3) + "-" + "z".repeat(50)), total, Map.of());
      boolean isDown = i % 100 == 7;
      boolean busy = !isDown && i % 3 == 0;
      down += isDown ? 1 : 0;
      inUse += busy ? 1 : 0;
      views.add(new NodeView(a, busy ? used : none, isDown ? none : busy ? total.minus(used) : total,
          isDown ? AgentState.DOWN : AgentState.ACTIVE, busy && i % 9 == 0 ? "k8s-tenants" : null));
      read.add(new PoolNode(name, "fd00:1234:5678:9abc:def0:1234:" + String.format("%04x:%04x", i / 65536, i % 65536), null,
          Map.of(), Map.of(), !isDown));
    }
    PoolView view = new PoolView("big", 10_000, 10_000 - down, none, none, none, views);
    ResourcePool pool = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: big, generation: 1}
        spec:
          provider: onprem
          region: fra
          source: {kubernetes: {nodeSelector: {}}}
        """, ResourcePool.class);

    ResourcePoolStatus s = factory.of(pool, view, PoolSource.REACHABLE, read, null);

    int bytes = Serialization.asJson(s).getBytes(StandardCharsets.UTF_8).length;
    assertThat(bytes).as("the serialized status").isLessThan(1 << 20);
    assertThat(Serialization.asJson(s.nodes()).getBytes(StandardCharsets.UTF_8).length)
        .as("the entries are no larger than estimated").isLessThanOrEqualTo(ResourcePoolStatusFactory.MAX_NODE_BYTES);
    int listed = s.nodes().size();
    assertThat(listed).isBetween(down, ResourcePoolStatusFactory.MAX_NODE_ENTRIES);
    assertThat(s.nodeCount()).isEqualTo(10_000);
    assertThat(s.readyNodes()).isEqualTo(10_000 - down);
    // Every node not ready is listed; then nodes in use (there are more than fit), no idle one.
    assertThat(s.nodes().stream().filter(n -> !n.ready()).count()).isEqualTo(down);
    assertThat(s.nodes()).allMatch(n -> !n.ready() || !n.allocated().isEmpty(), "not ready or in use");
    assertThat(inUse).isGreaterThan(listed);
    assertThat(s.nodes()).extracting(NodeStatus::name).isSorted();
    assertThat(condition(s, "Ready").getMessage()).isEqualTo((10_000 - down) + " of 10000 nodes take new work (status.nodes lists "
        + listed + " of the 10000 nodes: those not ready, not Active or in use first)");
    assertThat(condition(s, "Degraded").getMessage()).startsWith(down + " of 10000 nodes not ready (n00007-")
        .endsWith(" and " + (down - 5) + " more)");
    // The same pool again: an equal status.
    assertThat(factory.of(pool, view, PoolSource.REACHABLE, read, s)).isEqualTo(s);
  }

  @Test
  void aPoolWithinTheBoundsListsEveryNodeInNameOrder() {
    Resources total = res(4, 8);
    List<NodeView> views = new ArrayList<>();
    for (int i = 0; i < ResourcePoolStatusFactory.MAX_NODE_ENTRIES; i++) {
      views.add(new NodeView(new AgentInfo("p/n" + String.format("%04d", i), "p", Map.of(), total, Map.of()),
          Resources.none(SCHEMA), total, AgentState.ACTIVE, null));
    }
    PoolView view = new PoolView("p", views.size(), views.size(), res(4000, 8000), Resources.none(SCHEMA), res(4000, 8000), views);
    ResourcePoolStatus s = factory.of(remote(1), view, PoolSource.REACHABLE, List.of(), null);
    assertThat(s.nodes()).hasSize(1000);
    assertThat(s.nodes().get(0).name()).isEqualTo("n0000");
    assertThat(s.nodes().get(999).name()).isEqualTo("n0999");
    assertThat(s.nodes().get(0).ready()).as("a node the operator has not read is ready unless Down").isTrue();
    assertThat(condition(s, "Ready").getMessage()).isEqualTo("1000 of 1000 nodes take new work");
  }
}
