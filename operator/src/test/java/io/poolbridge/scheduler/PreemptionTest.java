package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static io.poolbridge.scheduler.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.Resources;
import io.poolbridge.scheduler.Preemption.Eviction;
import io.poolbridge.scheduler.Preemption.NodeCapacity;
import io.poolbridge.scheduler.Preemption.Plan;
import io.poolbridge.scheduler.Preemption.Preemptor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which running instances make room for more important ones, and which never do. */
class PreemptionTest {
  private final AgentInfo n1 = node("ams-metal", "n1", 8, 32, "zone", "a");
  private final AgentInfo n2 = node("ams-metal", "n2", 8, 32, "zone", "b");

  private static PlacedInstance victim(String id, AgentInfo node, double cores, int priority, boolean preemptible, boolean revocable) {
    return new PlacedInstance(id, "batch/" + id, "other", node, res(cores, 1), priority, preemptible, revocable, false);
  }

  private static PlacedInstance victim(String id, AgentInfo node, double cores, int priority) {
    return victim(id, node, cores, priority, true, false);
  }

  /** Nodes whose free capacity is their total minus the given instances. */
  private static List<NodeCapacity> nodes(List<PlacedInstance> placed, AgentInfo... agents) {
    List<NodeCapacity> list = new ArrayList<>();
    for (AgentInfo a : agents) {
      Resources used = Resources.none(a.total().schema());
      for (PlacedInstance p : placed) {
        if (p.agent().equals(a)) {
          used = used.plus(p.resources());
        }
      }
      list.add(new NodeCapacity(a, a.total().minus(used)));
    }
    return list;
  }

  private static List<String> victims(List<Plan> plans) {
    return plans.stream().flatMap(p -> p.evictions().stream()).map(e -> e.victim().instanceId()).toList();
  }

  private static Preemptor preemptor(WorkloadDemand w) {
    return new Preemptor(w, w.instanceIds().get(0), false);
  }

  @Test
  void evictsTheFewestInstancesThatMakeRoom() {
    List<PlacedInstance> placed = List.of(victim("big", n1, 4, 1), victim("s1", n1, 2, 0), victim("s2", n1, 2, 0));
    WorkloadDemand db = workload("shop/db", 4, 1).priority(100).build();

    List<Plan> plans = Preemption.plan(List.of(preemptor(db)), nodes(placed, n1), placed);

    assertThat(plans).singleElement().satisfies(p -> {
      assertThat(p.instanceId()).isEqualTo("db-0");
      assertThat(p.agentId()).isEqualTo("ams-metal/n1");
      assertThat(p.evictions()).extracting(e -> e.victim().instanceId()).containsExactly("big");
      assertThat(p.evictions().get(0).reason()).isEqualTo("Preempted by shop/db instance db-0 (priority 100 over 1) on ams-metal/n1");
    });
  }

  @Test
  void amongEquallyFewItEvictsTheLowestPriorityThenTheSmallest() {
    List<PlacedInstance> placed = List.of(
        victim("important", n1, 4, 50), victim("cheap-large", n1, 3, 1), victim("cheap-small", n1, 1, 1));
    // Needs 1 cpu: one victim suffices; the lowest priority ones are cheap-*, the smaller is cheap-small.
    WorkloadDemand db = workload("shop/db", 1, 1).priority(100).build();

    assertThat(victims(Preemption.plan(List.of(preemptor(db)), nodes(placed, n1), placed))).containsExactly("cheap-small");
  }

  @Test
  void choosesTheNodeNeedingTheFewestEvictions() {
    List<PlacedInstance> placed = List.of(
        victim("a1", n1, 4, 0), victim("a2", n1, 4, 0),
        victim("b1", n2, 6, 0), victim("b2", n2, 2, 0));
    WorkloadDemand db = workload("shop/db", 6, 1).priority(100).build();

    List<Plan> plans = Preemption.plan(List.of(preemptor(db)), nodes(placed, n1, n2), placed);

    assertThat(plans).singleElement().satisfies(p -> {
      assertThat(p.agentId()).isEqualTo("ams-metal/n2");
      assertThat(p.evictions()).extracting(e -> e.victim().instanceId()).containsExactly("b1");
    });
  }

  @Test
  void neverEvictsANonPreemptibleInstanceNorOneOfEqualOrHigherPriority() {
    List<PlacedInstance> placed = List.of(
        victim("pinned", n1, 8, 0, false, false), victim("peer", n2, 8, 100));
    WorkloadDemand db = workload("shop/db", 2, 1).priority(100).build();

    assertThat(Preemption.plan(List.of(preemptor(db)), nodes(placed, n1, n2), placed)).isEmpty();
  }

  @Test
  void anEvictedInstanceCannotEvictItsEvictorBack() {
    List<PlacedInstance> placed = List.of(victim("low", n1, 8, 1));
    WorkloadDemand high = workload("shop/high", 8, 1).priority(10).preemptible().build();
    List<Plan> first = Preemption.plan(List.of(preemptor(high)), nodes(placed, n1), placed);
    assertThat(victims(first)).containsExactly("low");

    // Now high runs (preemptible) and low waits: low may not take the node back.
    PlacedInstance highRunning = PlacedInstance.of(high, "high-0", n1, high.resources(), false);
    WorkloadDemand low = workload("batch/low", 8, 1).instanceIds(List.of("low")).priority(1).preemptible().build();
    assertThat(Preemption.plan(List.of(preemptor(low)), nodes(List.of(highRunning), n1), List.of(highRunning))).isEmpty();
  }

  @Test
  void borrowedCapacityIsReclaimedOnlyByARoleBelowItsGuarantee() {
    PlacedInstance borrower = victim("borrower", n1, 8, 0, false, true);
    WorkloadDemand owner = workload("prod/api", 4, 1).priority(10).build();

    assertThat(Preemption.plan(List.of(new Preemptor(owner, "api-0", false)), nodes(List.of(borrower), n1), List.of(borrower)))
        .isEmpty();
    List<Plan> plans = Preemption.plan(List.of(new Preemptor(owner, "api-0", true)), nodes(List.of(borrower), n1), List.of(borrower));
    assertThat(plans).singleElement().satisfies(p -> assertThat(p.evictions()).singleElement().extracting(Eviction::reason)
        .isEqualTo("Borrowed capacity reclaimed by prod/api instance api-0 (priority 10 over 0), whose role is below its guarantee, on ams-metal/n1"));
  }

  @Test
  void noEvictionWhenANodeAlreadyHasRoom() {
    List<PlacedInstance> placed = List.of(victim("v", n1, 8, 0));
    WorkloadDemand db = workload("shop/db", 2, 1).priority(100).build();

    // n2 is empty: the instance lacks an offer, not room.
    assertThat(Preemption.plan(List.of(preemptor(db)), nodes(placed, n1, n2), placed)).isEmpty();
  }

  @Test
  void evictsOnlyWhereTheConstraintsAllow() {
    List<PlacedInstance> placed = List.of(victim("va", n1, 8, 0), victim("vb", n2, 8, 5));
    WorkloadDemand db = workload("shop/db", 2, 1).priority(100).constraint(Constraint.of("zone", Constraint.Operator.IS, "b")).build();

    assertThat(victims(Preemption.plan(List.of(preemptor(db)), nodes(placed, n1, n2), placed))).containsExactly("vb");
  }

  @Test
  void laterPreemptorsSeeTheRoomEarlierOnesTookAndNoInstanceIsEvictedTwice() {
    List<PlacedInstance> placed = List.of(victim("va", n1, 8, 0), victim("vb", n2, 8, 1));
    WorkloadDemand db = workload("shop/db", 6, 1).instances(2).priority(100).build();

    List<Plan> plans = Preemption.plan(
        List.of(new Preemptor(db, "db-0", false), new Preemptor(db, "db-1", false)), nodes(placed, n1, n2), placed);

    assertThat(plans).extracting(Plan::instanceId, Plan::agentId).containsExactly(
        org.assertj.core.groups.Tuple.tuple("db-0", "ams-metal/n1"), org.assertj.core.groups.Tuple.tuple("db-1", "ams-metal/n2"));
    assertThat(victims(plans)).containsExactly("va", "vb");
  }

  @Test
  void aGangGetsPlansForAllItsInstancesOrNone() {
    List<PlacedInstance> placed = List.of(victim("va", n1, 8, 0), victim("pinned", n2, 8, 0, false, false));
    WorkloadDemand mpi = workload("hpc/mpi", 8, 1).instances(2).priority(100).gang().build();
    List<Preemptor> both = List.of(new Preemptor(mpi, "mpi-0", false), new Preemptor(mpi, "mpi-1", false));

    assertThat(Preemption.plan(both, nodes(placed, n1, n2), placed)).isEmpty();
  }

  @Test
  void aNodeLeaseEvictsEveryInstanceOfTheNodeOrNothing() {
    List<PlacedInstance> placed = List.of(
        victim("x", n1, 2, 0), victim("y", n1, 2, 0), victim("z", n2, 2, 0), victim("keep", n2, 2, 0, false, false));
    WorkloadDemand lease = workload("tenant/workers", 8, 16).priority(100).kind(WorkloadKind.NODE_LEASE).build();

    List<Plan> plans = Preemption.plan(List.of(preemptor(lease)), nodes(placed, n1, n2), placed);

    assertThat(plans).singleElement().satisfies(p -> {
      assertThat(p.agentId()).isEqualTo("ams-metal/n1");
      assertThat(p.evictions()).extracting(e -> e.victim().instanceId()).containsExactlyInAnyOrder("x", "y");
    });
  }

  @Test
  void aNodeCrowdedWithSmallInstancesLosesToOneNeedingTwoEvictions() {
    List<PlacedInstance> placed = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      placed.add(victim(String.format("tiny-%02d", i), n1, 0.25, 0));
    }
    placed.add(victim("mid", n2, 1.5, 0));
    placed.add(victim("mid2", n2, 1.5, 0));
    WorkloadDemand db = workload("shop/db", 7, 1).priority(100).build();

    List<Plan> plans = Preemption.plan(List.of(preemptor(db)), nodes(placed, n1, n2), placed);

    // n1: 0.5 cpu free, needs 26 tiny victims (too many subsets to search: taken greedily).
    // n2: 5 cpu free, needs 2 more: one mid (1.5) is not enough, both are.
    assertThat(plans).singleElement().satisfies(p -> {
      assertThat(p.agentId()).isEqualTo("ams-metal/n2");
      assertThat(p.evictions()).extracting(e -> e.victim().instanceId()).containsExactly("mid", "mid2");
    });
  }

  private static List<PlacedInstance> gang(String name, int priority, AgentInfo... nodes) {
    List<PlacedInstance> members = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      members.add(new PlacedInstance(name + "-" + i, "hpc/" + name, "other", nodes[i], res(4, 1), priority, true, false, true));
    }
    return members;
  }

  @Test
  void evictingAGangMemberEvictsTheWholeGangAndCountsEveryInstance() {
    // Room for 4 cpu on n1: one gang member there would do, but it takes its 3-instance gang along.
    List<PlacedInstance> placed = new ArrayList<>(gang("mpi", 0, n1, n2, n2));
    placed.add(victim("s1", n1, 2, 0));
    placed.add(victim("s2", n1, 2, 0));
    WorkloadDemand db = workload("shop/db", 4, 1).priority(100).build();
    assertThat(victims(Preemption.plan(List.of(preemptor(db)), nodes(placed, n1, n2), placed))).containsExactlyInAnyOrder("s1", "s2");

    // When the alternative is four 1-cpu instances, the 2-instance gang is the smaller eviction, and all of it goes.
    List<PlacedInstance> crowded = new ArrayList<>(gang("mpi", 0, n1, n2));
    crowded.add(victim("pinned", n2, 4, 0, false, false));
    for (int i = 0; i < 4; i++) {
      crowded.add(victim("s" + i, n1, 1, 0));
    }
    assertThat(victims(Preemption.plan(List.of(preemptor(db)), nodes(crowded, n1, n2), crowded)))
        .containsExactlyInAnyOrder("mpi-0", "mpi-1");
  }

  @Test
  void aGangIsEvictedOnlyIfEveryOneOfItsInstancesMayBe() {
    // One member borrows on n1, its sibling runs on its own capacity on n2; neither is preemptible.
    PlacedInstance borrowing = new PlacedInstance("mpi-0", "hpc/mpi", "other", n1, res(8, 1), 0, false, true, true);
    PlacedInstance own = new PlacedInstance("mpi-1", "hpc/mpi", "other", n2, res(8, 1), 0, false, false, true);
    List<PlacedInstance> placed = List.of(borrowing, own);
    WorkloadDemand owner = workload("prod/api", 4, 1).priority(10).build();

    assertThat(Preemption.plan(List.of(new Preemptor(owner, "api-0", true)), nodes(placed, n1, n2), placed)).isEmpty();
  }

  private final AgentInfo a = node("ams-metal", "a", 4, 16, "zone", "a");
  private final AgentInfo b = node("ams-metal", "b", 4, 16, "zone", "b");
  private final AgentInfo c = node("ams-metal", "c", 4, 16, "zone", "c");

  private static List<Preemptor> members(WorkloadDemand gang) {
    return gang.instanceIds().stream().map(id -> new Preemptor(gang, id, false)).toList();
  }

  @Test
  void aGangTakesTheFreeRoomAndEvictsOnlyForTheRest() {
    // a is free; b and c each run one low-priority preemptible 4-cpu instance.
    List<PlacedInstance> placed = List.of(victim("vb", b, 4, 0), victim("vc", c, 4, 0));
    WorkloadDemand mpi = workload("hpc/mpi", 4, 1).instances(3).priority(1000).gang().build();

    List<Plan> plans = Preemption.plan(members(mpi), nodes(placed, a, b, c), placed);

    // One member on the free node, evicting nobody; the other two each evict the one victim in their way.
    assertThat(plans).extracting(Plan::instanceId, Plan::agentId).containsExactly(
        org.assertj.core.groups.Tuple.tuple("mpi-0", "ams-metal/a"),
        org.assertj.core.groups.Tuple.tuple("mpi-1", "ams-metal/b"),
        org.assertj.core.groups.Tuple.tuple("mpi-2", "ams-metal/c"));
    assertThat(plans.get(0).evictions()).isEmpty();
    assertThat(victims(plans)).containsExactly("vb", "vc");
  }

  @Test
  void freeRoomAGangMemberTakesIsNoLongerFreeForTheNext() {
    // a has 4 cpu free: room for one 3-cpu member, not two; b and c hold one victim each.
    List<PlacedInstance> placed = List.of(victim("vb", b, 4, 0), victim("vc", c, 4, 1));
    WorkloadDemand mpi = workload("hpc/mpi", 3, 1).instances(3).priority(1000).gang().build();

    List<Plan> plans = Preemption.plan(members(mpi), nodes(placed, a, b, c), placed);

    assertThat(plans).extracting(Plan::agentId).containsExactly("ams-metal/a", "ams-metal/b", "ams-metal/c");
    assertThat(victims(plans)).containsExactly("vb", "vc");
  }

  @Test
  void aGangEvictsTheFewestAndLowestPriorityVictimsBeyondTheFreeRoom() {
    // Free room for one member on a; b's victim has priority 5, c's has priority 1: c is the cheaper eviction.
    List<PlacedInstance> placed = List.of(victim("vb", b, 4, 5), victim("vc", c, 4, 1));
    WorkloadDemand mpi = workload("hpc/mpi", 4, 1).instances(2).priority(1000).gang().build();

    List<Plan> plans = Preemption.plan(members(mpi), nodes(placed, a, b, c), placed);

    assertThat(plans).extracting(Plan::agentId).containsExactly("ams-metal/a", "ams-metal/c");
    assertThat(victims(plans)).containsExactly("vc");
  }

  @Test
  void aGangThatFitsInTheFreeRoomEvictsNobody() {
    List<PlacedInstance> placed = List.of(victim("vc", c, 4, 0));
    WorkloadDemand mpi = workload("hpc/mpi", 4, 1).instances(2).priority(1000).gang().build();

    // a and b hold the whole gang: it lacks offers, not room.
    assertThat(Preemption.plan(members(mpi), nodes(placed, a, b, c), placed)).isEmpty();
  }

  @Test
  void aGangThatCannotCompleteEvenWithEvictionsEvictsNobody() {
    // One member fits on a, one more after evicting vb; c's instance is not preemptible: 2 of 3 is not a gang.
    List<PlacedInstance> placed = List.of(victim("vb", b, 4, 0), victim("pinned", c, 4, 0, false, false));
    WorkloadDemand mpi = workload("hpc/mpi", 4, 1).instances(3).priority(1000).gang().build();

    assertThat(Preemption.plan(members(mpi), nodes(placed, a, b, c), placed)).isEmpty();
  }

  @Test
  void aGangSpreadByItsConstraintsEvictsWhereItMayNotShareTheFreeNode() {
    // a has room for two 4-cpu members, but UNIQUE hostname lets only one go there.
    AgentInfo wide = node("ams-metal", "a", 8, 16, "zone", "a");
    List<PlacedInstance> placed = List.of(victim("vb", b, 4, 0), victim("vc", c, 4, 0));
    WorkloadDemand spread = workload("hpc/mpi", 4, 1).instances(3).priority(1000).gang()
        .constraint(Constraint.of("hostname", Constraint.Operator.UNIQUE)).build();
    WorkloadDemand packed = workload("hpc/mpi", 4, 1).instances(3).priority(1000).gang().build();

    List<Plan> plans = Preemption.plan(members(spread), nodes(placed, wide, b, c), placed);
    assertThat(plans).extracting(Plan::agentId).containsExactly("ams-metal/a", "ams-metal/b", "ams-metal/c");
    assertThat(victims(plans)).containsExactly("vb", "vc");

    // Without the constraint two members share a and one eviction is enough.
    List<Plan> fewer = Preemption.plan(members(packed), nodes(placed, wide, b, c), placed);
    assertThat(fewer).extracting(Plan::agentId).containsExactly("ams-metal/a", "ams-metal/a", "ams-metal/b");
    assertThat(victims(fewer)).containsExactly("vb");
  }

  @Test
  void aLowerPriorityWorkloadDoesNotTakeRoomAGangMadeForItself() {
    // The gang plans first (priority 1000); the 4-cpu single instance (priority 500) then finds a, b, c taken.
    List<PlacedInstance> placed = List.of(victim("vb", b, 4, 0), victim("vc", c, 4, 0));
    WorkloadDemand mpi = workload("hpc/mpi", 4, 1).instances(3).priority(1000).gang().build();
    WorkloadDemand api = workload("prod/api", 4, 1).priority(500).build();
    List<Preemptor> all = new ArrayList<>(List.of(preemptor(api)));
    all.addAll(members(mpi));

    List<Plan> plans = Preemption.plan(all, nodes(placed, a, b, c), placed);

    assertThat(plans).extracting(Plan::workloadKey).containsOnly("hpc/mpi").hasSize(3);
  }

  @Test
  void aPreemptorMustBeAPendingInstanceOfItsWorkload() {
    WorkloadDemand db = workload("shop/db", 1, 1).instances(2).priority(100).build();

    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> Preemption.plan(List.of(new Preemptor(db, "db-7", false)), nodes(List.of(), n1), List.of()))
        .withMessage("db-7 is not a pending instance of shop/db");
  }
}
