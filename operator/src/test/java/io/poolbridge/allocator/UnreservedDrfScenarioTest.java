package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mesos' HierarchicalAllocatorTest.UnreservedDRF, with its numbers: agents added one by one. */
class UnreservedDrfScenarioTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpus", "mem");
  private final Allocator allocator =
      new HierarchicalAllocator(
          SCHEMA, new AllocatorConfig(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Duration.ofSeconds(1), 7));

  private List<Offer> addAgent(String id, long cpus, long mem) {
    allocator.addAgent(AgentInfo.of(id, "pool", Resources.of(SCHEMA, "cpus", cpus, "mem", mem)));
    return allocator.allocate(List.of(id)).offers();
  }

  @Test
  void eachNewAgentGoesToTheRoleWithTheLowestDominantShare() {
    allocator.addFramework(FrameworkInfo.of("framework1", "role1"));
    assertThat(addAgent("agent1", 2, 1024))
        .singleElement()
        .satisfies(o -> assertThat(o.frameworkId()).isEqualTo("framework1"));

    allocator.addFramework(FrameworkInfo.of("framework2", "role2"));
    assertThat(addAgent("agent2", 1, 512))
        .singleElement()
        .satisfies(o -> assertThat(o.frameworkId()).isEqualTo("framework2"));
    assertThat(allocator.share("role1")).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(allocator.share("role2")).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-9));

    allocator.addFramework(FrameworkInfo.of("framework3", "role1"));
    // cpus=6, mem=3584: role1 share 0.33, role2 0.16 -> framework2 gets agent3.
    assertThat(addAgent("agent3", 3, 2048))
        .singleElement()
        .satisfies(o -> assertThat(o.frameworkId()).isEqualTo("framework2"));

    allocator.addFramework(FrameworkInfo.of("framework4", "role2"));
    // cpus=10, mem=7680: role1 0.2, role2 0.4 -> role1, and inside it framework3 (share 0).
    assertThat(addAgent("agent4", 4, 4096))
        .singleElement()
        .satisfies(o -> {
          assertThat(o.frameworkId()).isEqualTo("framework3");
          assertThat(o.resources()).isEqualTo(Resources.of(SCHEMA, "cpus", 4, "mem", 4096));
        });
  }
}
