package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sums of resource amounts saturate at {@code Long.MAX_VALUE} instead of wrapping round to negative
 * numbers, and differences stop at zero: amounts at the bounds still hold headroom for guarantees,
 * and nothing reads as negative.
 */
class SaturatingArithmeticTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpus", "mem");
  private static final long HALF_PLUS_ONE = Long.MAX_VALUE / 2 + 1; // 2^62

  @Test
  void resourceSumsSaturate() {
    Resources big = Resources.of(SCHEMA, "cpus", 1L, "mem", HALF_PLUS_ONE);
    Resources sum = big.plus(big);
    assertThat(sum.get("mem")).isEqualTo(Long.MAX_VALUE);
    assertThat(sum.get("cpus")).isEqualTo(2);
    assertThat(Resources.of(SCHEMA, "mem", Long.MAX_VALUE).plus(Resources.of(SCHEMA, "mem", Long.MAX_VALUE)).get("mem"))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(sum.minus(Resources.of(SCHEMA, "cpus", 5L)).get("cpus")).isZero();
  }

  /** Two reservations of 2^62 do not fit in a node of 2^62 + 1 because their sum wrapped round. */
  @Test
  void reservationsWhoseSumOverflowsDoNotFit() {
    Resources total = Resources.of(SCHEMA, "cpus", 1000L, "mem", HALF_PLUS_ONE + 1);
    Resources half = Resources.of(SCHEMA, "mem", HALF_PLUS_ONE);
    assertThatThrownBy(() -> new AgentInfo("a", "pool", Map.of(), total, Map.of("r1", half, "r2", half)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Two guarantees of 2^62 bytes of memory need 2^63 bytes of headroom, more than a long holds:
   * all the memory of two nodes of 2^62 - 1 bytes is held for them, none is offered to a role
   * without a guarantee; cpu, which no guarantee names, is.
   */
  @Test
  void headroomIsHeldWhenGuaranteesSumBeyondALong() {
    TestClock clock = new TestClock();
    HierarchicalAllocator alloc = new HierarchicalAllocator(SCHEMA, new AllocatorConfig(clock, Duration.ofSeconds(1), 1));
    alloc.setQuota("a", Quota.guarantee(Map.of("mem", HALF_PLUS_ONE)));
    alloc.setQuota("b", Quota.guarantee(Map.of("mem", HALF_PLUS_ONE)));
    alloc.addAgent(AgentInfo.of("n1", "pool", Resources.of(SCHEMA, "cpus", 4000L, "mem", Long.MAX_VALUE / 2)));
    alloc.addAgent(AgentInfo.of("n2", "pool", Resources.of(SCHEMA, "cpus", 4000L, "mem", Long.MAX_VALUE / 2)));
    alloc.addFramework(FrameworkInfo.of("web", "c"));
    List<Offer> offers = alloc.allocate().offers();
    assertThat(offers).hasSize(2);
    for (Offer o : offers) {
      assertThat(o.resources().get("mem")).as("memory held for the guarantees: %s", o).isZero();
      assertThat(o.resources().get("cpus")).isEqualTo(4000);
    }
    assertThat(alloc.guaranteeMet("a")).isFalse();
    for (String n : List.of("n1", "n2")) {
      AgentUsage u = alloc.usage(n);
      assertThat(u.free().get("mem")).isEqualTo(Long.MAX_VALUE / 2);
    }

    // A framework of a guaranteed role is offered its guarantee, no more: the rest (2^62 - 2, all
    // there is) stays held for b.
    alloc.addFramework(FrameworkInfo.of("a-fw", "a"));
    alloc.updateDemand("a-fw", Resources.of(SCHEMA, "mem", HALF_PLUS_ONE));
    clock.advance(Duration.ofSeconds(2));
    List<Offer> forA = alloc.allocate().offers();
    assertThat(forA).isNotEmpty().allMatch(o -> o.frameworkId().equals("a-fw"));
    long memForA = forA.stream().mapToLong(o -> o.resources().get("mem")).sum();
    assertThat(memForA).isEqualTo(HALF_PLUS_ONE);
    alloc.addFramework(FrameworkInfo.of("web2", "d"));
    clock.advance(Duration.ofSeconds(2));
    assertThat(alloc.allocate().offers()).isEmpty();
  }

  /** Nodes whose memory sums beyond a long: shares stay between 0 and 1 and nothing goes negative. */
  @Test
  void hugeNodesKeepSharesAndAccountsInRange() {
    TestClock clock = new TestClock();
    HierarchicalAllocator alloc = new HierarchicalAllocator(SCHEMA, new AllocatorConfig(clock, Duration.ofSeconds(1), 1));
    for (int i = 1; i <= 3; i++) {
      alloc.addAgent(AgentInfo.of("n" + i, "pool", Resources.of(SCHEMA, "cpus", 0L, "mem", Long.MAX_VALUE)));
    }
    alloc.addFramework(FrameworkInfo.of("big", "r"));
    alloc.addFramework(FrameworkInfo.of("other", "s"));
    Offer first = alloc.allocate().offers().get(0);
    alloc.accept(first.id(), List.of(new Launch("big-1", first.resources(), 0)));
    String holder = first.frameworkId();
    assertThat(alloc.share(holder)).isGreaterThan(0).isLessThanOrEqualTo(1);
    for (Offer o : alloc.outstandingOffers()) {
      alloc.decline(o.id(), Duration.ZERO);
    }
    alloc.recover("big-1");
    alloc.removeAgent("n1");
    for (int i = 2; i <= 3; i++) {
      AgentUsage u = alloc.usage("n" + i);
      assertThat(u.free().get("mem")).isEqualTo(Long.MAX_VALUE);
    }
    assertThat(alloc.share(holder)).isGreaterThanOrEqualTo(0);

    // Down to one node: the accounts that had saturated are exact again. A guarantee of 2^62 is
    // held on it and the rest, Long.MAX_VALUE - 2^62, is offered.
    alloc.setQuota("g", Quota.guarantee(Map.of("mem", HALF_PLUS_ONE)));
    alloc.removeAgent("n3");
    for (Offer o : alloc.outstandingOffers()) {
      alloc.decline(o.id(), Duration.ZERO);
    }
    List<Offer> offers = alloc.allocate().offers();
    assertThat(offers).hasSize(1);
    assertThat(offers.get(0).resources().get("mem")).isEqualTo(Long.MAX_VALUE - HALF_PLUS_ONE);
  }
}
