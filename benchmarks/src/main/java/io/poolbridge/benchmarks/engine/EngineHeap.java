package io.poolbridge.benchmarks.engine;

import io.poolbridge.benchmarks.engine.EngineEstate.Driver;
import io.poolbridge.engine.Engine;
import io.poolbridge.engine.RecordedPlacement;
import io.poolbridge.scheduler.WorkloadDemand;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The engine's retained heap at the benchmark's size, without JMH: builds the settled estate of
 * {@link EngineEstate#standard()}, lets go of everything but the engine, and measures the heap in
 * use after full collections, before and after. Then it asks the JVM for a class histogram of
 * live objects ({@code jcmd <pid> GC.class_histogram}, which runs a full collection itself) and
 * prints its head and total. Also prints the wall time of each phase (one run, cold JIT: indicative
 * only; the JMH benchmark has the figures).
 *
 * <p>Run: {@code java -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.poolbridge.benchmarks.engine.EngineHeap}
 */
public final class EngineHeap {
  private EngineHeap() {}

  public static void main(String[] args) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    long t0 = System.nanoTime();
    EngineEstate estate = EngineEstate.standard();
    long t1 = System.nanoTime();
    Engine engine = estate.emptyEngine();
    long t2 = System.nanoTime();
    EngineEstate.restoreAll(engine, estate.placements);
    long t3 = System.nanoTime();
    Driver driver = new Driver(engine);
    int ticks = driver.settle(100);
    long t4 = System.nanoTime();
    System.out.printf("estate data %d ms, empty engine %d ms, restore of %d placements %d ms, settled in %d ticks %d ms%n",
        ms(t1 - t0), ms(t2 - t1), estate.placements.size(), ms(t3 - t2), ticks, ms(t4 - t3));
    for (int i = 0; i < 5; i++) {
      long s = System.nanoTime();
      driver.tick();
      System.out.printf("idle tick %d: %.3f ms%n", i, (System.nanoTime() - s) / 1e6);
    }
    WorkloadDemand fresh = WorkloadDemand.builder("probe/new-0", "fw-123", EngineEstate.res(2000, 4, 1)).instances(10).build();
    engine.upsert(fresh);
    for (int i = 0; i < 10; i++) {
      long s = System.nanoTime();
      var t = driver.tick();
      System.out.printf("tick %d after a new workload: %.3f ms, placed %d, settled %s%n", i, (System.nanoTime() - s) / 1e6,
          t.placed().size(), t.settled());
      if (t.settled()) {
        break;
      }
    }
    engine.delete(fresh.key());
    driver.settle(100);
    // Keep the engine only: the estate's data (agents, workloads) is referenced by the engine
    // anyway; the recorded placements and the estate object are not.
    estate = null;
    long after = usedAfterGc(memory);
    System.out.printf("heap used after full GCs: before %.1f MiB, with the settled engine %.1f MiB, retained %.1f MiB%n",
        before / 1048576.0, after / 1048576.0, (after - before) / 1048576.0);
    histogram();
    System.out.println("engine rounds " + engine.rounds() + " (kept reachable)");
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  /** Heap in use after five explicit full collections (G1: System.gc() is a full, compacting collection). */
  static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static void histogram() throws Exception {
    Process p = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
        .redirectErrorStream(true).start();
    List<String> lines;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      lines = r.lines().toList();
    }
    p.waitFor();
    System.out.println("class histogram (live objects), top 25:");
    lines.stream().limit(28).forEach(System.out::println);
    lines.stream().filter(l -> l.startsWith("Total")).forEach(System.out::println);
  }
}
