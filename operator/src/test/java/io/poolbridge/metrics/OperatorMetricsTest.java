package io.poolbridge.metrics;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.OfferCounts;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.engine.Engine;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.EngineSnapshot.FrameworkView;
import io.poolbridge.engine.EngineSnapshot.PoolView;
import io.poolbridge.engine.StopReason;
import io.poolbridge.engine.Stopped;
import io.poolbridge.engine.Tick;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.WorkloadDemand;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The scrape after snapshots and ticks of a small estate: series, values in base units, removal. */
class OperatorMetricsTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final double GIB = 1L << 30;

  private final AgentInfo a1 = node("metal", "a1", 8, 32);
  private final AgentInfo a2 = node("metal", "a2", 8, 32);
  private final OperatorMetrics metrics = new OperatorMetrics();
  private Instant now = Instant.EPOCH;

  private Engine engine() {
    Engine e = new Engine(SCHEMA, Prices.of(SCHEMA, Map.of()), INTERVAL, 7, now);
    e.addAgent(a1);
    e.addAgent(a2);
    return e;
  }

  /** Ticks as the allocation loop does (committing each placement, recording each tick) until settled. */
  private void settle(Engine e, Map<String, Quota> quotas) {
    for (int i = 0; i < 100; i++) {
      now = now.plus(INTERVAL);
      Tick t = e.tick(now);
      t.placed().forEach(a -> e.commit(a.instanceId()));
      metrics.recordTick(t, Duration.ofMillis(3));
      metrics.update(e.publish(), quotas);
      if (t.settled()) {
        return;
      }
    }
    throw new AssertionError("not settled in 100 ticks");
  }

  /** The scrape as series (name and labels sorted, as Prometheus writes them) to values. */
  private Map<String, Double> scrape() {
    Map<String, Double> series = new TreeMap<>();
    for (String line : metrics.scrape().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return series;
  }

  private static String s(String name, String... labels) {
    Map<String, String> sorted = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      sorted.put(labels[i], labels[i + 1]);
    }
    StringBuilder b = new StringBuilder(name);
    if (!sorted.isEmpty()) {
      b.append('{');
      sorted.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
      b.setLength(b.length() - 1);
      b.append('}');
    }
    return b.toString();
  }

  @Test
  void poolsAndFrameworksAreScrapedInPrometheusBaseUnits() {
    Engine e = engine();
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.addFramework(FrameworkInfo.of("spark", "batch"));
    e.setWeight("batch", 2);
    Quota webQuota = new Quota(Map.of("cpu", 4000L, "memory", 8L << 30), Map.of("cpu", 10_000L));
    e.setQuota("web", webQuota);
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(3).build());
    e.upsert(WorkloadDemand.builder("data/etl", "spark", res(1, 16)).instances(1).build());
    // Larger than any node: it stays pending.
    e.upsert(WorkloadDemand.builder("data/huge", "spark", res(64, 1)).instances(1).build());
    settle(e, Map.of("web", webQuota));

    Map<String, Double> m = scrape();
    // Two nodes of 8 cores and 32 GiB; web holds 3 x (2 cores, 4 GiB), etl 1 core and 16 GiB.
    assertThat(m).containsEntry(s("poolbridge_pool_capacity", "pool", "metal", "resource", "cpu", "unit", "core"), 16.0)
        .containsEntry(s("poolbridge_pool_capacity", "pool", "metal", "resource", "memory", "unit", "byte"), 64 * GIB)
        .containsEntry(s("poolbridge_pool_allocated", "pool", "metal", "resource", "cpu", "unit", "core"), 7.0)
        .containsEntry(s("poolbridge_pool_allocated", "pool", "metal", "resource", "memory", "unit", "byte"), 28 * GIB)
        .containsEntry(s("poolbridge_pool_nodes", "pool", "metal"), 2.0)
        .containsEntry(s("poolbridge_pool_active_nodes", "pool", "metal"), 2.0);
    String[] web = {"framework", "marathon", "role", "web"};
    String[] spark = {"framework", "spark", "role", "batch"};
    assertThat(m).containsEntry(s("poolbridge_framework_allocated", with(web, "resource", "cpu", "unit", "core")), 6.0)
        .containsEntry(s("poolbridge_framework_allocated", with(web, "resource", "memory", "unit", "byte")), 12 * GIB)
        .containsEntry(s("poolbridge_framework_allocated", with(spark, "resource", "cpu", "unit", "core")), 1.0)
        .containsEntry(s("poolbridge_framework_allocated", with(spark, "resource", "memory", "unit", "byte")), 16 * GIB)
        // DRF: web's dominant resource is cpu (6/16 against 12/64), spark's memory (16/64 against 1/16).
        .containsEntry(s("poolbridge_framework_dominant_share", web), 0.375)
        .containsEntry(s("poolbridge_framework_dominant_share", spark), 0.25)
        .containsEntry(s("poolbridge_framework_weighted_share", web), 0.375)
        .containsEntry(s("poolbridge_framework_weighted_share", spark), 0.125)
        // web's role is guaranteed 4 cores and 8 GiB and holds more: met; its limit names cpu only.
        .containsEntry(s("poolbridge_framework_quota_guarantee", with(web, "resource", "cpu", "unit", "core")), 4.0)
        .containsEntry(s("poolbridge_framework_quota_guarantee", with(web, "resource", "memory", "unit", "byte")), 8 * GIB)
        .containsEntry(s("poolbridge_framework_quota_limit", with(web, "resource", "cpu", "unit", "core")), 10.0)
        .doesNotContainKey(s("poolbridge_framework_quota_limit", with(web, "resource", "memory", "unit", "byte")))
        .containsEntry(s("poolbridge_framework_guarantee_met", web), 1.0)
        .containsEntry(s("poolbridge_framework_guarantee_met", spark), 1.0)
        .containsEntry(s("poolbridge_framework_pending_instances", web), 0.0)
        .containsEntry(s("poolbridge_framework_pending_instances", spark), 1.0)
        // Nothing pending: marathon is suppressed and holds no offer.
        .containsEntry(s("poolbridge_framework_outstanding_offers", web), 0.0);
    assertThat(m.keySet()).noneMatch(k -> k.startsWith("poolbridge_framework_quota") && k.contains("spark"));

    // Counters: four instances placed; every offer made was accepted, declined or rescinded, or is
    // still outstanding; ticks counted and timed.
    assertThat(m).containsEntry("poolbridge_instances_placed_total", 4.0);
    double outstanding = m.get(s("poolbridge_framework_outstanding_offers", web)) + m.get(s("poolbridge_framework_outstanding_offers", spark));
    assertThat(m.get("poolbridge_offers_made_total")).isPositive().isEqualTo(
        m.get("poolbridge_offers_accepted_total") + m.get("poolbridge_offers_declined_total")
            + m.get("poolbridge_offers_rescinded_total") + outstanding);
    assertThat(m.get("poolbridge_offers_accepted_total")).isPositive();
    double ticks = m.get("poolbridge_allocation_ticks_total");
    assertThat(ticks).isPositive();
    assertThat(m).containsEntry("poolbridge_allocation_tick_seconds_count", ticks)
        .containsEntry(s("poolbridge_allocation_tick_seconds_bucket", "le", "0.005"), ticks)
        .containsEntry(s("poolbridge_allocation_tick_seconds_bucket", "le", "0.0025"), 0.0);
    assertThat(m.get("poolbridge_allocation_tick_seconds_sum")).isCloseTo(ticks * 0.003, org.assertj.core.data.Offset.offset(1e-9));
  }

  private static String[] with(String[] labels, String... more) {
    String[] all = java.util.Arrays.copyOf(labels, labels.length + more.length);
    System.arraycopy(more, 0, all, labels.length, more.length);
    return all;
  }

  @Test
  void aRemovedFrameworkLeavesNoSeries() {
    Engine e = engine();
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.addFramework(FrameworkInfo.of("spark", "batch"));
    Quota sparkQuota = Quota.guarantee(Map.of("cpu", 2000L));
    e.setQuota("batch", sparkQuota);
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(1).build());
    e.upsert(WorkloadDemand.builder("data/etl", "spark", res(1, 2)).instances(1).build());
    settle(e, Map.of("batch", sparkQuota));
    assertThat(scrape().keySet()).anyMatch(k -> k.contains("framework=\"spark\""));

    e.delete("data/etl");
    e.removeFramework("spark");
    settle(e, Map.of());

    Map<String, Double> m = scrape();
    assertThat(m.keySet()).noneMatch(k -> k.contains("framework=\"spark\""));
    assertThat(m).containsEntry(s("poolbridge_framework_dominant_share", "framework", "marathon", "role", "web"), 2.0 / 16)
        .containsEntry(s("poolbridge_pool_allocated", "pool", "metal", "resource", "cpu", "unit", "core"), 2.0);
    // Its instance was stopped because its workload was deleted.
    assertThat(m).containsEntry(s("poolbridge_instances_stopped_total", "reason", "deleted"), 1.0);
  }

  @Test
  void aTicksStopsCountUnderTheirReasonAndEveryReasonIsExportedFromTheStart() {
    Map<String, Double> before = scrape();
    for (StopReason r : StopReason.values()) {
      assertThat(before).containsEntry(s("poolbridge_instances_stopped_total", "reason", r.name().toLowerCase()), 0.0);
    }
    Engine e = engine();
    e.addFramework(FrameworkInfo.of("marathon", "web"));
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(3).build());
    settle(e, Map.of());
    e.upsert(WorkloadDemand.builder("shop/web", "marathon", res(2, 4)).instances(1).build());
    settle(e, Map.of());

    Map<String, Double> m = scrape();
    assertThat(m).containsEntry(s("poolbridge_instances_stopped_total", "reason", "scaled_down"), 2.0)
        .containsEntry(s("poolbridge_instances_stopped_total", "reason", "preempted"), 0.0)
        .containsEntry(s("poolbridge_instances_stopped_total", "reason", "deleted"), 0.0);

    // A tick reporting a preemption and a revocation, as the engine would.
    Resources r = res(1, 1);
    metrics.recordTick(new Tick(9, now, List.of(), List.of(
        new Stopped("a-0", "ns/a", "fw", "metal/a1", r, StopReason.PREEMPTED, "preempted"),
        new Stopped("b-0", "ns/b", "fw", "metal/a1", r, StopReason.REVOKED, "revoked"),
        new Stopped("c-0", "ns/c", "fw", "metal/a2", r, StopReason.PREEMPTED, "preempted")), List.of(), false, false,
        new OfferCounts(5, 2, 1, 1)), Duration.ofMillis(1));
    Map<String, Double> after = scrape();
    assertThat(after).containsEntry(s("poolbridge_instances_stopped_total", "reason", "preempted"), 2.0)
        .containsEntry(s("poolbridge_instances_stopped_total", "reason", "revoked"), 1.0)
        .containsEntry(s("poolbridge_instances_stopped_total", "reason", "scaled_down"), 2.0);
    assertThat(after.get("poolbridge_offers_made_total")).isEqualTo(m.get("poolbridge_offers_made_total") + 5);
    assertThat(after.get("poolbridge_offers_accepted_total")).isEqualTo(m.get("poolbridge_offers_accepted_total") + 2);
    assertThat(after.get("poolbridge_offers_declined_total")).isEqualTo(m.get("poolbridge_offers_declined_total") + 1);
    assertThat(after.get("poolbridge_offers_rescinded_total")).isEqualTo(m.get("poolbridge_offers_rescinded_total") + 1);
  }

  @Test
  void poolsFollowTheSnapshotAndExtendedResourcesAreCountsOrBytes() {
    ResourceSchema schema = ResourceSchema.of("cpu", "memory", "nvidia.com/gpu", "hugepages-2Mi");
    Resources cap = Resources.of(schema, "cpu", 96_000, "memory", 384L << 30, "nvidia.com/gpu", 8, "hugepages-2Mi", 1L << 30);
    Resources used = Resources.of(schema, "cpu", 500, "nvidia.com/gpu", 2);
    Resources none = Resources.none(schema);
    PoolView gpu = new PoolView("gpu", 1, 1, cap, used, cap.minus(used), List.of());
    PoolView metal = new PoolView("metal", 2, 1, cap, none, cap, List.of());
    FrameworkView fw = new FrameworkView("ml", "research", 0.25, 0.25, true, none, 0, 0, used);
    metrics.update(snapshot(Map.of("ml", fw), Map.of("gpu", gpu, "metal", metal)));

    Map<String, Double> m = scrape();
    assertThat(m).containsEntry(s("poolbridge_pool_capacity", "pool", "gpu", "resource", "nvidia.com/gpu", "unit", "integer"), 8.0)
        .containsEntry(s("poolbridge_pool_capacity", "pool", "gpu", "resource", "hugepages-2Mi", "unit", "byte"), GIB)
        .containsEntry(s("poolbridge_pool_capacity", "pool", "gpu", "resource", "cpu", "unit", "core"), 96.0)
        .containsEntry(s("poolbridge_pool_allocated", "pool", "gpu", "resource", "cpu", "unit", "core"), 0.5)
        .containsEntry(s("poolbridge_pool_allocated", "pool", "gpu", "resource", "nvidia.com/gpu", "unit", "integer"), 2.0)
        .containsEntry(s("poolbridge_pool_active_nodes", "pool", "metal"), 1.0);

    // The metal pool goes; the framework moves to another role: its series are the new role's only.
    FrameworkView moved = new FrameworkView("ml", "batch", 0.25, 0.125, true, none, 0, 0, used);
    metrics.update(snapshot(Map.of("ml", moved), Map.of("gpu", gpu)));
    Map<String, Double> after = scrape();
    assertThat(after.keySet()).noneMatch(k -> k.contains("pool=\"metal\"")).noneMatch(k -> k.contains("role=\"research\""));
    assertThat(after).containsEntry(s("poolbridge_framework_weighted_share", "framework", "ml", "role", "batch"), 0.125)
        .containsEntry(s("poolbridge_pool_nodes", "pool", "gpu"), 1.0);
  }

  @Test
  void createToPlacedLatencyIsAHistogramInSecondsAndJosdkMetricsShareTheRegistry() {
    metrics.recordCreateToPlaced(Duration.ofMillis(300));
    Map<String, Double> m = scrape();
    assertThat(m).containsEntry("poolbridge_instance_create_to_placed_seconds_count", 1.0)
        .containsEntry(s("poolbridge_instance_create_to_placed_seconds_bucket", "le", "0.25"), 0.0)
        .containsEntry(s("poolbridge_instance_create_to_placed_seconds_bucket", "le", "0.5"), 1.0)
        .containsEntry(s("poolbridge_instance_create_to_placed_seconds_bucket", "le", "+Inf"), 1.0);
    assertThat(m.get("poolbridge_instance_create_to_placed_seconds_sum")).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(metrics.scrape()).contains("# TYPE poolbridge_instance_create_to_placed_seconds histogram")
        .contains("# TYPE poolbridge_allocation_tick_seconds histogram");
    assertThat(metrics.josdkMetrics()).isInstanceOf(MicrometerMetrics.class);
  }

  private EngineSnapshot snapshot(Map<String, FrameworkView> fws, Map<String, PoolView> pools) {
    return new EngineSnapshot(1, now, true, Map.of(), new TreeMap<>(fws), new TreeMap<>(pools));
  }
}
