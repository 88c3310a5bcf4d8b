package io.poolbridge.benchmarks.placement;

import io.poolbridge.benchmarks.placement.PlacementEstate.Mix;
import java.lang.management.ManagementFactory;

/**
 * A plain harness around {@link PoolbridgeRound} for profiling (JFR) and a quick look at where a
 * round's time goes: {@code java -cp benchmarks.jar io.poolbridge.benchmarks.placement.PlacementMain MIXED 20 gc}
 * (the last argument: a full GC before each timed placement, as JMH's {@code -gc true}).
 */
public final class PlacementMain {
  private PlacementMain() {}

  public static void main(String[] args) {
    Mix mix = Mix.valueOf(args.length > 0 ? args[0] : "MIXED");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    boolean gc = args.length > 2 && args[2].equals("gc");
    PlacementEstate estate = new PlacementEstate(mix);
    for (int i = 0; i < runs; i++) {
      PoolbridgeRound r = new PoolbridgeRound(estate);
      if (gc) {
        System.gc();
      }
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long allocated = threads.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      r.placeAll(10);
      long total = System.nanoTime() - start;
      allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
      Quality q = Quality.check(estate, r.placement());
      System.out.printf(
          "%s run %d: %.1f ms (allocate %.1f, schedule %.1f, accept/decline %.1f), %d MiB allocated, rounds %d; %s%n",
          mix, i, total / 1e6, r.allocateNanos / 1e6, r.scheduleNanos / 1e6, r.acceptNanos / 1e6, allocated >> 20, r.rounds(), q);
    }
  }
}
