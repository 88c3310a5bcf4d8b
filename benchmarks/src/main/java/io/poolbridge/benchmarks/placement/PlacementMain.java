package io.poolbridge.benchmarks.placement;

import io.poolbridge.benchmarks.placement.PlacementEstate.Mix;
import io.poolbridge.scheduler.FrameworkScheduler;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.SchedulingRequest;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A plain harness around the placement rounds, for profiling (JFR) and a quick look at where a
 * round's time goes (the JMH numbers are {@code PlacementBenchmark}'s):
 * {@code java -cp benchmarks.jar io.poolbridge.benchmarks.placement.PlacementMain poolbridge MIXED 20 gc}
 * (system {@code poolbridge}, {@code fenzo}, {@code fenzo-spread} or {@code yarn-fair}; the last argument: a full GC
 * before each timed placement, as JMH's {@code -gc true}). System {@code poolbridge-schedule} times
 * level 2 alone ({@link #scheduleOnly}).
 */
public final class PlacementMain {
  private PlacementMain() {}

  public static void main(String[] args) {
    String system = args.length > 0 ? args[0] : "poolbridge";
    Mix mix = Mix.valueOf(args.length > 1 ? args[1] : "MIXED");
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    boolean gc = args.length > 3 && args[3].equals("gc");
    PlacementEstate estate = new PlacementEstate(mix);
    if (system.equals("poolbridge-schedule")) {
      scheduleOnly(estate, runs);
      return;
    }
    Path allocationFile = system.equals("yarn-fair") ? YarnFairRound.allocationFile(estate) : null;
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    double[] times = new double[runs];
    double[] cpuTimes = new double[runs];
    double[][] phases = new double[3][runs];
    for (int i = 0; i < runs; i++) {
      PoolbridgeRound pb = null;
      FenzoRound fenzo = null;
      YarnFairRound yarn = null;
      switch (system) {
        case "poolbridge" -> pb = new PoolbridgeRound(estate);
        case "fenzo" -> fenzo = new FenzoRound(estate, false);
        case "fenzo-spread" -> fenzo = new FenzoRound(estate, true);
        case "yarn-fair" -> yarn = new YarnFairRound(estate, allocationFile);
        default -> throw new IllegalArgumentException("unknown system " + system);
      }
      if (gc) {
        System.gc();
      }
      long allocated = threads.getCurrentThreadAllocatedBytes();
      long cpu = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      int rounds = pb != null ? pb.placeAll(10) : fenzo != null ? fenzo.placeAll(10) : yarn.placeAll(100);
      long total = System.nanoTime() - start;
      cpu = threads.getCurrentThreadCpuTime() - cpu;
      times[i] = total / 1e6;
      cpuTimes[i] = cpu / 1e6;
      allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
      Map<String, Integer> placement = pb != null ? pb.placement() : fenzo != null ? fenzo.placement() : yarn.placement();
      if (pb != null) {
        phases[0][i] = pb.allocateNanos / 1e6;
        phases[1][i] = pb.scheduleNanos / 1e6;
        phases[2][i] = pb.acceptNanos / 1e6;
      }
      String detail = pb == null ? ""
          : String.format(" (allocate %.1f, schedule %.1f, accept/decline %.1f)",
              pb.allocateNanos / 1e6, pb.scheduleNanos / 1e6, pb.acceptNanos / 1e6);
      System.out.printf(
          "%s %s run %d: %.1f ms%s, %d MiB allocated by the caller's thread, rounds %d; %s%n",
          system, mix, i, total / 1e6, detail, allocated >> 20, rounds, Quality.check(estate, placement));
      if (fenzo != null) {
        fenzo.shutdown();
      }
      if (yarn != null) {
        yarn.stop();
      }
    }
    // The second half of the runs, warmed up: the figures to compare between two builds.
    double[] wall = java.util.Arrays.copyOfRange(times, runs / 2, runs);
    double[] onCpu = java.util.Arrays.copyOfRange(cpuTimes, runs / 2, runs);
    java.util.Arrays.sort(wall);
    java.util.Arrays.sort(onCpu);
    System.out.printf(
        "%s %s, last %d runs: wall min %.1f ms, median %.1f ms; caller's thread on cpu min %.1f ms, median %.1f ms%n",
        system, mix, wall.length, wall[0], wall[wall.length / 2], onCpu[0], onCpu[onCpu.length / 2]);
    if (system.equals("poolbridge")) {
      System.out.printf("poolbridge %s, last %d runs, median by phase: allocate %.1f, schedule %.1f, accept/decline %.1f ms%n",
          mix, wall.length, median(phases[0], runs), median(phases[1], runs), median(phases[2], runs));
    }
  }

  /**
   * Level 2 alone, steadier than whole rounds for comparing two builds of the scheduler: the first
   * round's scheduling requests (every framework's offers and workloads), scheduled again and
   * again; the schedule is a pure function of its request.
   */
  private static void scheduleOnly(PlacementEstate estate, int runs) {
    PoolbridgeRound round = new PoolbridgeRound(estate);
    round.round();
    List<SchedulingRequest> requests = List.copyOf(round.requests);
    FrameworkScheduler scheduler = new FrameworkScheduler(Prices.NONE);
    double[] times = new double[runs];
    int placed = 0;
    for (int i = 0; i < runs; i++) {
      System.gc();
      long start = System.nanoTime();
      placed = 0;
      for (SchedulingRequest r : requests) {
        placed += scheduler.schedule(r).assignments().size();
      }
      times[i] = (System.nanoTime() - start) / 1e6;
    }
    double[] half = java.util.Arrays.copyOfRange(times, runs / 2, runs);
    java.util.Arrays.sort(half);
    System.out.printf("poolbridge %s, schedule only, %d instances placed, last %d runs: min %.2f ms, p25 %.2f, median %.2f ms%n",
        estate.mix, placed, half.length, half[0], half[half.length / 4], half[half.length / 2]);
  }

  private static double median(double[] all, int runs) {
    double[] half = java.util.Arrays.copyOfRange(all, runs / 2, runs);
    java.util.Arrays.sort(half);
    return half[half.length / 2];
  }
}
