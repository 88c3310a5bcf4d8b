package io.poolbridge.benchmarks.operator;

import java.time.Duration;
import java.util.Map;

/**
 * Issue 13's heap figure: the operator's retained heap with 10,000 nodes (5,000 static in 20
 * pools, 5,000 Kubernetes Nodes) and 100,000 placed instances (10,000 Workloads × 10), after
 * settling. The embedded API lives in the same JVM, so the heap is measured twice after full
 * collections: with the operator, then after the operator is stopped and its client closed (the
 * API server's store and the harness's client are all that is left); the difference is the
 * operator's (engine, estate cache, JOSDK's caches, its client). Run:
 * {@code java -Xmx6g -cp benchmarks/target/benchmarks.jar io.poolbridge.benchmarks.operator.OperatorHeap}
 */
public final class OperatorHeap {
  private OperatorHeap() {}

  public static void main(String[] args) throws Exception {
    OperatorBench.Params p = OperatorBench.Params.parse(args,
        new OperatorBench.Params(5000, 5000, 10, 10_000, 10, 4, 42, Duration.ofSeconds(1800), false, false));
    System.out.printf("OperatorHeap: %s; load %s; %d cpus; max heap %s%n", p, OperatorBench.load(),
        Runtime.getRuntime().availableProcessors(), OperatorBench.mib(Runtime.getRuntime().maxMemory()));
    OperatorBench b = new OperatorBench(p);
    try {
      b.buildEstate();
      OperatorBench.log("estate created: %d static and %d Kubernetes nodes, %d frameworks", p.staticNodes(),
          p.kubeNodes(), p.frameworks());
      b.watchWorkloads();
      b.createWorkloads(0, p.workloads());
      OperatorBench.log("%d Workloads created", p.workloads());
      long before = OperatorBench.heapAfterGc();
      Map<EmbeddedApi.Key, Long> c1 = b.api.counts();
      long t0 = System.nanoTime();
      b.startOperator(false);
      boolean all = b.awaitPlaced(p.workloads());
      long lastPlaced = b.placedAt.values().stream().mapToLong(Long::longValue).max().orElse(t0);
      while (!b.operator.loop().state().settled()) {
        OperatorBench.sleep(100);
      }
      OperatorBench.log("settled");
      OperatorBench.sleep(2000);
      System.out.printf("heap after GC before the operator starts (API server + harness + its informer): %s%n",
          OperatorBench.mib(before));
      b.report(all, t0, lastPlaced, c1, c1, b.api.counts());
    } finally {
      b.close();
    }
    System.exit(0);
  }
}
