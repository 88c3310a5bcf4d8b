package io.poolbridge.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.poolbridge.reconciler.framework.FrameworkReconciler;
import io.poolbridge.reconciler.pool.ResourcePoolReconciler;
import io.poolbridge.reconciler.workload.WorkloadReconciler;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import io.poolbridge.scheduler.ExchangeRates;
import io.poolbridge.metrics.OperatorHttpServer;
import io.poolbridge.metrics.OperatorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator: the estate cache, the allocation loop that owns the engine, and the JOSDK
 * controllers of the three kinds, with leader election through a coordination Lease when asked
 * (only the leader's loop ticks and only its controllers act).
 */
public final class PoolbridgeOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PoolbridgeOperator.class);

  /**
   * The operator's settings.
   *
   * @param namespaces the namespaces whose Workloads are watched; empty for all
   * @param operatorNamespace the namespace the operator runs in: where kubeconfig Secrets are by default
   * @param leaseNamespace where the leader-election Lease lives; null for no leader election
   * @param identity this replica's name in the Lease
   * @param rates the exchange rates pools priced in other currencies are compared through
   * @param nodeGrace how long a Kubernetes Node may be NotReady before the instances on it are lost
   *     and placed again elsewhere (Kubernetes' own node-monitor grace period is 40 s)
   */
  public record Config(
      Duration allocationInterval, Set<String> namespaces, String operatorNamespace, String leaseNamespace, String leaseName,
      String identity, long seed, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, ExchangeRates rates,
      Duration nodeGrace) {
    public static final Duration DEFAULT_NODE_GRACE = Duration.ofSeconds(40);

    public Config {
      namespaces = Set.copyOf(namespaces);
      rates = rates == null ? ExchangeRates.NONE : rates;
      nodeGrace = nodeGrace == null ? DEFAULT_NODE_GRACE : nodeGrace;
    }

    public static Config defaults() {
      return new Config(Duration.ofSeconds(1), Set.of(), "poolbridge-system", null, "poolbridge-leader", "poolbridge", 0,
          Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), ExchangeRates.NONE, DEFAULT_NODE_GRACE);
    }

    public Config withLeaderElection(String namespace, String id) {
      return new Config(allocationInterval, namespaces, operatorNamespace, namespace, leaseName, id, seed, leaseDuration,
          renewDeadline, retryPeriod, rates, nodeGrace);
    }

    public Config withLeaseTimings(Duration duration, Duration renew, Duration retry) {
      return new Config(allocationInterval, namespaces, operatorNamespace, leaseNamespace, leaseName, identity, seed, duration,
          renew, retry, rates, nodeGrace);
    }

    public Config withInterval(Duration interval) {
      return new Config(interval, namespaces, operatorNamespace, leaseNamespace, leaseName, identity, seed, leaseDuration, renewDeadline, retryPeriod, rates, nodeGrace);
    }

    public Config withRates(ExchangeRates exchangeRates) {
      return new Config(allocationInterval, namespaces, operatorNamespace, leaseNamespace, leaseName, identity, seed, leaseDuration, renewDeadline, retryPeriod, exchangeRates, nodeGrace);
    }

    public Config withSeed(long allocatorSeed) {
      return new Config(allocationInterval, namespaces, operatorNamespace, leaseNamespace, leaseName, identity, allocatorSeed, leaseDuration, renewDeadline, retryPeriod, rates, nodeGrace);
    }

    public Config withNodeGrace(Duration grace) {
      return new Config(allocationInterval, namespaces, operatorNamespace, leaseNamespace, leaseName, identity, seed, leaseDuration, renewDeadline, retryPeriod, rates, grace);
    }

    public Config withNamespaces(Set<String> watched) {
      return new Config(allocationInterval, watched, operatorNamespace, leaseNamespace, leaseName, identity, seed, leaseDuration, renewDeadline, retryPeriod, rates, nodeGrace);
    }

    public Config withOperatorNamespace(String namespace) {
      return new Config(allocationInterval, namespaces, namespace, leaseNamespace, leaseName, identity, seed, leaseDuration, renewDeadline, retryPeriod, rates, nodeGrace);
    }
  }

  private final KubernetesClient client;
  private final Config config;
  private final Clock clock;
  private final EstateCache cache;
  private final RemoteClusters remotes;
  private final AllocationLoop loop;
  private final SnapshotEvents events = new SnapshotEvents();
  private final WorkloadReconciler.Materializer materializer;
  private final OperatorMetrics metrics;
  private final RecordMaterializer recordMaterializer;
  private final WorkloadEvents workloadEvents;
  private Operator operator;
  private volatile boolean leader;

  public PoolbridgeOperator(KubernetesClient client, Config config, Clock clock, WorkloadReconciler.Materializer materializer) {
    this(client, config, clock, materializer, new OperatorMetrics());
  }

  public PoolbridgeOperator(KubernetesClient client, Config config, Clock clock, WorkloadReconciler.Materializer materializer,
      OperatorMetrics metrics) {
    this.client = client;
    this.metrics = metrics;
    this.config = config;
    this.clock = clock;
    this.materializer = materializer;
    this.remotes = new RemoteClusters(client, config.operatorNamespace(), this::post, clock, Duration.ofSeconds(10));
    this.cache = new EstateCache(client, config.namespaces(), this::post, remotes);
    this.loop = new AllocationLoop(client, cache, clock,
        new AllocationLoop.Settings(config.allocationInterval(), Duration.ofMillis(20), config.seed(), 8, config.rates(),
            config.nodeGrace()));
    this.recordMaterializer = new RecordMaterializer(client, cache, loop);
    String finalizer = io.javaoperatorsdk.operator.ReconcilerUtils.getDefaultFinalizerName(io.poolbridge.api.v1alpha1.Workload.class);
    loop.setAdopted(w -> w.getMetadata().getFinalizers() != null && w.getMetadata().getFinalizers().contains(finalizer));
    loop.setMaterializationProblems(key -> (materializer == null ? recordMaterializer.problems() : java.util.Map.<String, String>of()).get(key));
    loop.addListener(events);
    this.workloadEvents = new WorkloadEvents(client, cache::workload, clock);
    loop.addListener(workloadEvents);
    loop.addListener((tick, state, took) -> {
      metrics.recordTick(tick, took);
      metrics.update(state.snapshot(), state.quotas());
      loop.drainCreateToPlaced().values().forEach(metrics::recordCreateToPlaced);
    });
  }

  public OperatorMetrics metrics() {
    return metrics;
  }

  /** Healthy: a follower always; the leader while its allocation loop runs. */
  public boolean healthy() {
    return !leader || loop.running();
  }

  /** Ready: the caches are listed and, on the leader, the engine is built from the record. */
  public OperatorHttpServer.Readiness readiness() {
    if (operator == null) {
      return OperatorHttpServer.Readiness.notReady("starting: listing the estate");
    }
    if (leader && loop.state().snapshot() == null) {
      return OperatorHttpServer.Readiness.notReady(loop.failure() != null
          ? "the allocation loop stopped: " + loop.failure().getMessage() : "building the engine from the record");
    }
    return OperatorHttpServer.Readiness.READY;
  }

  private void post(Change change) {
    loop.post(change);
  }

  public AllocationLoop loop() {
    return loop;
  }

  /** What carries out the Workloads' records (Pods, Services, EndpointSlices). */
  public RecordMaterializer materializer() {
    return recordMaterializer;
  }

  public EstateCache cache() {
    return cache;
  }

  /** Whether this replica leads (always, without leader election). */
  public boolean leader() {
    return leader;
  }

  /** Starts: caches first, then the controllers; the loop starts now, or when this replica becomes leader. */
  public void start() {
    cache.start(Duration.ofSeconds(60));
    operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withCloseClientOnStop(false)
          .withConcurrentReconciliationThreads(4)
          .withMetrics(metrics.josdkMetrics());
      if (config.leaseNamespace() != null) {
        o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaseName())
            .withLeaseNamespace(config.leaseNamespace())
            .withIdentity(config.identity())
            .withLeaseDuration(config.leaseDuration())
            .withRenewDeadline(config.renewDeadline())
            .withRetryPeriod(config.retryPeriod())
            .withExitOnStopLeading(false)
            .withLeaderCallbacks(new LeaderCallbacks(this::lead, this::follow, id -> LOG.info("leader is {}", id)))
            .build());
      }
    });
    operator.register(new ResourcePoolReconciler(loop, cache, client, events, clock, config.operatorNamespace()));
    operator.register(new FrameworkReconciler(loop, cache, events, clock, client, config.operatorNamespace()));
    operator.register(new WorkloadReconciler(loop, materializer == null ? recordMaterializer : materializer), o -> {
      if (!config.namespaces().isEmpty()) {
        o.settingNamespaces(config.namespaces());
      }
    });
    operator.start();
    if (config.leaseNamespace() == null) {
      lead();
    }
  }

  private void lead() {
    LOG.info("{} leads: building the engine from the record", config.identity());
    leader = true;
    loop.start();
    if (materializer == null) {
      // Remote Pods have no owner reference the remote cluster could follow: collect them here.
      garbage = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "poolbridge-remote-gc");
        t.setDaemon(true);
        return t;
      });
      garbage.scheduleWithFixedDelay(() -> {
        try {
          int deleted = recordMaterializer.collectGarbage();
          if (deleted > 0) {
            LOG.info("deleted {} Pod(s) of Workloads that no longer exist from remote clusters", deleted);
          }
        } catch (RuntimeException e) {
          LOG.warn("remote Pod collection failed: {}", e.getMessage());
        }
      }, 60, 60, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private volatile java.util.concurrent.ScheduledExecutorService garbage;

  private void follow() {
    LOG.info("{} no longer leads: allocation stops here", config.identity());
    leader = false;
    loop.close();
    if (garbage != null) {
      garbage.shutdownNow();
    }
  }

  @Override
  public void close() {
    if (garbage != null) {
      garbage.shutdownNow();
    }
    loop.close();
    workloadEvents.close();
    if (operator != null) {
      operator.stop();
    }
    cache.close();
  }
}
