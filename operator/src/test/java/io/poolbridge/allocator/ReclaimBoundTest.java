package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Taking back lent capacity is bounded by what its owner still wants: the owner's demand is met
 * cluster-wide (from its free capacity anywhere, and from what is already being taken back on any
 * agent), and a placement is named for revocation only while that demand is not covered yet.
 */
class ReclaimBoundTest {

  /**
   * Four agents each with a 2-cpu reservation for db, all four borrowed by batch: a db framework
   * that wants 1 cpu needs one of them back, not one per agent.
   */
  @Test
  void oneCpuOfDemandRevokesOnePlacementNotOnePerAgent() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addRevocableFramework("batch", "research");
    for (int i = 1; i <= 4; i++) {
      s.addAgent("agent" + i, "cpus(db):2;mem(db):2048");
    }
    assertThat(s.allocate()).hasSize(4).allMatch(o -> o.startsWith("batch <- ") && o.endsWith("cpus:2;mem:2048 (revocable)"));
    for (int i = 1; i <= 4; i++) {
      s.accept("batch", "agent" + i, s.launch("etl-" + i, "cpus:2;mem:2048", 0));
    }

    s.addFramework("postgres", "db");
    s.allocator.updateDemand("postgres", s.res("cpus:1;mem:1024"));
    CycleResult cycle = s.allocator.allocate();
    assertThat(cycle.revocations()).hasSize(1);
    assertThat(cycle.revocations().get(0).owner()).isEqualTo("db");
    // Being taken back already: the next cycle names nothing more.
    assertThat(s.allocator.allocate().revocations()).isEmpty();

    s.allocator.recover(cycle.revocations().get(0).placement().instanceId());
    s.tick();
    List<String> offers = s.allocate();
    assertThat(offers).hasSize(1).allMatch(o -> o.startsWith("postgres <- ") && o.endsWith("cpus:2;mem:2048"));
  }

  /** Free capacity of the owner's reservation on another agent serves its demand: nothing is revoked. */
  @Test
  void freeReservationElsewhereMeansNoRevocation() {
    Scenario s = Scenario.of("cpus", "mem");
    s.addRevocableFramework("batch", "research");
    s.addAgent("agent1", "cpus(db):2;mem(db):2048");
    assertThat(s.allocate()).containsExactly("batch <- agent1 cpus:2;mem:2048 (revocable)");
    s.accept("batch", "agent1", s.launch("etl-1", "cpus:2;mem:2048", 0));
    s.addAgent("agent2", "cpus(db):2;mem(db):2048");
    s.addFramework("postgres", "db");
    s.allocator.updateDemand("postgres", s.res("cpus:1;mem:1024"));
    CycleResult cycle = s.allocator.allocate();
    assertThat(cycle.revocations()).isEmpty();
    assertThat(Scenario.show(cycle.offers())).containsExactly("postgres <- agent2 cpus:2;mem:2048");
  }

  /**
   * Lent headroom: two guaranteed roles each want 1 cpu back of what batch borrowed in 1-cpu
   * placements: each is named the owner of exactly one revocation.
   */
  @Test
  void headroomIsReclaimedPerOwnerWithinItsDemand() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("prod", Quota.guarantee(s.res("cpus:4;mem:4096").asMap()));
    s.allocator.setQuota("stage", Quota.guarantee(s.res("cpus:4;mem:4096").asMap()));
    s.addRevocableFramework("batch", "research");
    s.addAgent("agent1", "cpus:8;mem:8192");
    assertThat(s.allocate()).containsExactly("batch <- agent1 cpus:8;mem:8192 (revocable)");
    List<Launch> launches = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      launches.add(s.launch("etl-" + i, "cpus:1;mem:1024", 0));
    }
    s.accept("batch", "agent1", launches.toArray(Launch[]::new));

    s.addFramework("prod-web", "prod");
    s.addFramework("stage-web", "stage");
    s.allocator.updateDemand("prod-web", s.res("cpus:1;mem:1024"));
    s.allocator.updateDemand("stage-web", s.res("cpus:1;mem:1024"));
    CycleResult cycle = s.allocator.allocate();
    assertThat(cycle.revocations()).extracting(Revocation::owner).containsExactlyInAnyOrder("prod", "stage");
  }

  /**
   * An owner that declines what was freed for it (its instances' constraints rule the node out,
   * say) does not get the borrower's next instance revoked for the same demand: that would stop a
   * borrower's instance every other cycle, for nothing. A new demand, or a placement, reclaims again.
   */
  @Test
  void capacityTheOwnerDidNotUseIsNotReclaimedAgainForTheSameDemand() {
    Scenario s = Scenario.of("cpus", "mem");
    s.allocator.setQuota("prod", Quota.guarantee(s.res("cpus:4;mem:4096").asMap()));
    s.addRevocableFramework("batch", "research");
    s.addFramework("prod-web", "prod");
    s.allocator.suppress("prod-web");
    s.addAgent("agent1", "cpus:4;mem:4096");
    assertThat(s.allocate()).containsExactly("batch <- agent1 cpus:4;mem:4096 (revocable)");
    s.accept("batch", "agent1", s.launch("etl-1", "cpus:4;mem:4096", 0));

    Resources two = s.res("cpus:2;mem:2048");
    s.allocator.updateDemand("prod-web", two, List.of(two));
    s.allocator.revive("prod-web");
    s.allocator.recover("etl-1"); // the revive cycle named it
    s.tick();
    assertThat(s.allocate()).containsExactly("prod-web <- agent1 cpus:4;mem:4096");
    s.decline("prod-web", "agent1", null); // cannot use it: filtered for 5 s
    s.tick();
    assertThat(s.allocate()).containsExactly("batch <- agent1 cpus:4;mem:4096 (revocable)");
    s.accept("batch", "agent1", s.launch("etl-2", "cpus:4;mem:4096", 0));
    for (int i = 0; i < 10; i++) {
      s.tick();
      assertThat(s.allocator.allocate().revocations()).as("cycle %d", i).isEmpty();
    }

    Resources three = s.res("cpus:3;mem:3072");
    s.allocator.updateDemand("prod-web", three, List.of(three));
    assertThat(s.allocator.allocate().revocations()).extracting(r -> r.placement().instanceId()).containsExactly("etl-2");
  }

  // ---------------------------------------------------------------- random worlds

  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpus", "mem");
  private static final List<String> OWNERS = List.of("db", "db/x", "prod", "prod/web", "ana");

  /**
   * Over random worlds (agents reserved for one owner role or unreserved, guarantees, a revocable
   * borrower that fills what it is lent with placements of random sizes, owners whose demand comes
   * and goes), every cycle names revocations for an owner only while what it already named does
   * not cover the owner's demand: revoked capacity is at most the demand plus one placement.
   */
  @Test
  void revokedCapacityIsBoundedByTheOwnersDemandPlusOnePlacement() {
    long base = 0x5eed_10L;
    for (int run = 0; run < 300; run++) {
      long seed = base + run;
      try {
        randomWorld(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  private static void randomWorld(long seed) {
    Random rnd = new Random(seed);
    TestClock clock = new TestClock();
    HierarchicalAllocator alloc =
        new HierarchicalAllocator(SCHEMA, new AllocatorConfig(clock, Duration.ofSeconds(1), seed));
    Map<String, String> roleOf = new TreeMap<>();
    for (String owner : OWNERS) {
      if (rnd.nextInt(3) == 0) {
        alloc.setQuota(owner, Quota.guarantee(Map.of("cpus", 1000L * (1 + rnd.nextInt(8)), "mem", 1024L * (1 + rnd.nextInt(8)))));
      }
    }
    int agents = 2 + rnd.nextInt(7);
    for (int i = 0; i < agents; i++) {
      Resources total = Resources.of(SCHEMA, "cpus", 1000L * (2 + rnd.nextInt(7)), "mem", 1024L * (2 + rnd.nextInt(7)));
      Map<String, Resources> reservations = rnd.nextBoolean() ? Map.of(OWNERS.get(rnd.nextInt(3)), total) : Map.of();
      alloc.addAgent(new AgentInfo("agent" + i, "pool", Map.of(), total, reservations));
    }
    alloc.addFramework(new FrameworkInfo("batch", "research", true, Duration.ZERO, null));
    roleOf.put("batch", "research");
    int frameworks = 1 + rnd.nextInt(4);
    for (int i = 0; i < frameworks; i++) {
      String role = OWNERS.get(rnd.nextInt(OWNERS.size()));
      alloc.addFramework(new FrameworkInfo("fw" + i, role, false, Duration.ZERO, null));
      alloc.suppress("fw" + i);
      roleOf.put("fw" + i, role);
    }
    Map<String, Resources> demand = new TreeMap<>();
    int instance = 0;
    for (int step = 0; step < 12; step++) {
      // Owners' demand comes and goes.
      for (String fw : roleOf.keySet()) {
        if (!fw.equals("batch") && rnd.nextInt(3) == 0) {
          Resources d = rnd.nextInt(3) == 0
              ? Resources.none(SCHEMA)
              : Resources.of(SCHEMA, "cpus", 250L * rnd.nextInt(rnd.nextBoolean() ? 4 : 20), "mem", 256L * rnd.nextInt(rnd.nextBoolean() ? 4 : 20));
          alloc.updateDemand(fw, d);
          demand.put(fw, d);
          // As the operator does: a framework without pending instances is suppressed.
          if (d.isEmpty()) {
            alloc.suppress(fw);
          } else if (step > 2) {
            checkBound(alloc.revive(fw), demand, roleOf);
          }
        }
      }
      CycleResult cycle = alloc.allocate();
      checkBound(cycle, demand, roleOf);
      // The caller stops most revoked instances at once, some later.
      for (Revocation r : cycle.revocations()) {
        if (rnd.nextInt(4) != 0) {
          alloc.recover(r.placement().instanceId());
        }
      }
      // Frameworks fill their offers with placements of random sizes, or decline them.
      for (Offer o : alloc.outstandingOffers()) {
        if (rnd.nextInt(5) == 0) {
          alloc.decline(o.id(), Duration.ZERO);
          continue;
        }
        List<Launch> launches = new ArrayList<>();
        long[] left = o.resources().toArray();
        if (!o.frameworkId().equals("batch")) {
          // An owner launches no more than it wants.
          Vec.min(left, demand.getOrDefault(o.frameworkId(), Resources.none(SCHEMA)).toArray());
        }
        while (left[0] > 0 || left[1] > 0) {
          long cpus = Math.min(left[0], 500L * (1 + rnd.nextInt(8)));
          long mem = Math.min(left[1], 512L * (1 + rnd.nextInt(8)));
          if (cpus == 0 && mem == 0) {
            break;
          }
          launches.add(new Launch("i" + (++instance), Resources.of(SCHEMA, "cpus", cpus, "mem", mem), rnd.nextInt(3)));
          left[0] -= cpus;
          left[1] -= mem;
          if (rnd.nextInt(4) == 0) {
            break;
          }
        }
        alloc.accept(o.id(), launches);
      }
      // Some placements finish.
      for (Placement p : alloc.placements()) {
        if (rnd.nextInt(10) == 0) {
          alloc.recover(p.instanceId());
        }
      }
      clock.advance(Duration.ofSeconds(1));
    }
  }

  /**
   * For each owner named in the cycle's revocations, in the order they are named: the placements
   * named before the last one do not cover the demand of the owner's subtree already.
   */
  private static void checkBound(CycleResult cycle, Map<String, Resources> demand, Map<String, String> roleOf) {
    Map<String, List<Placement>> byOwner = new LinkedHashMap<>();
    for (Revocation r : cycle.revocations()) {
      byOwner.computeIfAbsent(r.owner(), k -> new ArrayList<>()).add(r.placement());
    }
    byOwner.forEach((owner, named) -> {
      long[] want = new long[SCHEMA.size()];
      demand.forEach((fw, d) -> {
        if (RolePaths.isSelfOrDescendant(roleOf.get(fw), owner)) {
          Vec.add(want, d.toArray());
        }
      });
      long[] before = new long[SCHEMA.size()];
      for (int i = 0; i < named.size() - 1; i++) {
        Vec.add(before, named.get(i).resources().toArray());
      }
      assertThat(Vec.anyPositive(want))
          .as("owner %s has demand, yet %s are revoked for it", owner, named)
          .isTrue();
      assertThat(Vec.fits(want, before))
          .as("owner %s wants %s; revoked %s: all but the last already cover it",
              owner, Resources.ofArray(SCHEMA, want), named)
          .isFalse();
    });
  }
}
