package io.poolbridge.benchmarks.operator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time of every thread of this JVM, sampled every 100 ms (so threads that end are counted up
 * to their last sample), grouped by name with the numbers taken out: the embedded API's Vert.x
 * event loop, the operator's allocation loop and status writers, the HTTP clients' threads, JOSDK.
 */
final class CpuByThread {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, long[]> cpu = new ConcurrentHashMap<>();
  private final Map<Long, String> names = new ConcurrentHashMap<>();

  CpuByThread() {
    Thread t = new Thread(() -> {
      while (true) {
        sample();
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-cpu-sampler");
    t.setDaemon(true);
    t.start();
  }

  private void sample() {
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long ns = threads.getThreadCpuTime(info.getThreadId());
      if (ns > 0) {
        cpu.computeIfAbsent(info.getThreadId(), k -> new long[1])[0] = ns;
        names.put(info.getThreadId(), info.getThreadName().replaceAll("\\d+", "N"));
      }
    }
  }

  /** Milliseconds of CPU by thread group, largest first (groups under 100 ms left out). */
  Map<String, Long> byGroup() {
    sample();
    Map<String, Long> out = new TreeMap<>();
    cpu.forEach((id, ns) -> out.merge(names.get(id), ns[0] / 1_000_000, Long::sum));
    out.values().removeIf(v -> v < 100);
    return out;
  }
}
