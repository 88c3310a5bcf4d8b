package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Constraint.Operator.CLUSTER;
import static io.poolbridge.scheduler.Constraint.Operator.GROUP_BY;
import static io.poolbridge.scheduler.Constraint.Operator.IS;
import static io.poolbridge.scheduler.Constraint.Operator.LIKE;
import static io.poolbridge.scheduler.Constraint.Operator.MAX_PER;
import static io.poolbridge.scheduler.Constraint.Operator.UNIQUE;
import static io.poolbridge.scheduler.Constraint.Operator.UNLIKE;
import static io.poolbridge.scheduler.Fixtures.hosts;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.offers;
import static io.poolbridge.scheduler.Fixtures.perValue;
import static io.poolbridge.scheduler.Fixtures.running;
import static io.poolbridge.scheduler.Fixtures.schedule;
import static io.poolbridge.scheduler.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolbridge.allocator.AgentInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Marathon's constraint operators, as a user of a Workload's {@code constraints} sees them. */
class ConstraintTest {
  // Three zones; a1 and a2 in zone a. Each node holds 8 instances of 1 cpu.
  private final AgentInfo a1 = node("ams-metal", "a1", 8, 32, "zone", "a", "provider", "equinix");
  private final AgentInfo a2 = node("ams-metal", "a2", 8, 32, "zone", "a", "provider", "equinix");
  private final AgentInfo b1 = node("fra-cloud", "b1", 8, 32, "zone", "b", "provider", "aws");
  private final AgentInfo c1 = node("par-cloud", "c1", 8, 32, "zone", "c", "provider", "gcp");
  private final List<NodeOffer> all = offers().whole(a1, a2, b1, c1).list();

  @Test
  void uniqueHostnamePutsAtMostOneInstancePerNodeAndSaysWhenNoneIsLeft() {
    WorkloadDemand w = workload("shop/web", 1, 1).instances(5).constraint(Constraint.of("hostname", UNIQUE)).build();

    Decisions d = schedule(all, List.of(), w);

    assertThat(hosts(d).values()).containsExactlyInAnyOrder("a1", "a2", "b1", "c1");
    assertThat(d.unplaced()).singleElement().satisfies(u -> {
      assertThat(u.instanceId()).isEqualTo("web-4");
      assertThat(u.reason().code()).isEqualTo(Reason.Code.CONSTRAINT);
      assertThat(u.reason().message()).isEqualTo("Constraint hostname UNIQUE has no value left");
    });
  }

  @Test
  void uniqueCountsInstancesAlreadyRunning() {
    WorkloadDemand w = workload("shop/web", 1, 1).instanceIds(List.of("web-2")).constraint(Constraint.of("zone", UNIQUE)).build();
    // web-0 runs in zone a, web-1 in zone b: only zone c is left.
    Decisions d = schedule(all, List.of(running("web-0", w, a2), running("web-1", w, b1)), w);

    assertThat(hosts(d)).containsExactly(Map.entry("web-2", "c1"));
  }

  @Test
  void clusterWithAValueKeepsEveryInstanceThere() {
    WorkloadDemand w = workload("shop/cache", 1, 1).instances(4).constraint(Constraint.of("zone", CLUSTER, "b")).build();

    Decisions d = schedule(all, List.of(), w);

    assertThat(hosts(d).values()).containsOnly("b1").hasSize(4);
  }

  @Test
  void clusterWithoutAValueFollowsTheFirstPlacement() {
    WorkloadDemand w = workload("shop/cache", 1, 1).instances(3).constraint(Constraint.of("zone", CLUSTER)).build();

    Decisions fresh = schedule(all, List.of(), w);
    // First instance goes to a1 (lowest id among equally loaded nodes), fixing zone a.
    assertThat(perValue(fresh, "zone", a1, a2, b1, c1)).containsOnlyKeys("a");

    WorkloadDemand more = w.withInstances(List.of("cache-9"));
    Decisions later = schedule(offers().whole(a1, b1).list(), List.of(running("cache-0", w, c1)), more);
    assertThat(later.assignments()).isEmpty();
    assertThat(later.reason("cache-9")).hasValueSatisfying(r ->
        assertThat(r.message()).isEqualTo("Constraint zone CLUSTER: its 1 running instances bound it to zone=c, which has no room offered for 1 more"));
  }

  @Test
  void groupBySpreadsEvenlyOverZonesEvenWhenBinPacking() {
    // Bin-packing alone would fill a1 first; GROUP_BY keeps the zones level.
    WorkloadDemand w = workload("shop/api", 1, 1).instances(6).strategy(Strategy.BIN_PACK)
        .constraint(Constraint.of("zone", GROUP_BY)).build();

    Decisions d = schedule(all, List.of(), w);

    assertThat(perValue(d, "zone", a1, a2, b1, c1)).containsExactly(Map.entry("a", 2), Map.entry("b", 2), Map.entry("c", 2));
  }

  @Test
  void groupByFillsUpTheZonesThatRunFewerInstances() {
    WorkloadDemand w = workload("shop/api", 1, 1).instanceIds(List.of("api-2", "api-3")).constraint(Constraint.of("zone", GROUP_BY)).build();

    Decisions d = schedule(all, List.of(running("api-0", w, a1), running("api-1", w, a2)), w);

    assertThat(perValue(d, "zone", a1, a2, b1, c1)).containsExactly(Map.entry("b", 1), Map.entry("c", 1));
  }

  @Test
  void groupByIgnoresAZoneWhoseOffersCannotHoldTheInstance() {
    // c1 offers only half a cpu: zone c is not a place an instance can go now, so it does not hold the others back.
    List<NodeOffer> offers = offers().whole(a1, b1).part(c1, Fixtures.res(0.5, 1)).list();
    WorkloadDemand w = workload("shop/api", 1, 1).instances(4).constraint(Constraint.of("zone", GROUP_BY)).build();

    Decisions d = schedule(offers, List.of(), w);

    assertThat(perValue(d, "zone", a1, b1, c1)).containsExactly(Map.entry("a", 2), Map.entry("b", 2));
  }

  @Test
  void groupByWithAnExpectedCountWaitsForThatManyZones() {
    WorkloadDemand w = workload("shop/api", 1, 1).instances(4).constraint(Constraint.of("zone", GROUP_BY, "3")).build();

    Decisions d = schedule(offers().whole(a1, b1).list(), List.of(), w);

    assertThat(perValue(d, "zone", a1, b1)).containsExactly(Map.entry("a", 1), Map.entry("b", 1));
    assertThat(d.unplaced()).hasSize(2).allSatisfy(u ->
        assertThat(u.reason().message()).isEqualTo("Constraint zone GROUP_BY 3 waits for offers in 3 values, has 2"));
  }

  @Test
  void likeIsAFullMatchOfTheRegularExpression() {
    WorkloadDemand partial = workload("shop/a", 1, 1).constraint(Constraint.of("pool", LIKE, "metal")).build();
    WorkloadDemand full = workload("shop/b", 1, 1).constraint(Constraint.of("pool", LIKE, ".*-cloud")).build();

    Decisions d = schedule(all, List.of(), partial, full);

    assertThat(d.reason("a-0")).hasValueSatisfying(r ->
        assertThat(r.message()).isEqualTo("Constraint pool LIKE metal matches no offered node"));
    assertThat(hosts(d)).containsExactly(Map.entry("b-0", "b1"));
  }

  @Test
  void unlikeExcludesMatchingNodesButAdmitsNodesWithoutTheAttribute() {
    AgentInfo bare = node("edge", "e1", 8, 32);  // no provider attribute
    WorkloadDemand w = workload("shop/web", 1, 1).instances(3).strategy(Strategy.BIN_PACK)
        .constraint(Constraint.of("provider", UNLIKE, "aws|gcp")).build();

    Decisions d = schedule(offers().whole(b1, c1, bare).list(), List.of(), w);

    assertThat(hosts(d).values()).containsOnly("e1").hasSize(3);
  }

  @Test
  void maxPerCapsInstancesPerValue() {
    WorkloadDemand w = workload("shop/db", 1, 1).instances(7).constraint(Constraint.of("zone", MAX_PER, "2")).build();

    Decisions d = schedule(all, List.of(), w);

    assertThat(perValue(d, "zone", a1, a2, b1, c1)).containsExactly(Map.entry("a", 2), Map.entry("b", 2), Map.entry("c", 2));
    assertThat(d.reason("db-6")).hasValueSatisfying(r ->
        assertThat(r.message()).isEqualTo("Constraint zone MAX_PER 2 has no value with fewer than 2 instances left"));
  }

  @Test
  void isPinsTheValue() {
    WorkloadDemand w = workload("shop/db", 1, 1).instances(2).constraint(Constraint.of("provider", IS, "gcp")).build();

    assertThat(hosts(schedule(all, List.of(), w)).values()).containsOnly("c1");
  }

  @Test
  void aNodeWithoutTheAttributeFailsEveryOperatorButUnlike() {
    AgentInfo bare = node("edge", "e1", 8, 32);
    for (Constraint c : List.of(
        Constraint.of("rack", UNIQUE), Constraint.of("rack", CLUSTER), Constraint.of("rack", GROUP_BY),
        Constraint.of("rack", LIKE, ".*"), Constraint.of("rack", MAX_PER, "5"), Constraint.of("rack", IS, "r1"))) {
      Decisions d = schedule(offers().whole(bare).list(), List.of(), workload("shop/x", 1, 1).constraint(c).build());
      assertThat(d.assignments()).as(c.toString()).isEmpty();
      assertThat(d.reason("x-0")).as(c.toString()).hasValueSatisfying(r ->
          assertThat(r.message()).isEqualTo("Constraint " + c + ": no offered node has attribute rack"));
    }
    Decisions unlike = schedule(offers().whole(bare).list(), List.of(),
        workload("shop/x", 1, 1).constraint(Constraint.of("rack", UNLIKE, "r1")).build());
    assertThat(unlike.assignments()).hasSize(1);
  }

  @Test
  void constraintsCombineAndAllMustHold() {
    // One instance per host, at most 1 per provider outside aws: a host in aws, one in gcp, and one equinix host.
    WorkloadDemand w = workload("shop/kafka", 1, 1).instances(4)
        .constraint(Constraint.of("hostname", UNIQUE))
        .constraint(Constraint.of("provider", MAX_PER, "1")).build();

    Decisions d = schedule(all, List.of(), w);

    assertThat(perValue(d, "provider", a1, a2, b1, c1))
        .containsExactly(Map.entry("aws", 1), Map.entry("equinix", 1), Map.entry("gcp", 1));
    assertThat(d.reason("kafka-3")).hasValueSatisfying(r -> assertThat(r.message()).startsWith("Constraint provider MAX_PER 1"));
  }

  @Test
  void groupByZoneWithUniqueHostSpreadsOverZonesAndHosts() {
    WorkloadDemand w = workload("shop/zk", 1, 1).instances(4)
        .constraint(Constraint.of("zone", GROUP_BY))
        .constraint(Constraint.of("hostname", UNIQUE)).build();

    Decisions d = schedule(all, List.of(), w);

    assertThat(hosts(d).values()).containsExactlyInAnyOrder("a1", "a2", "b1", "c1");
  }

  @Test
  void malformedConstraintsAreRejectedWithTheirReason() {
    assertThatThrownBy(() -> Constraint.of("zone", MAX_PER, "zero")).hasMessageContaining("needs a positive number");
    assertThatThrownBy(() -> Constraint.of("zone", LIKE, "(")).hasMessageContaining("invalid regular expression");
    assertThatThrownBy(() -> Constraint.of("zone", IS)).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> Constraint.of("zone", UNIQUE, "x")).hasMessageContaining("takes no value");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aPatternThatBacktracksExponentiallyElsewhereIsMatchedInLinearTime() {
    // (.*a){20} against 62 a's and a b: a backtracking engine tries ~C(82,20) splits; RE2 is linear.
    String value = "a".repeat(62) + "b";
    assertThat(value).hasSize(63);

    assertThat(Constraint.of("rack", LIKE, "(.*a){20}").admits(value, Map.of(), Set.of())).isFalse();
    assertThat(Constraint.of("rack", UNLIKE, "(.*a){20}").admits(value, Map.of(), Set.of())).isTrue();
    assertThat(Constraint.of("rack", LIKE, "(.*a){20}b").admits(value, Map.of(), Set.of())).isTrue();
  }

  @Test
  void likeMatchesTheWholeValueAsKubernetesCelDoesWithRe2() {
    assertThat(Constraint.of("rack", LIKE, "r1").admits("r12", Map.of(), Set.of())).as("a full match, not a find").isFalse();
    assertThat(Constraint.of("rack", LIKE, "r1|r12").admits("r12", Map.of(), Set.of())).as("alternatives, leftmost-first").isTrue();
    assertThat(Constraint.of("rack", LIKE, "r[0-9]+").admits("r12", Map.of(), Set.of())).isTrue();
    assertThat(Constraint.of("zone", LIKE, "(?i)AMS.*").admits("ams1", Map.of(), Set.of())).isTrue();
  }

  @Test
  void backReferencesAndLookaroundsAreNotRegularAndAreRefused() {
    // RE2 syntax, as Kubernetes CEL's matches(): no back-references, no lookarounds.
    assertThatThrownBy(() -> Constraint.of("rack", LIKE, "(a)\\1")).hasMessageContaining("invalid regular expression");
    assertThatThrownBy(() -> Constraint.of("rack", LIKE, "(?=a)a")).hasMessageContaining("invalid regular expression");
  }

  @Test
  void aPatternLongerThan256CharactersIsRefused() {
    assertThat(Constraint.of("rack", LIKE, "a".repeat(256)).admits("a".repeat(256), Map.of(), Set.of())).isTrue();
    assertThatThrownBy(() -> Constraint.of("rack", LIKE, "a".repeat(257)))
        .hasMessage("constraint rack LIKE: the regular expression is 257 characters long; at most 256 are allowed");
  }
}
