package io.poolbridge.benchmarks.engine;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.engine.Engine;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.RecordedPlacement;
import io.poolbridge.engine.Tick;
import io.poolbridge.scheduler.Constraint;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.WorkloadDemand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The estate of the engine benchmark (issue 12), built deterministically from a seed: 10,000
 * agents, 1,000 frameworks and 10,000 workloads of 10 instances, 100,000 instances placed.
 *
 * <ul>
 *   <li>Agents {@code agent-<i>}: 32 cpu, 128 GiB memory, 400 GiB disk, in 4 pools ({@code pool-(i %
 *       4)}), with a {@code zone} attribute ({@code zone-a..c}) and a {@code hostname}.
 *   <li>Frameworks {@code fw-<f>}, each in a role of its own ({@code role-<f>}), refuse filter 5 s
 *       (Mesos' default). Every 10th role has a guarantee of half what its instances use, every
 *       10th (offset 5) a limit of twice that.
 *   <li>Workloads {@code ns-<f>/wl-<w>}: 10 per framework, 10 instances each ({@code <f>-wl-<w>-<i>}), resources drawn
 *       from four sizes (1 cpu / 2 GiB, 2 cpu / 4 GiB, 2 cpu / 8 GiB, 3 cpu / 6 GiB) by the seeded
 *       generator; every 5th workload has {@code hostname UNIQUE}.
 *   <li>The placement: instance {@code n} (in workload order) goes on agent {@code n % 10,000}, so
 *       every agent runs 10 instances (at most 30 cpu, 80 GiB: always fits), and the instances of
 *       a workload are on 10 different agents (UNIQUE holds). About 62 % of the cpu and 31 % of
 *       the memory are used.
 * </ul>
 */
public final class EngineEstate {
  public static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory", "disk");
  public static final long GIB = 1L << 30;
  public static final Duration INTERVAL = Duration.ofSeconds(1);
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  public static final List<String> ZONES = List.of("zone-a", "zone-b", "zone-c");
  static final long[][] SIZES = {{1000, 2}, {2000, 4}, {2000, 8}, {3000, 6}};

  public final int agentCount;
  public final int frameworkCount;
  public final int workloadsPerFramework;
  public final int instancesPerWorkload;
  public final List<AgentInfo> agents = new ArrayList<>();
  public final List<FrameworkInfo> frameworks = new ArrayList<>();
  public final Map<String, Quota> quotas = new java.util.LinkedHashMap<>();
  public final List<WorkloadDemand> workloads = new ArrayList<>();
  /** The computed placement, in workload and instance order. */
  public final List<RecordedPlacement> placements = new ArrayList<>();

  public EngineEstate(int agentCount, int frameworkCount, int workloadsPerFramework, int instancesPerWorkload, long seed) {
    this.agentCount = agentCount;
    this.frameworkCount = frameworkCount;
    this.workloadsPerFramework = workloadsPerFramework;
    this.instancesPerWorkload = instancesPerWorkload;
    SplittableRandom random = new SplittableRandom(seed);
    Resources node = res(32_000, 128, 400);
    for (int i = 0; i < agentCount; i++) {
      String id = "agent-" + i;
      agents.add(new AgentInfo(id, "pool-" + (i % 4),
          Map.of("hostname", id, "zone", ZONES.get((i / 4) % ZONES.size())), node, Map.of()));
    }
    int n = 0;
    for (int f = 0; f < frameworkCount; f++) {
      String fw = "fw-" + f;
      frameworks.add(FrameworkInfo.of(fw, "role-" + f));
      long cpu = 0;
      long mem = 0;
      for (int w = 0; w < workloadsPerFramework; w++) {
        long[] size = SIZES[random.nextInt(SIZES.length)];
        Resources r = res(size[0], size[1], 1);
        WorkloadDemand.Builder b = WorkloadDemand.builder("ns-" + f + "/wl-" + w, fw, r)
            .instanceIds(ids(f + "-wl-" + w, instancesPerWorkload)).created(n);
        if (w % 5 == 0) {
          b.constraint(Constraint.of("hostname", Constraint.Operator.UNIQUE));
        }
        WorkloadDemand d = b.build();
        workloads.add(d);
        for (String id : d.instanceIds()) {
          placements.add(new RecordedPlacement(id, d.key(), "agent-" + (n % agentCount), r, false, Map.of()));
          n++;
          cpu += size[0];
          mem += size[1] * GIB;
        }
      }
      if (f % 10 == 0) {
        quotas.put("role-" + f, Quota.guarantee(Map.of("cpu", cpu / 2, "memory", mem / 2)));
      } else if (f % 10 == 5) {
        quotas.put("role-" + f, Quota.limit(Map.of("cpu", cpu * 2, "memory", mem * 2)));
      }
    }
  }

  /** Instance ids {@code <prefix>-0..n-1}: unique over the estate (the engine keys instances by id). */
  public static List<String> ids(String prefix, int n) {
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(prefix + "-" + i);
    }
    return ids;
  }

  /** The benchmark's size: 10k agents, 1k frameworks, 100k instances. */
  public static EngineEstate standard() {
    return new EngineEstate(10_000, 1_000, 10, 10, 42);
  }

  public static Resources res(long millicores, long memoryGib, long diskGib) {
    return Resources.of(SCHEMA, "cpu", millicores, "memory", memoryGib * GIB, "disk", diskGib * GIB);
  }

  /** A fresh engine that knows the agents, frameworks, quotas and workloads, nothing placed. */
  public Engine emptyEngine() {
    Engine engine = new Engine(SCHEMA, Prices.NONE, INTERVAL, 7, START);
    agents.forEach(engine::addAgent);
    frameworks.forEach(engine::addFramework);
    quotas.forEach(engine::setQuota);
    workloads.forEach(engine::upsert);
    return engine;
  }

  /** Restores {@code records} into {@code engine}, as after an operator restart. */
  public static void restoreAll(Engine engine, List<RecordedPlacement> records) {
    engine.expectPlacements(records.size());
    for (RecordedPlacement p : records) {
      engine.restore(p);
    }
  }

  /** The placements of a settled engine's snapshot, as the operator would record them. */
  public static List<RecordedPlacement> recorded(EngineSnapshot snapshot) {
    List<RecordedPlacement> records = new ArrayList<>();
    for (EngineSnapshot.WorkloadView v : snapshot.workloads().values()) {
      for (EngineSnapshot.Placed p : v.placed()) {
        var a = p.assignment();
        records.add(new RecordedPlacement(a.instanceId(), a.workloadKey(), a.agentId(), a.resources(), a.revocable(), p.reserved()));
      }
    }
    return records;
  }

  /** A driver of the engine on simulated time: one tick per interval. */
  public static final class Driver {
    public final Engine engine;
    private Instant now;

    public Driver(Engine engine) {
      this.engine = engine;
      this.now = START;
    }

    public Tick tick() {
      now = now.plus(INTERVAL);
      Tick t = engine.tick(now);
      t.placed().forEach(a -> engine.commit(a.instanceId()));
      return t;
    }

    /** Ticks until settled; the number of ticks. Throws after {@code max}. */
    public int settle(int max) {
      for (int i = 1; i <= max; i++) {
        if (tick().settled()) {
          return i;
        }
      }
      throw new IllegalStateException("not settled after " + max + " ticks");
    }
  }

  /** A settled engine with the whole placement restored; the snapshot holds every placement. */
  public Driver settledEngine() {
    Engine engine = emptyEngine();
    restoreAll(engine, placements);
    Driver driver = new Driver(engine);
    driver.settle(100);
    int placed = engine.snapshot().workloads().values().stream().mapToInt(v -> v.placed().size()).sum();
    if (placed != placements.size()) {
      throw new IllegalStateException("settled with " + placed + " placed, expected " + placements.size());
    }
    return driver;
  }
}
