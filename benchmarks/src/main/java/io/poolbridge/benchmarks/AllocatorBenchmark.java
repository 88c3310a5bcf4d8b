package io.poolbridge.benchmarks;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AllocatorConfig;
import io.poolbridge.allocator.CycleResult;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.HierarchicalAllocator;
import io.poolbridge.allocator.Offer;
import io.poolbridge.allocator.Placement;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The time of one full allocation cycle ({@code allocate()} over every agent) of the hierarchical
 * allocator, in the cluster shapes of Apache Mesos' allocator benchmarks.
 *
 * <p><b>What one measured invocation is.</b> A cycle mutates the allocator: it makes offers, which
 * count as allocated. So every measured cycle must start from the same state, or the second one
 * would find nothing left to offer and measure an empty loop. Each shape is built once per trial;
 * before every invocation an untimed {@code @Setup(Level.Invocation)} rescinds the offers the
 * previous cycle made (rescinding sets no offer filter), which brings the allocations, the
 * sorters' shares and allocation counts, and the quota accounting back to exactly the state before
 * that cycle. Only the agent shuffle differs from cycle to cycle (the allocator's seeded random
 * generator moves on), as it does between real periodic cycles. A cycle takes milliseconds to
 * hundreds of milliseconds, far above the overhead {@code Level.Invocation} adds to the timing.
 * After each cycle the set-up checks that it really allocated (see {@link Cluster#check}).
 *
 * <p>Units: cpu in millicores, memory and disk in bytes. Mesos' agents also carry a range of
 * ports; poolbridge's allocator has scalar resources only, so the shapes leave them out.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class AllocatorBenchmark {
  static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory", "disk");
  static final long MIB = 1L << 20;

  /** Mesos' default --min_allocatable_resources (cpus:0.01|mem:32), which its benchmarks run with. */
  static final Resources MIN_ALLOCATABLE = resources(10, 32, 0);

  static Resources resources(long millicores, long memoryMib, long diskMib) {
    return Resources.of(SCHEMA, "cpu", millicores, "memory", memoryMib * MIB, "disk", diskMib * MIB);
  }

  static HierarchicalAllocator newAllocator() {
    return new HierarchicalAllocator(
        SCHEMA, new AllocatorConfig(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Duration.ofSeconds(1), 42));
  }

  /** A cluster built once per trial and restored before every measured cycle. */
  @State(Scope.Benchmark)
  public abstract static class Cluster {
    HierarchicalAllocator allocator;
    /** The result of the cycle just measured: its offers are rescinded before the next one. */
    CycleResult last;

    long cycles;
    long minOffers = Long.MAX_VALUE;
    long maxOffers;

    /** One measured cycle; its CPU time is recorded for {@link CycleCpuProfiler}. */
    CycleResult cycle() {
      long start = CycleCpuProfiler.now();
      last = allocator.allocate();
      CycleCpuProfiler.record(CycleCpuProfiler.now() - start);
      return last;
    }

    /** Builds the allocator's state. */
    abstract void build();

    /** Throws when a measured cycle did not do the work the shape is about. */
    abstract void check(CycleResult cycle);

    /** A line of what the cluster looks like after the last measured cycle. */
    abstract String summary();

    @Setup(Level.Trial)
    public void buildCluster() {
      long start = System.nanoTime();
      build();
      System.out.printf(
          "%n[%s] built in %d ms%n", getClass().getSimpleName(), (System.nanoTime() - start) / 1_000_000);
    }

    @Setup(Level.Invocation)
    public void restore() {
      if (last == null) {
        return;
      }
      check(last);
      cycles++;
      minOffers = Math.min(minOffers, last.offers().size());
      maxOffers = Math.max(maxOffers, last.offers().size());
      for (Offer o : last.offers()) {
        allocator.rescind(o.id());
      }
      last = null;
      if (!allocator.outstandingOffers().isEmpty()) {
        throw new IllegalStateException("offers left after restoring the state");
      }
    }

    @TearDown(Level.Trial)
    public void report() {
      String after = last == null ? "" : summary();
      System.out.printf(
          "%n[%s] %d cycles checked, %d..%d offers per cycle; %s%n",
          getClass().getSimpleName(), cycles, minOffers, maxOffers, after);
    }
  }

  /**
   * Mesos' {@code HierarchicalAllocator_BENCHMARK_Test.DeclineOffers} (and {@code ResourceLabels})
   * shape: agents of 24 cpu, 4 GiB memory and 4 GiB disk, each with 16 cpu, 2014 MiB memory and
   * 1 GiB disk already used by one framework (round-robin over the frameworks), all frameworks
   * active and unfiltered. Mesos puts every framework in one role; here each framework has a role
   * of its own by default ({@code frameworksPerRole = 1}), which exercises the role sorter as well;
   * {@code -p frameworksPerRole=<frameworks>} gives Mesos' single-role variant.
   */
  public static class DeclineOffersShape extends Cluster {
    /** agents x frameworks. */
    @Param({"1000x100", "10000x1000", "20000x2000"})
    public String shape;

    @Param({"1"})
    public int frameworksPerRole;

    int agentCount;

    @Override
    void build() {
      String[] parts = shape.split("x");
      agentCount = Integer.parseInt(parts[0]);
      int frameworkCount = Integer.parseInt(parts[1]);
      allocator = newAllocator();
      Resources agent = resources(24_000, 4096, 4096);
      Resources used = resources(16_000, 2014, 1024);
      // Agents before frameworks: adding an agent re-totals every sorter, so this order keeps the
      // set-up short. The state the cycle starts from is the same either way.
      for (int i = 0; i < agentCount; i++) {
        allocator.addAgent(AgentInfo.of("agent-" + i, "pool-" + (i % 4), agent));
      }
      List<String> frameworks = new ArrayList<>();
      for (int i = 0; i < frameworkCount; i++) {
        String id = "framework-" + i;
        allocator.addFramework(
            new FrameworkInfo(id, "role-" + (i / frameworksPerRole), false, null, MIN_ALLOCATABLE));
        frameworks.add(id);
      }
      for (int i = 0; i < agentCount; i++) {
        String fw = frameworks.get(i % frameworkCount);
        allocator.restore(new Placement("task-" + i, fw, "agent-" + i, "pool-" + (i % 4), used, false, 0));
      }
    }

    @Override
    void check(CycleResult cycle) {
      // Every agent has 8 cpu free and no framework is filtered: each is offered, once.
      if (cycle.offers().size() != agentCount) {
        throw new IllegalStateException("expected " + agentCount + " offers, got " + cycle.offers().size());
      }
    }

    @Override
    String summary() {
      return "framework-0 share " + allocator.share("framework-0");
    }
  }

  /**
   * Mesos' {@code BENCHMARK_HierarchicalAllocator_WithQuotaParam.LargeAndSmallQuota} shape: agents of
   * 2 cpu, 2 GiB memory and 2 GiB disk; "small" roles guaranteed 1 cpu, 1 GiB, 1 GiB (half an
   * agent: agents get chopped), "large" roles guaranteed 4 cpu, 4 GiB, 4 GiB (two agents); one
   * framework per role; {@code small / 5 + large * 5} agents. Nothing is allocated before the
   * measured cycle, which serves every guarantee.
   */
  public static class QuotaShape extends Cluster {
    /** small roles x large roles; Mesos' largest is 2500x500: 3000 agents, 3000 roles, 3000 frameworks. */
    @Param({"2500x500"})
    public String roles;

    final List<String> roleNames = new ArrayList<>();

    @Override
    void build() {
      String[] parts = roles.split("x");
      int small = Integer.parseInt(parts[0]);
      int large = Integer.parseInt(parts[1]);
      int agentCount = small / 5 + large * 5;
      allocator = newAllocator();
      Resources agent = resources(2000, 2048, 2048);
      for (int i = 0; i < agentCount; i++) {
        allocator.addAgent(AgentInfo.of("agent-" + i, "pool-" + (i % 4), agent));
      }
      for (int i = 0; i < small + large; i++) {
        boolean isSmall = i < small;
        String role = (isSmall ? "small-" : "large-") + i;
        long cpu = isSmall ? 1000 : 4000;
        long mib = isSmall ? 1024 : 4096;
        allocator.addFramework(new FrameworkInfo("framework-" + i, role, false, null, MIN_ALLOCATABLE));
        allocator.setQuota(role, Quota.guarantee(Map.of("cpu", cpu, "memory", mib * MIB, "disk", mib * MIB)));
        roleNames.add(role);
      }
    }

    @Override
    void check(CycleResult cycle) {
      if (cycle.offers().isEmpty()) {
        throw new IllegalStateException("the quota cycle made no offers");
      }
    }

    @Override
    String summary() {
      long met = roleNames.stream().filter(allocator::guaranteeMet).count();
      return met + " of " + roleNames.size() + " guarantees met after the last cycle";
    }
  }

  @Benchmark
  public CycleResult declineOffersCycle(DeclineOffersShape cluster) {
    return cluster.cycle();
  }

  @Benchmark
  public CycleResult quotaCycle(QuotaShape cluster) {
    return cluster.cycle();
  }
}
