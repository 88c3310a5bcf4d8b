package io.poolbridge.benchmarks.operator;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.operator.PoolbridgeOperator;
import io.poolbridge.reconciler.workload.WorkloadReconciler;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator on the embedded API, end to end: an estate of static and Kubernetes nodes, some
 * Frameworks, the operator started and ready, then Workloads created as fast as a few client
 * threads can, each timed from its create request to the first status in which all its instances
 * are Placed (seen by an informer of the harness's own).
 */
final class OperatorBench {
  static final String HARNESS = "poolbridge-bench-harness";
  static final String OPERATOR = "poolbridge-operator";

  /** What to build and run. */
  record Params(int staticNodes, int kubeNodes, int frameworks, int workloads, int instances, int threads, long seed,
      Duration timeout, boolean plainMock, boolean materialize) {
    static Params parse(String[] args, Params defaults) {
      Map<String, String> a = new TreeMap<>();
      for (String arg : args) {
        if (!arg.contains("=")) {
        continue;
      }
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
        a.put(kv[0], kv.length > 1 ? kv[1] : "true");
      }
      return new Params(
          Integer.parseInt(a.getOrDefault("static", "" + defaults.staticNodes)),
          Integer.parseInt(a.getOrDefault("kube", "" + defaults.kubeNodes)),
          Integer.parseInt(a.getOrDefault("frameworks", "" + defaults.frameworks)),
          Integer.parseInt(a.getOrDefault("workloads", "" + defaults.workloads)),
          Integer.parseInt(a.getOrDefault("instances", "" + defaults.instances)),
          Integer.parseInt(a.getOrDefault("threads", "" + defaults.threads)),
          Long.parseLong(a.getOrDefault("seed", "" + defaults.seed)),
          Duration.ofSeconds(Long.parseLong(a.getOrDefault("timeout", "" + defaults.timeout.toSeconds()))),
          java.util.Arrays.asList(args).contains("--plain-mock"),
          java.util.Arrays.asList(args).contains("--materialize"));
    }
  }

  /** The mock server logs every request at INFO through java.util.logging: kept quiet (a strong reference keeps the level). */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  final Params p;
  final EmbeddedApi api;
  final KubernetesClient harness;
  KubernetesClient operatorClient;
  PoolbridgeOperator operator;
  private SharedIndexInformer<Workload> watcher;
  final Map<String, Long> createdAt = new ConcurrentHashMap<>();
  final Map<String, Instant> createdWall = new ConcurrentHashMap<>();
  final Map<String, Long> placedAt = new ConcurrentHashMap<>();
  final Map<String, Instant> lastSince = new ConcurrentHashMap<>();
  final AtomicInteger placedInstances = new AtomicInteger();
  final List<String> ticks = java.util.Collections.synchronizedList(new ArrayList<>());
  final long startedAt = System.nanoTime();
  private final CpuByThread cpu = new CpuByThread();

  OperatorBench(Params p) {
    this.p = p;
    this.api = new EmbeddedApi(!p.plainMock);
    this.harness = api.client(HARNESS);
  }

  static void log(String fmt, Object... args) {
    System.out.printf("[%tT] %s%n", java.time.LocalTime.now(), String.format(fmt, args));
  }

  /** CRDs, namespaces, pools with static inventories, Nodes and their pool, Frameworks. */
  void buildEstate() throws Exception {
    api.installCrds(harness);
    for (int f = 0; f < p.frameworks; f++) {
      harness.resource(yaml(Namespace.class, """
          apiVersion: v1
          kind: Namespace
          metadata: {name: bench-%d, labels: {team: bench}}
          """.formatted(f))).create();
    }
    int perPool = 250;
    for (int pool = 0; pool * perPool < p.staticNodes; pool++) {
      StringBuilder nodes = new StringBuilder();
      for (int n = pool * perPool; n < Math.min(p.staticNodes, (pool + 1) * perPool); n++) {
        nodes.append("      - {name: s%05d, address: 10.%d.%d.%d, zone: z%d, capacity: {cpu: 32, memory: 128Gi}, attributes: {rack: r%d}}\n"
            .formatted(n, 100 + n / 65536, (n / 256) % 256, n % 256, n % 3, n / 20));
      }
      harness.resource(yaml(ResourcePool.class, """
          apiVersion: poolbridge.io/v1alpha1
          kind: ResourcePool
          metadata: {name: static-%d}
          spec:
            provider: metal
            region: r1
            zone: z0
            cost: {currency: USD, perHour: {cpu: "0.02", memory: "0.003"}}
            source:
              static:
                nodes:
          %s""".formatted(pool, nodes))).create();
    }
    if (p.kubeNodes > 0) {
      harness.resource(yaml(ResourcePool.class, """
          apiVersion: poolbridge.io/v1alpha1
          kind: ResourcePool
          metadata: {name: kube}
          spec:
            provider: aws
            region: r1
            cost: {currency: USD, perHour: {cpu: "0.03", memory: "0.004"}}
            source:
              kubernetes:
                nodeSelector:
                  matchLabels: {poolbridge.io/pool: kube}
          """)).create();
    }
    ExecutorService creators = Executors.newFixedThreadPool(p.threads);
    List<Future<?>> done = new ArrayList<>();
    for (int n = 0; n < p.kubeNodes; n++) {
      Node node = yaml(Node.class, """
          apiVersion: v1
          kind: Node
          metadata:
            name: k%05d
            labels: {poolbridge.io/pool: kube, topology.kubernetes.io/zone: z%d, node.kubernetes.io/instance-type: m7i.8xlarge}
          status:
            allocatable: {cpu: "32", memory: 128Gi, pods: "110"}
            conditions:
            - {type: Ready, status: "True"}
            addresses:
            - {type: InternalIP, address: 10.200.%d.%d}
          """.formatted(n, n % 3, n / 256, n % 256));
      done.add(creators.submit(() -> harness.resource(node).create()));
    }
    for (Future<?> f : done) {
      f.get();
    }
    creators.shutdown();
    for (int f = 0; f < p.frameworks; f++) {
      harness.resource(yaml(Framework.class, """
          apiVersion: poolbridge.io/v1alpha1
          kind: Framework
          metadata: {name: fw-%d}
          spec:
            type: External
            role: bench/fw-%d
            weight: 1
            namespaces: {names: [bench-%d]}
            offers: {refuseSeconds: 5}
          """.formatted(f, f, f))).create();
    }
  }

  private <T> T yaml(Class<T> type, String text) {
    return harness.getKubernetesSerialization().unmarshal(text, type);
  }

  /** Starts the operator (seed fixed, 1 s interval) and waits until it is ready and settled. */
  void startOperator(boolean settled) {
    operatorClient = api.client(OPERATOR);
    operator = new PoolbridgeOperator(operatorClient,
        PoolbridgeOperator.Config.defaults().withSeed(p.seed).withInterval(Duration.ofSeconds(1)), Clock.systemUTC(),
        // --materialize: as in production, the record is carried out (a headless Service and
        // EndpointSlices for the instances on static machines; the Workloads have no pod template).
        p.materialize ? null : WorkloadReconciler.Materializer.NONE);
    operator.loop().addListener((tick, state, took) -> ticks.add(String.format("t+%d ms: %d placed, took %d ms",
        (System.nanoTime() - startedAt) / 1_000_000, tick.placed().size(), took.toMillis())));
    long t0 = System.nanoTime();
    operator.start();
    while (!operator.readiness().isReady() || (settled && !operator.loop().state().settled())) {
      sleep(50);
      if (System.nanoTime() - t0 > p.timeout.toNanos()) {
        throw new IllegalStateException("the operator did not become ready: " + operator.readiness().reason());
      }
    }
    log("operator ready%s in %d ms", settled ? " and settled" : "", (System.nanoTime() - t0) / 1_000_000);
    if (settled) {
      // The pool controller adopts the Kubernetes Nodes (taints them) once, after the engine is
      // built: a one-time cost of two requests per Node, not part of placing Workloads.
      long t1 = System.nanoTime();
      while (harness.nodes().list().getItems().stream().anyMatch(n -> n.getSpec() == null || n.getSpec().getTaints() == null
          || n.getSpec().getTaints().stream().noneMatch(t -> "poolbridge.io/pool".equals(t.getKey())))) {
        sleep(200);
        if (System.nanoTime() - t0 > p.timeout.toNanos()) {
          throw new IllegalStateException("the operator did not adopt every Node");
        }
      }
      log("every Kubernetes Node adopted (tainted) in %d ms more", (System.nanoTime() - t1) / 1_000_000);
    }
  }

  /** An informer of the harness's own: the first status that shows every instance Placed. */
  void watchWorkloads() {
    watcher = harness.resources(Workload.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Workload w) {
        seen(w);
      }

      @Override
      public void onUpdate(Workload before, Workload after) {
        seen(after);
      }

      @Override
      public void onDelete(Workload w, boolean unknown) {}
    }, 0);
  }

  private void seen(Workload w) {
    long now = System.nanoTime();
    WorkloadStatus s = w.getStatus();
    if (s == null || s.instances() == null || s.instances().size() < w.getSpec().instances()) {
      return;
    }
    Instant latest = Instant.EPOCH;
    for (WorkloadStatus.InstanceStatus i : s.instances()) {
      if (i.state() != WorkloadStatus.InstanceState.Placed || i.node() == null) {
        return;
      }
      if (i.since() != null) {
        Instant since = Instant.parse(i.since());
        latest = since.isAfter(latest) ? since : latest;
      }
    }
    String key = w.getMetadata().getNamespace() + "/" + w.getMetadata().getName();
    if (placedAt.putIfAbsent(key, now) == null) {
      placedInstances.addAndGet(s.instances().size());
      lastSince.put(key, latest);
    }
  }

  /** Creates the Workloads from {@code threads} threads, as fast as they go; returns when all are created. */
  void createWorkloads(int from, int to) throws Exception {
    ExecutorService creators = Executors.newFixedThreadPool(p.threads);
    List<Future<?>> done = new ArrayList<>();
    for (int k = from; k < to; k++) {
      int f = k % p.frameworks;
      Workload w = yaml(Workload.class, """
          apiVersion: poolbridge.io/v1alpha1
          kind: Workload
          metadata: {name: w%05d, namespace: bench-%d}
          spec:
            framework: fw-%d
            kind: Service
            instances: %d
            resources: {cpu: "1", memory: 2Gi}
          """.formatted(k, f, f, p.instances));
      String key = "bench-" + f + "/" + w.getMetadata().getName();
      done.add(creators.submit(() -> {
        createdWall.put(key, Instant.now());
        createdAt.put(key, System.nanoTime());
        harness.resource(w).create();
      }));
    }
    for (Future<?> fut : done) {
      fut.get();
    }
    creators.shutdown();
  }

  /** Waits until {@code count} Workloads are seen placed; false on timeout. */
  boolean awaitPlaced(int count) {
    long t0 = System.nanoTime();
    long nextReport = t0 + 5_000_000_000L;
    while (placedAt.size() < count) {
      if (System.nanoTime() - t0 > p.timeout.toNanos()) {
        return false;
      }
      sleep(20);
      if (System.nanoTime() > nextReport) {
        log("%d of %d Workloads placed", placedAt.size(), count);
        nextReport += 5_000_000_000L;
      }
    }
    return true;
  }

  void stopWatching() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }

  /** Heap used after full collections, in bytes. */
  static long heapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      sleep(200);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** Stops the operator and drops its client: what is left on the heap is the API server's and the harness's. */
  void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
    if (operatorClient != null) {
      operatorClient.close();
      operatorClient = null;
    }
  }

  void close() {
    stopWatching();
    stopOperator();
    harness.close();
    api.close();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Prints the figures of a run, then the heap with and without the operator. */
  void report(boolean all, long t0, long lastPlaced, Map<EmbeddedApi.Key, Long> c0, Map<EmbeddedApi.Key, Long> c1,
      Map<EmbeddedApi.Key, Long> c2) {
    int placed = placedInstances.get();
    double seconds = (lastPlaced - t0) / 1e9;
    System.out.printf("%n== placed: %d of %d Workloads (%d instances)%s%n", placedAt.size(), p.workloads, placed,
        all ? "" : " -- TIMED OUT");
    System.out.printf("first create -> last Placed: %.2f s; %.0f instances/s committed%n", seconds, placed / seconds);
    List<Long> latencies = new ArrayList<>();
    List<Long> bySince = new ArrayList<>();
    placedAt.forEach((k, at) -> {
      latencies.add(at - createdAt.get(k));
      Instant since = lastSince.get(k);
      if (since != null && since.isAfter(Instant.EPOCH)) {
        bySince.add(Duration.between(createdWall.get(k), since).toNanos());
      }
    });
    long[] ms = sortedMs(latencies);
    System.out.printf("create -> Placed (harness informer): p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        percentile(ms, .5), percentile(ms, .95), percentile(ms, .99), percentile(ms, 1));
    long[] sms = sortedMs(bySince);
    System.out.printf("create -> status 'since' of the last instance: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d Workloads)%n",
        percentile(sms, .5), percentile(sms, .99), percentile(sms, 1), sms.length);
    Map<String, Long> start = byCategory(c0, c1, OPERATOR, false);
    Map<String, Long> load = byCategory(c1, c2, OPERATOR, false);
    System.out.printf("operator's API requests to become ready: %d %s%n", sum(start), start);
    System.out.printf("operator's API requests during the load: %d, %.3f per placed instance%n", sum(load),
        sum(load) / (double) Math.max(1, placed));
    load.forEach((k, v) -> System.out.printf("  %-13s %7d  %.3f per instance%n", k, v, v / (double) Math.max(1, placed)));
    byCategory(c1, c2, OPERATOR, true).forEach((k, v) -> System.out.printf("    %-32s %7d%n", k, v));
    Map<String, Long> mine = byCategory(c1, c2, HARNESS, false);
    System.out.printf("harness's requests during the load: %d %s%n", sum(mine), mine);
    System.out.printf("ticks that did work (t from the harness's start): %s%n", ticks.size() <= 40 ? ticks
        : ticks.subList(0, 20) + " ... " + ticks.subList(ticks.size() - 10, ticks.size()));
    System.out.printf("CPU by thread group over the whole run (ms): %s%n", cpu.byGroup());
    stopWatching();
    long with = heapAfterGc();
    stopOperator();
    long without = heapAfterGc();
    System.out.printf("heap after GC: %s with the operator, %s without it (API server + harness); operator's share %s%n",
        mib(with), mib(without), mib(with - without));
  }

  // ---- figures

  /** Requests by category for one client, between two counts. */
  static Map<String, Long> byCategory(Map<EmbeddedApi.Key, Long> before, Map<EmbeddedApi.Key, Long> after, String agent,
      boolean withResource) {
    Map<String, Long> out = new TreeMap<>();
    after.forEach((k, v) -> {
      if (k.agent().startsWith(agent)) {
        long d = v - before.getOrDefault(k, 0L);
        if (d > 0) {
          out.merge(withResource ? k.category() + " " + k.resource() : k.category(), d, Long::sum);
        }
      }
    });
    return out;
  }

  static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }

  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  static long[] sortedMs(List<Long> nanos) {
    long[] a = nanos.stream().mapToLong(n -> n / 1_000_000).toArray();
    Arrays.sort(a);
    return a;
  }

  static String mib(long bytes) {
    return String.format("%.0f MiB", bytes / 1048576.0);
  }

  static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

}
