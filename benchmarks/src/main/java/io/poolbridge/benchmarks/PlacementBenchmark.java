package io.poolbridge.benchmarks;

import io.poolbridge.benchmarks.placement.FenzoRound;
import io.poolbridge.benchmarks.placement.PlacementEstate;
import io.poolbridge.benchmarks.placement.PlacementEstate.Mix;
import io.poolbridge.benchmarks.placement.PoolbridgeRound;
import io.poolbridge.benchmarks.placement.Quality;
import io.poolbridge.benchmarks.placement.YarnFairRound;
import java.nio.file.Path;
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
 * Issue 5: place 50,000 instances (1 cpu / 2 GiB) of 10 weighted frameworks on 5,000 nodes (32 cpu
 * / 128 GiB), without constraints and with a mix of them ({@link PlacementEstate} documents the
 * estate and the mix), in poolbridge and in the schedulers a user would otherwise pick.
 *
 * <p>Each measured invocation is one full placement from a freshly built state (built untimed in
 * {@code @Setup(Level.Invocation)}), timed once ({@link Mode#SingleShotTime}). After each
 * invocation the placement is checked independently of the system that made it ({@link
 * Quality#check}): an invocation that leaves an instance unplaced, over-commits a node or breaks a
 * constraint is reported at the end of the trial (and fails the trial for poolbridge, which must
 * place everything).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
public class PlacementBenchmark {

  /** What every system's state has: the estate, the last placement's quality, a trial report. */
  @State(Scope.Thread)
  public abstract static class Run {
    PlacementEstate estate;
    final List<Quality> qualities = new ArrayList<>();
    final List<Integer> roundCounts = new ArrayList<>();

    abstract String system();

    /** The demand mix (each system's own {@code @Param}). */
    abstract Mix mix();

    /** Builds a fresh state to place from (untimed). */
    abstract void build();

    /** The instance-to-node placement of the invocation just measured. */
    abstract Map<String, Integer> placement();

    /** Whether every invocation must place everything within every constraint. */
    boolean mustComplete() {
      return false;
    }

    @Setup(Level.Invocation)
    public void fresh() {
      if (estate == null) {
        estate = new PlacementEstate(mix());
      }
      build();
    }

    @TearDown(Level.Invocation)
    public void check() {
      Quality q = Quality.check(estate, placement());
      qualities.add(q);
      if (mustComplete() && !q.complete(estate)) {
        throw new IllegalStateException(system() + " left the job undone: " + q);
      }
    }

    @TearDown(Level.Trial)
    public void report() {
      System.out.printf("%n[%s %s] %d invocations checked%n", system(), mix(), qualities.size());
      for (int i = 0; i < qualities.size(); i++) {
        String rounds = i < roundCounts.size() ? ", rounds " + roundCounts.get(i) : "";
        System.out.printf("  #%d %s%s%n", i, qualities.get(i), rounds);
      }
    }
  }

  /** The systems with placement constraints: both demand mixes. */
  @State(Scope.Thread)
  public abstract static class BothMixes extends Run {
    @Param({"NONE", "MIXED"})
    public Mix constraints;

    @Override
    Mix mix() {
      return constraints;
    }
  }

  @State(Scope.Thread)
  public static class Poolbridge extends BothMixes {
    PoolbridgeRound round;

    @Override
    String system() {
      return "poolbridge";
    }

    @Override
    void build() {
      round = new PoolbridgeRound(estate);
    }

    @Override
    Map<String, Integer> placement() {
      roundCounts.add(round.rounds());
      return round.placement();
    }

    @Override
    boolean mustComplete() {
      return true;
    }
  }

  @State(Scope.Thread)
  public static class Fenzo extends BothMixes {
    FenzoRound round;

    @Override
    String system() {
      return "fenzo";
    }

    @Override
    void build() {
      round = new FenzoRound(estate, false);
    }

    @Override
    Map<String, Integer> placement() {
      roundCounts.add(round.rounds());
      round.shutdown();
      return round.placement();
    }
  }

  /** The FairScheduler has no placement constraints: the unconstrained mix only. */
  @State(Scope.Thread)
  public static class YarnFair extends Run {
    @Param({"NONE"})
    public Mix constraints;

    Path allocationFile;
    YarnFairRound round;

    @Override
    Mix mix() {
      return constraints;
    }

    @Override
    String system() {
      return "yarn-fair";
    }

    @Override
    void build() {
      if (allocationFile == null) {
        allocationFile = YarnFairRound.allocationFile(estate);
      }
      round = new YarnFairRound(estate, allocationFile);
    }

    @Override
    Map<String, Integer> placement() {
      roundCounts.add(round.rounds());
      Map<String, Integer> placement = round.placement();
      round.stop();
      return placement;
    }
  }

  /** Allocation cycle, every framework's scheduling call, accepts and declines; until all are placed. */
  @Benchmark
  @Warmup(iterations = 10)
  @Measurement(iterations = 20)
  public int poolbridge(Poolbridge s) {
    return s.round.placeAll(10);
  }

  /**
   * Heartbeat rounds (a {@code NodeUpdateSchedulerEvent} per node, then {@code update()}) until
   * all containers are allocated.
   */
  @Benchmark
  @Warmup(iterations = 3)
  @Measurement(iterations = 5)
  public int yarnFair(YarnFair s) {
    return s.round.placeAll(100);
  }

  /** {@code scheduleOnce} over all tasks and all nodes' leases, then the task assigner for each assignment. */
  @Benchmark
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public int fenzo(Fenzo s) {
    return s.round.placeAll(10);
  }
}
