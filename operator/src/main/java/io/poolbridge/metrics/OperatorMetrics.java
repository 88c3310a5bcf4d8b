package io.poolbridge.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolbridge.allocator.OfferCounts;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.StopReason;
import io.poolbridge.engine.Stopped;
import io.poolbridge.engine.Tick;
import io.poolbridge.scheduler.Prices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operator's metrics: a Prometheus registry holding JOSDK's controller metrics ({@link #josdkMetrics})
 * and poolbridge's own, named by Prometheus conventions ({@code poolbridge_} prefix, base units:
 * cpu in cores, memory and storage in bytes, other resources as counts; the {@code unit} label says
 * which, as kube-state-metrics does).
 *
 * <p>The allocation loop calls {@link #update} with each snapshot it publishes and {@link #recordTick}
 * after each tick; the operator calls {@link #recordCreateToPlaced} when a placement is committed.
 * Gauges follow the snapshot: a pool or framework that leaves it loses its series at the next
 * update. {@code update} and {@code recordTick} are meant for one thread (the loop); scrapes run on
 * any thread. An update allocates only for series that appear: values of existing ones are set in
 * place.
 */
public final class OperatorMetrics {
  static final String PREFIX = "poolbridge.";

  private final PrometheusMeterRegistry registry;
  private final Metrics josdk;

  private final Timer tickTimer;
  private final Counter ticks;
  private final Counter placements;
  private final Counter offersMade;
  private final Counter offersAccepted;
  private final Counter offersDeclined;
  private final Counter offersRescinded;
  private final Map<StopReason, Counter> stopped = new EnumMap<>(StopReason.class);
  private final Timer createToPlaced;

  private final Map<String, PoolSeries> pools = new HashMap<>();
  private final Map<String, FrameworkSeries> frameworks = new HashMap<>();
  /** Quotas by role, in the allocator's base units (see {@link #update(EngineSnapshot, Map)}). */
  private Map<String, Quota> quotas = Map.of();
  private EngineSnapshot last;
  private long generation;

  public OperatorMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  OperatorMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    // Per-resource controller metrics would be one series per custom resource: off, the domain
    // gauges below carry what matters per framework and pool.
    this.josdk = MicrometerMetrics.newMicrometerMetricsBuilder(registry).notCollectingMetricsPerResource().build();
    this.tickTimer = Timer.builder(PREFIX + "allocation.tick")
        .description("Time an allocation tick took (the engine's round and what the loop did with it)")
        .serviceLevelObjectives(buckets(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        .register(registry);
    this.ticks = Counter.builder(PREFIX + "allocation.ticks").description("Allocation ticks run, idle ones included").register(registry);
    this.placements = Counter.builder(PREFIX + "instances.placed").description("Instances placed").register(registry);
    this.offersMade = Counter.builder(PREFIX + "offers.made").description("Offers made to frameworks").register(registry);
    this.offersAccepted = Counter.builder(PREFIX + "offers.accepted").description("Offers accepted (in part or whole)").register(registry);
    this.offersDeclined = Counter.builder(PREFIX + "offers.declined").description("Offers declined").register(registry);
    this.offersRescinded = Counter.builder(PREFIX + "offers.rescinded")
        .description("Offers taken back: a node left or changed, a limit was lowered, an offer timed out, its framework left")
        .register(registry);
    for (StopReason r : StopReason.values()) {
      stopped.put(r, Counter.builder(PREFIX + "instances.stopped").description("Running instances stopped, by reason")
          .tag("reason", r.name().toLowerCase(Locale.ROOT)).register(registry));
    }
    this.createToPlaced = Timer.builder(PREFIX + "instance.create.to.placed")
        .description("Time from a Workload instance's creation to its committed placement")
        .serviceLevelObjectives(buckets(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300))
        .register(registry);
  }

  private static Duration[] buckets(double... seconds) {
    Duration[] d = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      d[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
    }
    return d;
  }

  /** The registry: for binders (JVM metrics) and the HTTP server. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** JOSDK's controller metrics in this registry, for the operator's configuration ({@code withMetrics}). */
  public Metrics josdkMetrics() {
    return josdk;
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  /** Records one tick of the allocation loop and how long it took. */
  public void recordTick(Tick tick, Duration took) {
    tickTimer.record(took);
    ticks.increment();
    if (!tick.placed().isEmpty()) {
      placements.increment(tick.placed().size());
    }
    List<Stopped> stops = tick.stopped();
    for (int i = 0; i < stops.size(); i++) {
      stopped.get(stops.get(i).reason()).increment();
    }
    OfferCounts o = tick.offers();
    if (o.made() > 0) {
      offersMade.increment(o.made());
    }
    if (o.accepted() > 0) {
      offersAccepted.increment(o.accepted());
    }
    if (o.declined() > 0) {
      offersDeclined.increment(o.declined());
    }
    if (o.rescinded() > 0) {
      offersRescinded.increment(o.rescinded());
    }
  }

  /** Records the time from a Workload instance's creation to its committed placement. */
  public void recordCreateToPlaced(Duration latency) {
    createToPlaced.record(latency);
  }

  /** {@link #update(EngineSnapshot, Map)} with the quotas of the last update. */
  public void update(EngineSnapshot snapshot) {
    update(snapshot, quotas);
  }

  /**
   * Sets the gauges to the snapshot: pools and frameworks it has get series, those it no longer
   * has lose theirs. The same snapshot again (the engine republishes an unchanged one) is a no-op.
   *
   * @param quotaByRole each role's quota in the allocator's base units, as the operator gave it to the
   *     engine; a framework's quota series are its role's
   */
  public void update(EngineSnapshot snapshot, Map<String, Quota> quotaByRole) {
    if (snapshot == last && quotaByRole == quotas) {
      return;
    }
    boolean quotasChanged = !quotaByRole.equals(quotas);
    last = snapshot;
    quotas = quotaByRole;
    long gen = ++generation;
    for (EngineSnapshot.PoolView p : snapshot.pools().values()) {
      PoolSeries s = pools.get(p.name());
      if (s == null) {
        s = new PoolSeries(p.name());
        pools.put(p.name(), s);
      }
      s.set(p, gen);
    }
    for (EngineSnapshot.FrameworkView f : snapshot.frameworks().values()) {
      FrameworkSeries s = frameworks.get(f.id());
      if (s != null && !s.role.equals(f.role())) {
        s.remove();
        s = null;
      }
      if (s == null) {
        s = new FrameworkSeries(f.id(), f.role());
        frameworks.put(f.id(), s);
      }
      s.set(f, quotasChanged, gen);
    }
    sweep(pools.values().iterator(), gen);
    sweep(frameworks.values().iterator(), gen);
  }

  private static void sweep(Iterator<? extends Series> it, long gen) {
    while (it.hasNext()) {
      Series s = it.next();
      if (s.generation() != gen) {
        s.remove();
        it.remove();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Series that follow the snapshot

  /** A gauge's value, set by the loop and read by scrapes. */
  static final class Value {
    volatile double value;
  }

  private interface Series {
    long generation();

    void remove();
  }

  /** Resource gauges of one metric for one owner, one per resource of the schema, grown with it. */
  private final class ResourceGauges {
    private final String name;
    private final String description;
    private final Tags tags;
    private final List<Value> values = new ArrayList<>();
    private final List<Meter> meters = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    ResourceGauges(String name, String description, Tags tags) {
      this.name = name;
      this.description = description;
      this.tags = tags;
    }

    /** Sets each resource's gauge, in base units, registering those of resources new to the schema. */
    void set(Resources r) {
      ResourceSchema schema = r.schema();
      for (int i = names.size(); i < schema.size(); i++) {
        Value v = new Value();
        String resource = schema.name(i);
        values.add(v);
        names.add(resource);
        meters.add(Gauge.builder(name, v, x -> x.value).strongReference(true).description(description)
            .tags(tags).tag("resource", resource).tag("unit", unit(resource)).register(registry));
      }
      for (int i = 0; i < schema.size(); i++) {
        values.get(i).value = base(schema.name(i), r.get(i));
      }
    }

    void remove() {
      meters.forEach(registry::remove);
      meters.clear();
      values.clear();
      names.clear();
    }
  }

  /** Quota gauges of one framework: only the resources its role's quota names. */
  private final class QuotaGauges {
    private final String name;
    private final String description;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();

    QuotaGauges(String name, String description, Tags tags) {
      this.name = name;
      this.description = description;
      this.tags = tags;
    }

    void set(Map<String, Long> amounts) {
      remove();
      amounts.forEach((resource, amount) -> {
        Value v = new Value();
        v.value = base(resource, amount);
        meters.add(Gauge.builder(name, v, x -> x.value).strongReference(true).description(description)
            .tags(tags).tag("resource", resource).tag("unit", unit(resource)).register(registry));
      });
    }

    void remove() {
      meters.forEach(registry::remove);
      meters.clear();
    }
  }

  private final class PoolSeries implements Series {
    private final ResourceGauges capacity;
    private final ResourceGauges allocated;
    private final Value nodes = new Value();
    private final Value activeNodes = new Value();
    private final List<Meter> meters = new ArrayList<>();
    private long generation;

    PoolSeries(String pool) {
      Tags tags = Tags.of("pool", pool);
      capacity = new ResourceGauges(PREFIX + "pool.capacity", "Capacity of the pool's nodes", tags);
      allocated = new ResourceGauges(PREFIX + "pool.allocated", "What placed instances use in the pool", tags);
      meters.add(Gauge.builder(PREFIX + "pool.nodes", nodes, x -> x.value).strongReference(true).description("Nodes in the pool").tags(tags).register(registry));
      meters.add(Gauge.builder(PREFIX + "pool.active.nodes", activeNodes, x -> x.value).strongReference(true)
          .description("Nodes of the pool that take new work (ACTIVE)").tags(tags).register(registry));
    }

    void set(EngineSnapshot.PoolView p, long gen) {
      capacity.set(p.capacity());
      allocated.set(p.placed());
      nodes.value = p.nodes();
      activeNodes.value = p.activeNodes();
      generation = gen;
    }

    @Override
    public long generation() {
      return generation;
    }

    @Override
    public void remove() {
      capacity.remove();
      allocated.remove();
      meters.forEach(registry::remove);
      meters.clear();
    }
  }

  private final class FrameworkSeries implements Series {
    final String role;
    private final ResourceGauges allocated;
    private final QuotaGauges guarantee;
    private final QuotaGauges limit;
    private final Value share = new Value();
    private final Value weightedShare = new Value();
    private final Value guaranteeMet = new Value();
    private final Value pending = new Value();
    private final Value offers = new Value();
    private final List<Meter> meters = new ArrayList<>();
    private Quota quota;
    private long generation;

    FrameworkSeries(String id, String role) {
      this.role = role;
      Tags tags = Tags.of("framework", id, "role", role);
      allocated = new ResourceGauges(PREFIX + "framework.allocated", "What the framework's placed instances hold", tags);
      guarantee = new QuotaGauges(PREFIX + "framework.quota.guarantee", "The guarantee of the framework's role", tags);
      limit = new QuotaGauges(PREFIX + "framework.quota.limit", "The limit of the framework's role", tags);
      gauge(PREFIX + "framework.dominant.share", "The framework's dominant share (0 to 1)", share, tags);
      gauge(PREFIX + "framework.weighted.share", "The framework's dominant share divided by its role's weight", weightedShare, tags);
      gauge(PREFIX + "framework.guarantee.met", "1 when the framework's role's guarantee is met (or it has none), else 0", guaranteeMet, tags);
      gauge(PREFIX + "framework.pending.instances", "Instances of the framework's workloads not placed", pending, tags);
      gauge(PREFIX + "framework.outstanding.offers", "Offers the framework holds and has not answered", offers, tags);
    }

    private void gauge(String name, String description, Value v, Tags tags) {
      meters.add(Gauge.builder(name, v, x -> x.value).strongReference(true).description(description).tags(tags).register(registry));
    }

    void set(EngineSnapshot.FrameworkView f, boolean quotasChanged, long gen) {
      allocated.set(f.placed());
      share.value = f.share();
      weightedShare.value = f.weightedShare();
      guaranteeMet.value = f.guaranteeMet() ? 1 : 0;
      pending.value = f.pendingInstances();
      offers.value = f.outstandingOffers();
      if (quotasChanged || generation == 0) {
        Quota q = quotas.getOrDefault(role, Quota.NONE);
        if (!q.equals(quota)) {
          quota = q;
          guarantee.set(q.guarantee());
          limit.set(q.limit());
        }
      }
      generation = gen;
    }

    @Override
    public long generation() {
      return generation;
    }

    @Override
    public void remove() {
      allocated.remove();
      guarantee.remove();
      limit.remove();
      meters.forEach(registry::remove);
      meters.clear();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Units

  /** An amount in the allocator's base unit as a Prometheus base unit: millicores as cores, bytes as bytes. */
  static double base(String resource, long amount) {
    return resource.equals("cpu") ? amount / 1000.0 : amount;
  }

  /** The unit label of a resource, as kube-state-metrics writes it. */
  static String unit(String resource) {
    if (resource.equals("cpu")) {
      return "core";
    }
    return Prices.byteValued(resource) ? "byte" : "integer";
  }
}
