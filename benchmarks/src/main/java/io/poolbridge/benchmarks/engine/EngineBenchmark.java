package io.poolbridge.benchmarks.engine;

import io.poolbridge.benchmarks.CycleCpuProfiler;
import io.poolbridge.benchmarks.engine.EngineEstate.Driver;
import io.poolbridge.engine.Engine;
import io.poolbridge.engine.RecordedPlacement;
import io.poolbridge.engine.Tick;
import io.poolbridge.scheduler.WorkloadDemand;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The allocation engine ({@link Engine}, issue 12) at 10,000 agents, 1,000 frameworks and 100,000
 * placed instances ({@link EngineEstate#standard()}).
 *
 * <ul>
 *   <li>{@link #idleTick}: a tick of the settled estate with no event since: the periodic tick
 *       the operator runs every interval when nothing happens.
 *   <li>{@link #newWorkloadFirstTick}: the first tick after one new workload of 10 instances
 *       (1 framework of the 1,000, in turn) was upserted: the tick that places them.
 *   <li>{@link #newWorkloadUntilSettled}: the same, every tick from the upsert until the engine
 *       says the estate is settled (the instances placed and committed, the quiet tick after).
 *   <li>{@link #restore}: a fresh engine that knows the agents, frameworks, quotas and workloads
 *       takes 100,000 recorded placements ({@code restore}), as after an operator restart.
 * </ul>
 *
 * <p><b>The state each invocation starts from.</b> The settled estate is built once per trial.
 * Before every invocation of the workload benchmarks an untimed {@code @Setup(Level.Invocation)}
 * deletes the workload the previous invocation added, ticks until the estate is settled again
 * (which stops its 10 instances and gives their resources back) and upserts a new workload with
 * a fresh key and fresh instance ids ({@code bench/new-<n>}: 2 cpu, 4 GiB, 1 GiB disk each, no
 * constraint), on framework {@code fw-(n * 7 % 1000)}. So every invocation starts from the
 * settled estate of 100,000 placed instances plus one pending workload. What differs: the clock
 * (one interval per tick, so refuse filters of earlier invocations have expired or not), the
 * allocator's seeded shuffle, and the framework.
 *
 * <p>Mode.SampleTime: every invocation is timed, which gives percentiles (p99 is the target).
 * With {@code -prof io.poolbridge.benchmarks.CycleCpuProfiler}, {@code cycle.cpu} is the benchmark
 * thread's CPU time per invocation of the workload and restore benchmarks (not of the idle tick,
 * which is shorter than reading the thread's CPU clock).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class EngineBenchmark {

  /** The settled estate, built once per trial. */
  @State(Scope.Benchmark)
  public static class Settled {
    Driver driver;
    long idleTicks;

    @Setup(Level.Trial)
    public void build() {
      long start = System.nanoTime();
      driver = EngineEstate.standard().settledEngine();
      System.out.printf("%n[%s] settled estate built in %d ms%n", getClass().getSimpleName(),
          (System.nanoTime() - start) / 1_000_000);
    }

    @TearDown(Level.Trial)
    public void report() {
      System.out.printf("%n[%s] %d idle ticks checked; rounds %d%n", getClass().getSimpleName(), idleTicks,
          driver.engine.rounds());
    }
  }

  /** The settled estate and one new workload, pending, before every invocation. */
  @State(Scope.Benchmark)
  public static class WithNewWorkload extends Settled {
    int n;
    String current;
    long invocations;
    long ticks;
    int maxTicks;

    @Setup(Level.Invocation)
    public void next() {
      Engine engine = driver.engine;
      if (current != null) {
        engine.delete(current);
        driver.settle(100);
      }
      n++;
      current = "bench/new-" + n;
      WorkloadDemand d = WorkloadDemand.builder(current, "fw-" + (n * 7 % 1000), EngineEstate.res(2000, 4, 1))
          .instanceIds(EngineEstate.ids("new-" + n, 10)).created(1_000_000 + n).build();
      engine.upsert(d);
    }

    /** Checks the invocation placed what it should: called by the benchmarks after their ticks. */
    void check(int expectedPlaced, int placed, int tickCount) {
      if (placed != expectedPlaced) {
        throw new IllegalStateException(current + ": placed " + placed + ", expected " + expectedPlaced);
      }
      invocations++;
      ticks += tickCount;
      maxTicks = Math.max(maxTicks, tickCount);
    }

    @Override
    @TearDown(Level.Trial)
    public void report() {
      System.out.printf("%n[%s] %d invocations checked, %d ticks (at most %d per invocation)%n",
          getClass().getSimpleName(), invocations, ticks, maxTicks);
    }
  }

  /** The recorded placements (from the settled engine's snapshot), and a fresh engine to restore them into. */
  @State(Scope.Benchmark)
  public static class Restore {
    EngineEstate estate;
    List<RecordedPlacement> records;
    Engine engine;

    @Setup(Level.Trial)
    public void build() {
      estate = EngineEstate.standard();
      records = EngineEstate.recorded(estate.settledEngine().engine.publish());
      if (records.size() != 100_000) {
        throw new IllegalStateException("recorded " + records.size());
      }
    }

    @Setup(Level.Invocation)
    public void freshEngine() {
      engine = null;
      engine = estate.emptyEngine();
    }

    @TearDown(Level.Invocation)
    public void check() {
      int placed = engine.publish().workloads().values().stream().mapToInt(v -> v.placed().size()).sum();
      if (placed != records.size()) {
        throw new IllegalStateException("restored " + placed + " of " + records.size());
      }
    }
  }

  @Benchmark
  public Tick idleTick(Settled s) {
    Tick t = s.driver.tick();
    if (!t.idle()) {
      throw new IllegalStateException("the settled estate did work");
    }
    s.idleTicks++;
    return t;
  }

  @Benchmark
  public Tick newWorkloadFirstTick(WithNewWorkload s) {
    long cpu = CycleCpuProfiler.now();
    Tick t = s.driver.tick();
    CycleCpuProfiler.record(CycleCpuProfiler.now() - cpu);
    s.check(10, t.placed().size(), 1);
    return t;
  }

  @Benchmark
  public int newWorkloadUntilSettled(WithNewWorkload s) {
    long cpu = CycleCpuProfiler.now();
    int placed = 0;
    int ticks = 0;
    Tick t;
    do {
      t = s.driver.tick();
      placed += t.placed().size();
      ticks++;
    } while (!t.settled() && ticks < 100);
    CycleCpuProfiler.record(CycleCpuProfiler.now() - cpu);
    s.check(10, placed, ticks);
    return placed;
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 2, batchSize = 1)
  @Measurement(iterations = 5, batchSize = 1)
  public Engine restore(Restore s) {
    long cpu = CycleCpuProfiler.now();
    EngineEstate.restoreAll(s.engine, s.records);
    CycleCpuProfiler.record(CycleCpuProfiler.now() - cpu);
    return s.engine;
  }
}
