package io.poolbridge.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Reports the CPU time the benchmark thread spent inside measured allocation cycles, per cycle
 * ({@code -prof io.poolbridge.benchmarks.CycleCpuProfiler}).
 *
 * <p>On a machine shared with other builds, wall-clock time per cycle (JMH's score) includes the
 * time the thread waited for a core; the thread's CPU time does not, so it is the steadier figure
 * to compare runs with. It leaves out work done on other threads (the garbage collector's), so it
 * complements the score rather than replacing it. The benchmark methods record the time around
 * {@code allocate()} only: the untimed per-invocation restore is not counted.
 */
public final class CycleCpuProfiler implements InternalProfiler {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final AtomicLong NANOS = new AtomicLong();
  private static final AtomicLong CYCLES = new AtomicLong();

  /** The current thread's CPU time in nanoseconds. */
  public static long now() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /** Records one measured cycle that took {@code nanos} of CPU time. */
  public static void record(long nanos) {
    NANOS.addAndGet(nanos);
    CYCLES.incrementAndGet();
  }

  @Override
  public String getDescription() {
    return "CPU time of the benchmark thread per measured allocation cycle";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    NANOS.set(0);
    CYCLES.set(0);
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cycles = CYCLES.get();
    double ms = cycles == 0 ? Double.NaN : NANOS.get() / 1e6 / cycles;
    return List.of(new ScalarResult("cycle.cpu", ms, "ms/op", AggregationPolicy.AVG));
  }
}
