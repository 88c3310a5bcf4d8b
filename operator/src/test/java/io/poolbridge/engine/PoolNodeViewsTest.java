package io.poolbridge.engine;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Resources;
import io.poolbridge.engine.EngineSnapshot.NodeView;
import io.poolbridge.engine.EngineSnapshot.PoolView;
import io.poolbridge.scheduler.Constraint;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.WorkloadDemand;
import io.poolbridge.scheduler.WorkloadKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The snapshot's per-node view of each pool: what a pool's status lists per node. */
class PoolNodeViewsTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Resources NONE = Resources.none(SCHEMA);

  private final AgentInfo a1 = node("metal", "a1", 8, 32);
  private final AgentInfo a2 = node("metal", "a2", 8, 32);
  private final AgentInfo a3 = node("metal", "a3", 16, 64);
  private final AgentInfo c1 = node("cloud", "c1", 4, 16);
  private Instant now = Instant.EPOCH;

  private Engine engine(AgentInfo... agents) {
    Engine e = new Engine(SCHEMA, Prices.NONE, INTERVAL, 7, now);
    for (AgentInfo a : agents) {
      e.addAgent(a);
    }
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.addFramework(FrameworkInfo.of("k8s", "tenants"));
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

  private static NodeView nodeOf(PoolView pool, String name) {
    return pool.agents().stream().filter(n -> n.node().equals(name)).findFirst().orElseThrow();
  }

  private static WorkloadDemand on(String key, String host, double cores, double gib, int instances) {
    return WorkloadDemand.builder(key, "marathon", res(cores, gib)).instances(instances)
        .constraint(Constraint.of("hostname", Constraint.Operator.IS, host)).build();
  }

  @Test
  void eachNodeShowsItsCapacityWhatItsInstancesUseAndWhatIsFree() {
    Engine e = engine(a1, a2, c1);
    // Two instances of 2 cpu / 4 GiB on a1, one of 1 cpu / 8 GiB on a2.
    e.upsert(on("shop/web", "a1", 2, 4, 2));
    e.upsert(on("shop/cache", "a2", 1, 8, 1));
    settle(e);

    PoolView metal = e.snapshot().pools().get("metal");
    assertThat(metal.agents()).extracting(NodeView::id).containsExactly("metal/a1", "metal/a2");
    NodeView n1 = nodeOf(metal, "a1");
    assertThat(n1.capacity()).isEqualTo(res(8, 32));
    assertThat(n1.placed()).isEqualTo(res(4, 8));
    assertThat(n1.available()).isEqualTo(res(4, 24));
    assertThat(n1.state()).isEqualTo(AgentState.ACTIVE);
    assertThat(n1.leasedTo()).isNull();
    NodeView n2 = nodeOf(metal, "a2");
    assertThat(n2.placed()).isEqualTo(res(1, 8));
    assertThat(n2.available()).isEqualTo(res(7, 24));
    // The pool's figures are the nodes' sums.
    assertThat(metal.capacity()).isEqualTo(res(16, 64));
    assertThat(metal.placed()).isEqualTo(res(5, 16));
    assertThat(metal.available()).isEqualTo(res(11, 48));
    // The cloud pool's one node runs nothing.
    NodeView cloud = nodeOf(e.snapshot().pools().get("cloud"), "c1");
    assertThat(cloud.placed()).isEqualTo(NONE);
    assertThat(cloud.available()).isEqualTo(res(4, 16));
  }

  @Test
  void aDrainingNodeOffersNothingAndItsInstancesMoveOff() {
    Engine e = engine(a1, a2);
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(1)
        .constraint(Constraint.of("hostname", Constraint.Operator.LIKE, "a[12]")).build());
    settle(e);
    String host = e.snapshot().workloads().get("shop/web").placed().get(0).assignment().agentId().substring("metal/".length());
    String other = host.equals("a1") ? "a2" : "a1";

    e.setAgentState("metal/" + host, AgentState.DRAINING);
    PoolView draining = e.publish().pools().get("metal");
    // Before the next tick the instance is still there; the node offers nothing already.
    assertThat(nodeOf(draining, host).state()).isEqualTo(AgentState.DRAINING);
    assertThat(nodeOf(draining, host).placed()).isEqualTo(res(2, 4));
    assertThat(nodeOf(draining, host).available()).isEqualTo(NONE);
    assertThat(draining.activeNodes()).isEqualTo(1);
    assertThat(draining.available()).isEqualTo(res(8, 32));

    settle(e);
    PoolView moved = e.snapshot().pools().get("metal");
    assertThat(nodeOf(moved, host).placed()).isEqualTo(NONE);
    assertThat(nodeOf(moved, other).placed()).isEqualTo(res(2, 4));
    assertThat(nodeOf(moved, other).available()).isEqualTo(res(6, 28));
  }

  @Test
  void aNodeLeasedWholeNamesTheFrameworkUntilTheLeaseEnds() {
    Engine e = engine(a1, a3);
    // A lease of one node of at least 12 cpu / 48 GiB: only a3 (16 / 64) is big enough, and it takes all of it.
    e.upsert(WorkloadDemand.builder("tenant-a/workers", "k8s", res(12, 48)).kind(WorkloadKind.NODE_LEASE).instances(1).build());
    settle(e);
    PoolView metal = e.snapshot().pools().get("metal");
    NodeView leased = nodeOf(metal, "a3");
    assertThat(leased.leasedTo()).isEqualTo("k8s");
    assertThat(leased.placed()).isEqualTo(res(16, 64));
    assertThat(leased.available()).isEqualTo(NONE);
    assertThat(nodeOf(metal, "a1").leasedTo()).isNull();

    e.delete("tenant-a/workers");
    settle(e);
    NodeView released = nodeOf(e.snapshot().pools().get("metal"), "a3");
    assertThat(released.leasedTo()).isNull();
    assertThat(released.available()).isEqualTo(res(16, 64));
  }

  @Test
  void aPoolWhoseNodesDidNotChangeKeepsItsViewAndAChangedOneKeepsItsUnchangedNodes() {
    Engine e = engine(a1, a2, c1);
    settle(e);
    PoolView metalBefore = e.snapshot().pools().get("metal");
    PoolView cloudBefore = e.snapshot().pools().get("cloud");

    e.upsert(on("shop/web", "a1", 2, 4, 1));
    settle(e);
    PoolView metalAfter = e.snapshot().pools().get("metal");
    assertThat(e.snapshot().pools().get("cloud")).as("nothing changed in cloud: the same view").isSameAs(cloudBefore);
    assertThat(metalAfter).isNotSameAs(metalBefore);
    assertThat(nodeOf(metalAfter, "a2")).as("a2 did not change: the same node view").isSameAs(nodeOf(metalBefore, "a2"));
    assertThat(nodeOf(metalAfter, "a1").placed()).isEqualTo(res(2, 4));
    assertThat(nodeOf(metalBefore, "a1").placed()).as("a published view never changes").isEqualTo(NONE);

    // A node that joins or leaves the pool: the list follows, in id order.
    AgentInfo a0 = node("metal", "a0", 2, 2);
    e.addAgent(a0);
    e.removeAgent("metal/a2");
    PoolView changed = e.publish().pools().get("metal");
    assertThat(changed.agents()).extracting(NodeView::id).containsExactly("metal/a0", "metal/a1");
    assertThat(changed.nodes()).isEqualTo(2);
    assertThat(changed.capacity()).isEqualTo(res(10, 34));
    assertThat(metalAfter.agents()).extracting(NodeView::id).as("the earlier snapshot is unchanged").containsExactly("metal/a1", "metal/a2");
  }

  @Test
  void aWorkloadThatBecomesALeaseMarksItsNodesLeased() {
    Engine e = engine(a3);
    e.upsert(WorkloadDemand.builder("tenant-a/workers", "k8s", res(16, 64)).instances(1).build());
    settle(e);
    assertThat(nodeOf(e.snapshot().pools().get("metal"), "a3").leasedTo()).isNull();
    e.upsert(WorkloadDemand.builder("tenant-a/workers", "k8s", res(16, 64)).kind(WorkloadKind.NODE_LEASE).instances(1).build());
    settle(e);
    assertThat(nodeOf(e.snapshot().pools().get("metal"), "a3").leasedTo()).isEqualTo("k8s");
  }

  @Test
  void nodeNamesAreTheAgentIdsWithoutThePool() {
    assertThat(new NodeView(a1, NONE, NONE, AgentState.ACTIVE, null).node()).isEqualTo("a1");
    AgentInfo foreign = new AgentInfo("x/n1", "metal", Map.of(), res(1, 1), Map.of());
    assertThat(new NodeView(foreign, NONE, NONE, AgentState.ACTIVE, null).node()).isEqualTo("x/n1");
  }
}
