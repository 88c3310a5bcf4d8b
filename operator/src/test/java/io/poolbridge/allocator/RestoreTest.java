package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * After a restart the allocator is rebuilt from the recorded placements (Workload status) before
 * it makes a decision: every placement comes back on its agent, with the same reservation split,
 * and nothing is over-committed.
 */
class RestoreTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpus", "mem");

  private static Resources mem(long m) {
    return Resources.of(SCHEMA, "mem", m);
  }

  private static HierarchicalAllocator allocator() {
    return allocator(10);
  }

  /** One agent of {@code mem} memory, 5 of it reserved for role a and 5 for role g. */
  private static HierarchicalAllocator allocator(long mem) {
    HierarchicalAllocator allocator =
        new HierarchicalAllocator(SCHEMA, new AllocatorConfig(new TestClock(), Duration.ofSeconds(1), 1));
    allocator.addAgent(new AgentInfo("agent1", "pool", Map.of(), mem(mem), Map.of("a", mem(5), "g", mem(5))));
    allocator.addFramework(FrameworkInfo.of("fa", "a"));
    allocator.addFramework(new FrameworkInfo("fe", "e", true, Duration.ZERO, null));
    return allocator;
  }

  /** Found by the invariant properties: restore used to guess the split and run out of room. */
  @Test
  void aRebuiltAllocatorHoldsTheSamePlacementsWithTheSameReservationSplit() {
    HierarchicalAllocator before = allocator();
    before.suppress("fe");
    Offer forA = before.allocate().offers().get(0);
    assertThat(forA.frameworkId()).isEqualTo("fa");
    before.accept(forA.id(), List.of(new Launch("i1", mem(5), 0)));
    before.suppress("fa");
    before.revive("fe").offers().forEach(o -> {
      if (o.revocable()) {
        before.accept(o.id(), List.of(new Launch("i2", mem(5), 0)));
      } else {
        before.decline(o.id(), Duration.ZERO);
      }
    });
    before.recover("i1");
    before.suppress("fe");
    Offer again = before.revive("fa").offers().get(0);
    before.accept(again.id(), List.of(new Launch("i3", mem(5), 0)));

    List<Placement> record = before.placements();
    assertThat(record).extracting(Placement::instanceId).containsExactly("i2", "i3");
    assertThat(record.get(0).reserved()).containsOnlyKeys("g");

    HierarchicalAllocator after = allocator();
    record.forEach(after::restore);

    assertThat(after.placements()).isEqualTo(record);
    assertThat(after.usage("agent1")).isEqualTo(before.usage("agent1"));
  }

  @Test
  void withoutARecordedSplitAPlacementTakesItsOwnRolesReservationFirst() {
    HierarchicalAllocator allocator = allocator(12);
    Placement restored = allocator.restore(new Placement("i1", "fa", "agent1", "pool", mem(7), false, 0));
    assertThat(restored.reserved()).containsExactly(Map.entry("a", mem(5)));
    assertThat(allocator.usage("agent1").free()).isEqualTo(mem(5));
    assertThat(allocator.placementReservations("i1")).containsExactly(Map.entry("a", mem(5)));
  }

  @Test
  void aRecordThatWouldOverCommitIsRefusedWithTheReason() {
    HierarchicalAllocator allocator = allocator(12);
    allocator.restore(new Placement("i1", "fa", "agent1", "pool", mem(5), false, 0, Map.of("a", mem(5))));
    assertThatThrownBy(() ->
            allocator.restore(new Placement("i2", "fa", "agent1", "pool", mem(5), false, 0, Map.of("a", mem(5)))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("placement i2 records {mem: 5} of the reservation for role a on agent agent1, which has only {} of it free");
    assertThatThrownBy(() -> allocator.restore(new Placement("i3", "fa", "agent1", "pool", mem(6), false, 0)))
        .hasMessage("placement i3 needs {mem: 6} but agent agent1 has only {mem: 2} unreserved free");
  }
}
