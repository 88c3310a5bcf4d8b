package io.poolbridge.benchmarks.operator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 13's throughput figure: 1,000 Workloads × 10 instances created at once on 500 static and
 * 500 Kubernetes nodes of the embedded API; prints the time until all are Placed, instances
 * committed per second, create→Placed percentiles, the operator's API requests per placed
 * instance, and the operator's share of the heap. Run:
 * {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar io.poolbridge.benchmarks.operator.OperatorThroughput}
 * (options {@code --precreate --plain-mock --materialize --workloads=N --instances=N --static=N --kube=N --frameworks=N --threads=N --seed=N}).
 */
public final class OperatorThroughput {
  private OperatorThroughput() {}

  public static void main(String[] args) throws Exception {
    OperatorBench.Params p = OperatorBench.Params.parse(args,
        new OperatorBench.Params(500, 500, 10, 1000, 10, 4, 42, Duration.ofSeconds(600), false, false));
    System.out.printf("OperatorThroughput: %s; load %s; %d cpus; max heap %s%n", p, OperatorBench.load(),
        Runtime.getRuntime().availableProcessors(), OperatorBench.mib(Runtime.getRuntime().maxMemory()));
    OperatorBench b = new OperatorBench(p);
    try {
      run(b, p, args);
    } finally {
      b.close();
    }
    System.exit(0);
  }

  static void run(OperatorBench b, OperatorBench.Params p, String[] args) throws Exception {
    b.buildEstate();
    OperatorBench.log("estate created: %d static and %d Kubernetes nodes, %d frameworks", p.staticNodes(), p.kubeNodes(),
        p.frameworks());
    boolean precreate = java.util.Arrays.asList(args).contains("--precreate");
    Map<EmbeddedApi.Key, Long> c0 = b.api.counts();
    Map<EmbeddedApi.Key, Long> c1;
    long t0;
    if (precreate) {
      // All Workloads exist before the operator starts: the time from its start to the last Placed is
      // the operator's own rate, not the rate at which the embedded API accepts creates.
      b.watchWorkloads();
      b.createWorkloads(0, p.workloads());
      OperatorBench.log("%d Workloads created before the operator starts", p.workloads());
      c1 = b.api.counts();
      long start = System.nanoTime();
      t0 = start;
      b.createdAt.replaceAll((k, v) -> start);
      b.createdWall.replaceAll((k, v) -> Instant.now());
      b.startOperator(false);
    } else {
      b.startOperator(true);
      b.watchWorkloads();
      c1 = b.api.counts();
      t0 = System.nanoTime();
      b.createWorkloads(0, p.workloads());
      long created = System.nanoTime();
      OperatorBench.log("%d Workloads created in %d ms (%.0f/s)", p.workloads(), (created - t0) / 1_000_000,
          p.workloads() / ((created - t0) / 1e9));
    }
    boolean all = b.awaitPlaced(p.workloads());
    long lastPlaced = b.placedAt.values().stream().mapToLong(Long::longValue).max().orElse(t0);
    // Status writes still in flight for instances already seen placed are counted with the load.
    OperatorBench.sleep(1500);
    Map<EmbeddedApi.Key, Long> c2 = b.api.counts();
    b.report(all, t0, lastPlaced, c0, c1, c2);
  }
}
