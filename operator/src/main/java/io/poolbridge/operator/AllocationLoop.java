package io.poolbridge.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.engine.Engine;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.RecordedPlacement;
import io.poolbridge.engine.Tick;
import io.poolbridge.estate.PoolNode;
import io.poolbridge.estate.PoolPrices;
import io.poolbridge.estate.Workloads;
import io.poolbridge.reconciler.StatusConditions;
import io.poolbridge.reconciler.workload.WorkloadStatusFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the {@link Engine}: it follows the cluster (changes posted by the
 * {@link EstateCache}, batched over a short window), ticks on changes and every allocation
 * interval, and records every decision in the Workloads' status before anything acts on it.
 *
 * <p>A placement is <em>committed</em> only once its Workload's status lists it: one status write
 * per Workload per tick, a full update carrying the resourceVersion the loop last saw, so a write
 * that races another (the user's, another operator's) is refused with 409 instead of overwriting
 * it. A refused write rolls the Workload's new placements back in the engine; the Workload is read
 * again and placed from fresh state at the next tick. Pods are made from the record (by the
 * Workload reconciler), never from the engine, so nothing uncommitted is ever materialized.
 *
 * <p>On start (and on becoming leader) the loop waits for the caches, builds the engine from every
 * pool, framework and Workload, restores the placements the statuses record, and only then ticks.
 */
public final class AllocationLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AllocationLoop.class);

  /**
   * What the loop knew after its last turn, for status writers and reconcilers on other threads.
   *
   * @param committed the placements recorded (status written) in that turn, for Events
   */
  public record State(
      EngineSnapshot snapshot, Map<String, List<PoolNode>> poolNodes, Map<String, EstateSync.Admission> admissions,
      List<String> roleConflicts, Map<String, io.poolbridge.allocator.Quota> quotas, Map<String, RemoteClusters.Health> sources,
      List<io.poolbridge.scheduler.Assignment> committed, long generation, boolean settled) {
    static final State EMPTY = new State(null, Map.of(), Map.of(), List.of(), Map.of(), Map.of(), List.of(), 0, false);
  }

  /** Told after every turn (a tick, idle or not), on the loop's thread: keep it short. */
  public interface Listener {
    void afterTick(Tick tick, State state, Duration took);
  }

  /** Settings. */
  public record Settings(
      Duration interval, Duration batchWindow, long seed, int writers, io.poolbridge.scheduler.ExchangeRates rates, Duration nodeGrace) {
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(1), Duration.ofMillis(20), 0, 8,
        io.poolbridge.scheduler.ExchangeRates.NONE, PoolbridgeOperator.Config.DEFAULT_NODE_GRACE);
  }

  private final KubernetesClient client;
  private final EstateCache cache;
  private final Clock clock;
  private final Settings settings;
  private final WorkloadStatusFactory statuses;
  private final StatusConditions conditions;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Set<Change> changes = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Map<String, Workload> written = new ConcurrentHashMap<>();
  /** When each Workload change was first seen, until its placements are recorded (create-to-placed latency). */
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private volatile State state = State.EMPTY;
  private volatile boolean running;
  private volatile Thread thread;
  private volatile Throwable failure;
  private ExecutorService writers;
  private Engine engine;
  private EstateSync sync;
  private final CronRuns cron = new CronRuns();
  private long generation;
  private final Set<String> unwritten = new HashSet<>();
  /** Status writes started and not harvested yet, by Workload, with the placements each would commit. */
  private final Map<String, Future<Boolean>> inFlight = new HashMap<>();
  private final Map<String, List<io.poolbridge.scheduler.Assignment>> inFlightFresh = new HashMap<>();
  /** Placements committed in this turn (their status written), for listeners. */
  private final List<io.poolbridge.scheduler.Assignment> committedThisTurn = new ArrayList<>();
  private volatile boolean writesDone;

  public AllocationLoop(KubernetesClient client, EstateCache cache, Clock clock, Settings settings) {
    this.client = client;
    this.cache = cache;
    this.clock = clock;
    this.settings = settings;
    this.statuses = new WorkloadStatusFactory(clock);
    this.conditions = new StatusConditions(clock);
  }

  private volatile java.util.function.Function<String, String> materializationProblems = key -> null;
  private volatile java.util.function.Predicate<Workload> adopted = w -> true;
  /** When the loop first held back a Workload's first record for want of its finalizer. */
  private final Map<String, Instant> holding = new HashMap<>();
  /** The longest a Workload's first record waits for the Workload controller's finalizer. */
  static final Duration FINALIZER_WAIT = Duration.ofSeconds(2);

  /**
   * Tells the loop when a Workload is adopted by the Workload controller (it carries its
   * finalizer). The first status write of a new Workload waits for it (at most {@link
   * #FINALIZER_WAIT}): the finalizer is a write of the Workload too, and a status write racing it is
   * refused with 409 and costs a read and a second write; waiting costs a few milliseconds.
   */
  public void setAdopted(java.util.function.Predicate<Workload> adopted) {
    this.adopted = adopted;
  }

  /** Where the loop reads what went wrong carrying out each Workload's record (its {@code Materialized} condition). */
  public void setMaterializationProblems(java.util.function.Function<String, String> problems) {
    this.materializationProblems = problems;
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** Something changed in the cluster: the loop follows it at its next turn (from any thread). */
  public void post(Change change) {
    if (change.kind() == Change.Kind.WORKLOAD) {
      seen.putIfAbsent(change.key(), clock.instant());
    }
    changes.add(change);
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** What the loop knew after its last tick; {@code snapshot} is null before the first. */
  public State state() {
    return state;
  }

  /** Whether the loop runs (it runs on the leader only). */
  public boolean running() {
    return running && thread != null && thread.isAlive();
  }

  /** The error that stopped the loop, if one did. */
  public Throwable failure() {
    return failure;
  }

  /** Starts the loop's thread: rebuild from the record, then tick. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    failure = null;
    writers = Executors.newFixedThreadPool(settings.writers(), r -> {
      Thread t = new Thread(r, "poolbridge-status-writer");
      t.setDaemon(true);
      return t;
    });
    Thread t = new Thread(this::run, "poolbridge-allocation");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /** Stops the loop; the engine is dropped (the next leader rebuilds from the record). */
  @Override
  public synchronized void close() {
    running = false;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (writers != null) {
      writers.shutdownNow();
    }
    thread = null;
  }

  private void run() {
    try {
      rebuild();
      Instant nextTick = clock.instant();
      while (running) {
        awaitWork(nextTick);
        if (!running) {
          break;
        }
        turn();
        nextTick = clock.instant().plus(settings.interval());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("allocation loop stopped: {}", e.toString(), e);
    } finally {
      running = false;
    }
  }

  /** Waits for a change (then a short batching window) or the next interval. */
  private void awaitWork(Instant nextTick) throws InterruptedException {
    lock.lock();
    try {
      while (running && changes.isEmpty() && !writesDone) {
        long waitMs = Duration.between(clock.instant(), nextTick).toMillis();
        if (waitMs <= 0) {
          return;
        }
        wake.await(Math.min(waitMs, 1000), TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
    if (!changes.isEmpty() && !settings.batchWindow().isZero()) {
      Thread.sleep(settings.batchWindow().toMillis());
    }
  }

  /** Builds the engine from the cluster and the record: every placement a Workload's status lists is restored. */
  private void rebuild() throws InterruptedException {
    if (cache.remotes() != null) {
      EstateSync.assign(cache, EstateSync.live(cache.pools()));
      cache.remotes().awaitFirstAttempts(Duration.ofSeconds(20));
    }
    Instant now = clock.instant();
    changes.clear();
    cron.clear();
    sync = EstateSync.forEstate(cache, settings.rates(), settings.nodeGrace());
    engine = new Engine(sync.schema(), sync.prices(), settings.interval(), settings.seed(), now);
    sync.apply(engine, cache, true, true, Set.of(), true, now);
    int restored = 0;
    int dropped = 0;
    List<Workload> all = cache.workloads();
    all.sort(java.util.Comparator.comparing(Workloads::key));
    for (Workload w : all) {
      String key = Workloads.key(w);
      Workload latest = latest(key);
      if (latest == null || !(sync.admission(key) instanceof EstateSync.Admitted)) {
        continue;
      }
      restoreLives(key, latest);
      for (RecordedPlacement p : recorded(latest)) {
        try {
          engine.restore(p);
          restored++;
        } catch (IllegalArgumentException e) {
          // The node left, the instance is no longer listed, or the record names it twice: it is
          // placed again (or not) by the next tick, and the status is rewritten.
          dropped++;
          withWorkload(key, () -> LOG.info("recorded placement of {} not restored: {}", p.instanceId(), e.getMessage()));
        }
      }
      unwritten.add(key);
    }
    unwritten.addAll(refusedOrSuspended());
    // Nodes again, now that the engine knows what runs where: a NotReady node holding restored
    // instances is held through its grace period (or, past it, lost), not drained at the first tick.
    sync.apply(engine, cache, true, false, Set.of(), false, now);
    LOG.info("engine built: {} agents' pools, {} placements restored, {} dropped", sync.agentsByPool().size(), restored, dropped);
    publish(null);
  }

  /** Restores what the Workload's instances went through (restarts, back-offs, a Job's standing) from its record. */
  private void restoreLives(String key, Workload w) {
    try {
      if (w.getSpec().kind() == io.poolbridge.api.v1alpha1.WorkloadSpec.WorkloadKind.Job) {
        Workloads.recordedRuns(w).forEach((lane, job) -> engine.restoreJob(key, lane, job));
      }
      Workloads.recordedLives(w).forEach((id, life) -> {
        try {
          engine.restoreLife(key, id, life);
        } catch (IllegalArgumentException e) {
          withWorkload(key, () -> LOG.info("recorded history of {} not restored: {}", id, e.getMessage()));
        }
      });
    } catch (RuntimeException e) {
      withWorkload(key, () -> LOG.warn("the history in the status of Workload {} cannot be read: {}", key, e.getMessage()));
    }
  }

  /**
   * Tells the engine of the instances of {@code keys} whose run ended: a Pod of the instance's current
   * placement (same cluster, same node, same attempt; in this cluster or the remote one its pool
   * reads) in phase {@code Succeeded} or {@code Failed}, or deleted from outside; or, for an instance on a static machine, an External framework's report in the
   * Workload's status (the placed instance's {@code state} patched to {@code Succeeded} or {@code
   * Failed}, with an optional {@code reason}).
   */
  private void observeExits(Set<String> keys, Instant now) {
    EngineSnapshot snapshot = engine.snapshot();
    for (EstateCache.DeletedPod deleted : cache.takeDeletedPods()) {
      io.fabric8.kubernetes.api.model.Pod pod = deleted.pod();
      String key = PodOutcomes.workloadKey(pod);
      EngineSnapshot.WorkloadView view = key == null ? null : snapshot.workloads().get(key);
      String instanceId = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      if (view != null && PodOutcomes.exit(pod) == null && inCluster(view, instanceId, deleted.cluster())
          && current(view, instanceId, pod, scheduled(cache.workload(key)))) {
        String id = instanceId;
        withWorkload(key, () -> LOG.info("the Pod of {} was deleted from outside: it is placed again", id));
        engine.exited(instanceId, io.poolbridge.engine.Exit.KILLED, now, "its Pod was deleted");
      }
    }
    for (String key : keys) {
      EngineSnapshot.WorkloadView view = snapshot.workloads().get(key);
      if (view == null || view.placed().isEmpty()) {
        continue;
      }
      Workload w = cache.workload(key);
      Map<String, WorkloadStatus.InstanceStatus> reported = new HashMap<>();
      if (w != null && w.getStatus() != null && w.getStatus().instances() != null) {
        for (WorkloadStatus.InstanceStatus i : w.getStatus().instances()) {
          if (i.node() != null && (i.state() == WorkloadStatus.InstanceState.Succeeded || i.state() == WorkloadStatus.InstanceState.Failed)) {
            reported.put(w.getMetadata().getNamespace() + "/" + i.id(), i);
          }
        }
      }
      for (EngineSnapshot.Placed p : view.placed()) {
        if (!p.committed()) {
          continue;
        }
        String instanceId = p.assignment().instanceId();
        String node = p.assignment().agentId().substring(p.assignment().agentId().indexOf('/') + 1);
        WorkloadStatus.InstanceStatus report = reported.get(instanceId);
        if (report != null && node.equals(report.node())) {
          io.poolbridge.engine.Exit exit = report.state() == WorkloadStatus.InstanceState.Succeeded
              ? io.poolbridge.engine.Exit.SUCCEEDED : io.poolbridge.engine.Exit.FAILED;
          engine.exited(instanceId, exit, now, report.reason() == null ? "reported by its framework" : report.reason());
          continue;
        }
        String ns = instanceId.substring(0, instanceId.indexOf('/'));
        ResourcePool pool = cache.pool(p.assignment().pool());
        io.fabric8.kubernetes.api.model.Pod pod = pool == null ? cache.pod(ns, Workloads.displayName(instanceId))
            : cache.pod(pool, ns, Workloads.displayName(instanceId));
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null || !current(view, instanceId, pod, scheduled(w))) {
          continue;
        }
        io.poolbridge.engine.Exit exit = PodOutcomes.exit(pod);
        if (exit != null) {
          String message = PodOutcomes.message(pod);
          engine.exited(instanceId, exit, now, message == null ? (exit == io.poolbridge.engine.Exit.SUCCEEDED ? "succeeded" : "failed") : message);
        }
      }
    }
  }

  /** Starts the runs of scheduled Jobs that are due, and records the ends of their runs. */
  private void scheduleRuns(Set<String> changedWorkloads, Instant now) {
    Set<String> scheduled = new HashSet<>();
    EngineSnapshot snapshot = null;
    for (Workload w : cache.workloads()) {
      if (w.getSpec() == null || w.getSpec().schedule() == null || w.getSpec().kind() != io.poolbridge.api.v1alpha1.WorkloadSpec.WorkloadKind.Job) {
        continue;
      }
      String key = Workloads.key(w);
      if (!(sync.admission(key) instanceof EstateSync.Admitted) || w.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      scheduled.add(key);
      if (snapshot == null) {
        snapshot = engine.publish();
      }
      Workload latest = latest(key);
      if (cron.decide(engine, latest == null ? w : latest, snapshot.workloads().get(key), now, changedWorkloads.contains(key),
          this::listLanes)) {
        unwritten.add(key);
      }
    }
    cron.retain(scheduled);
  }

  /**
   * Lists {@code lanes} lanes of the scheduled Job {@code w}'s instances in its demand (runs alongside,
   * concurrency policy Allow) and tells the engine at once; whether it lists them now.
   */
  private boolean listLanes(Workload w, int lanes) {
    String key = Workloads.key(w);
    int asked = (lanes - 1) * w.getSpec().instances();
    int extra = Workloads.extra(w, asked);
    if (sync.setExtra(key, extra)) {
      sync.apply(engine, cache, false, false, Set.of(key), false, clock.instant());
    }
    return extra == asked && sync.admission(key) instanceof EstateSync.Admitted;
  }

  /** {@code status} with the scheduled Job's runs ({@code lastScheduleTime}, {@code schedule}). */
  private WorkloadStatus withSchedule(Workload w, WorkloadStatus status) {
    if (status == null || w.getSpec().schedule() == null) {
      return status;
    }
    String key = Workloads.key(w);
    WorkloadStatus.ScheduleStatus schedule = cron.status(key, w);
    return new WorkloadStatus(status.observedGeneration(), status.phase(), status.placed(), status.instances(), status.conditions(),
        cron.lastScheduleTime(key, w), status.resources(), status.ready(), status.job(),
        schedule != null ? schedule : w.getStatus() == null ? null : w.getStatus().schedule(), status.rollout());
  }

  /** Whether {@code w}'s status reports the end of an instance the engine still has placed (committed) on the reported node. */
  private static boolean reportPending(Workload w, EngineSnapshot.WorkloadView view) {
    if (w.getStatus() == null || w.getStatus().instances() == null) {
      return false;
    }
    for (WorkloadStatus.InstanceStatus i : w.getStatus().instances()) {
      if (i.node() == null || (i.state() != WorkloadStatus.InstanceState.Succeeded && i.state() != WorkloadStatus.InstanceState.Failed)) {
        continue;
      }
      String instanceId = w.getMetadata().getNamespace() + "/" + i.id();
      for (EngineSnapshot.Placed p : view.placed()) {
        if (p.committed() && p.assignment().instanceId().equals(instanceId)
            && p.assignment().agentId().equals(i.pool() + "/" + i.node())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean scheduled(Workload w) {
    return w != null && w.getSpec() != null && w.getSpec().schedule() != null;
  }

  /**
   * Whether the instance is placed in {@code cluster} (null: this one): the cluster of its pool's
   * Nodes, so a Pod deleted in another cluster, on a Node of the same name, is not its.
   */
  private boolean inCluster(EngineSnapshot.WorkloadView view, String instanceId, RemoteClusters.Ref cluster) {
    for (EngineSnapshot.Placed p : view.placed()) {
      if (p.assignment().instanceId().equals(instanceId)) {
        ResourcePool pool = cache.pool(p.assignment().pool());
        return Objects.equals(pool == null ? null : cache.clusterOf(pool), cluster);
      }
    }
    return false;
  }

  /** Whether {@code pod} was made for the instance's current placement: its node, and the attempt it is at. */
  private static boolean current(EngineSnapshot.WorkloadView view, String instanceId, io.fabric8.kubernetes.api.model.Pod pod,
      boolean scheduled) {
    for (EngineSnapshot.Placed p : view.placed()) {
      if (p.assignment().instanceId().equals(instanceId)) {
        String node = p.assignment().agentId().substring(p.assignment().agentId().indexOf('/') + 1);
        return p.committed() && pod.getSpec() != null && node.equals(pod.getSpec().getNodeName())
            && PodOutcomes.attempt(pod) == view.life(instanceId).restarts()
            && runMatches(view, PodOutcomes.run(pod), scheduled);
      }
    }
    return false;
  }

  /**
   * Whether a Pod's recorded run is one the Job has: the start of one of its runs (each lane's runs
   * start at their own times, and an instance belongs to one lane), or none for a Workload without a
   * schedule.
   */
  private static boolean runMatches(EngineSnapshot.WorkloadView view, String podRun, boolean scheduled) {
    if (!scheduled || view.job() == null) {
      return podRun == null;
    }
    for (io.poolbridge.engine.JobLife run : view.runs().values()) {
      if (run.startedAt() == null ? podRun == null
          : io.poolbridge.reconciler.StatusConditions.format(run.startedAt()).equals(podRun)) {
        return true;
      }
    }
    return false;
  }

  /**
   * How each placed instance of {@code w} is doing: on a static machine, ready while placed; on a
   * Kubernetes node (of this cluster or of the remote one its pool reads), as the Pod of its current
   * attempt says (not ready while there is none); unknown while a remote cluster cannot be read, or
   * without a pod template.
   */
  private java.util.function.Function<String, io.poolbridge.reconciler.workload.WorkloadStatusFactory.Health> health(
      Workload w, EngineSnapshot.WorkloadView view) {
    return instanceId -> {
      EngineSnapshot.Placed placed = null;
      for (EngineSnapshot.Placed p : view.placed()) {
        if (p.assignment().instanceId().equals(instanceId)) {
          placed = p;
          break;
        }
      }
      if (placed == null) {
        return null;
      }
      ResourcePool pool = cache.pool(placed.assignment().pool());
      if (pool == null) {
        return null;
      }
      if (pool.getSpec().source().inventory() != null) {
        return io.poolbridge.reconciler.workload.WorkloadStatusFactory.Health.READY;
      }
      if (w.getSpec().template() == null || !cache.podsWatched(pool)) {
        return null;
      }
      String ns = instanceId.substring(0, instanceId.indexOf('/'));
      io.fabric8.kubernetes.api.model.Pod pod = cache.pod(pool, ns, Workloads.displayName(instanceId));
      if (pod == null || !current(view, instanceId, pod, scheduled(w))) {
        return new io.poolbridge.reconciler.workload.WorkloadStatusFactory.Health(false, null);
      }
      return PodOutcomes.health(pod);
    };
  }

  private List<RecordedPlacement> recorded(Workload w) {
    try {
      return Workloads.recorded(sync.schema(), w);
    } catch (RuntimeException e) {
      withWorkload(Workloads.key(w),
          () -> LOG.warn("the status of Workload {} is not a record the operator can read: {}", Workloads.key(w), e.getMessage()));
      return List.of();
    }
  }

  private Set<String> refusedOrSuspended() {
    Set<String> keys = new HashSet<>();
    for (Workload w : cache.workloads()) {
      if (!(sync.admission(Workloads.key(w)) instanceof EstateSync.Admitted)) {
        keys.add(Workloads.key(w));
      }
    }
    return keys;
  }

  private void turn() throws InterruptedException {
    writesDone = false;
    committedThisTurn.clear();
    harvest(false);
    Instant start = clock.instant();
    Set<Change> batch = new HashSet<>(changes);
    changes.removeAll(batch);
    boolean pools = false;
    boolean frameworks = false;
    boolean allWorkloads = false;
    Set<String> workloads = new HashSet<>();
    Set<String> pods = new HashSet<>();
    for (Change c : batch) {
      switch (c.kind()) {
        case POOL, NODE -> pools = true;
        case FRAMEWORK -> frameworks = true;
        case NAMESPACE -> allWorkloads = true;
        case WORKLOAD -> workloads.add(c.key());
        case POD -> pods.add(c.key());
      }
    }
    sync.apply(engine, cache, pools, frameworks, workloads, allWorkloads, start);
    if (sync.needsRebuild()) {
      harvest(true);
      LOG.info("the estate's resources or prices changed: rebuilding the engine from the record");
      rebuild();
      sync.apply(engine, cache, false, false, Set.of(), false, start);
    }
    sync.applyTime(engine, cache, start);
    Set<String> observed = new HashSet<>(pods);
    observed.addAll(workloads);
    observeExits(observed, start);
    scheduleRuns(workloads, start);
    unwritten.addAll(workloads);
    unwritten.addAll(pods);
    if (allWorkloads || frameworks || pools) {
      cache.workloads().forEach(w -> unwritten.add(Workloads.key(w)));
    }
    EngineSnapshot before = engine.snapshot();
    Tick tick = engine.tick(start);
    EngineSnapshot after = engine.publish();
    Set<String> keys = new HashSet<>(unwritten);
    unwritten.clear();
    for (var e : after.workloads().entrySet()) {
      if (before.workloads().get(e.getKey()) != e.getValue()) {
        keys.add(e.getKey());
      }
    }
    record(keys, after);
    publish(tick);
    Duration took = Duration.between(start, clock.instant());
    {
      // Every turn, idle or not: a refusal or a materialization problem changes no engine decision.
      for (Listener l : listeners) {
        try {
          l.afterTick(tick, state, took);
        } catch (RuntimeException e) {
          LOG.warn("tick listener failed: {}", e.toString());
        }
      }
    }
  }

  /**
   * Starts the status write of each Workload in {@code keys} that changed, in parallel, without
   * waiting for them: the next tick may decide while they are in flight (their placements stay
   * uncommitted in the engine meanwhile), which keeps a Workload created during a slow batch of
   * writes from waiting for the whole batch. A Workload whose previous write is still in flight is
   * written at a later turn, so there is never more than one write per Workload at a time. Finished
   * writes are {@linkplain #harvest harvested} on the loop's thread: committed, or rolled back.
   */
  private void record(Set<String> keys, EngineSnapshot snapshot) {
    for (String key : keys) {
      if (inFlight.containsKey(key)) {
        unwritten.add(key);
        continue;
      }
      Workload w = latest(key);
      EngineSnapshot.WorkloadView view = snapshot.workloads().get(key);
      List<io.poolbridge.scheduler.Assignment> fresh = new ArrayList<>();
      if (view != null) {
        for (EngineSnapshot.Placed p : view.placed()) {
          if (!p.committed()) {
            fresh.add(p.assignment());
          }
        }
      }
      if (w == null || w.getMetadata().getDeletionTimestamp() != null) {
        // Gone or going: nothing to record; what the engine placed for it is undone.
        fresh.forEach(a -> engine.rollBack(a.instanceId()));
        seen.remove(key);
        holding.remove(key);
        rolling.remove(key);
        continue;
      }
      if (view != null && reportPending(w, view)) {
        // An External framework reported an instance's end after this turn looked: written over, the
        // report would be lost. It is taken in at the next turn, and the status written then.
        unwritten.add(key);
        changes.add(new Change(Change.Kind.WORKLOAD, key));
        continue;
      }
      WorkloadStatus status = statusOf(w, view);
      if (status == null || Objects.equals(status, w.getStatus())) {
        fresh.forEach(a -> engine.commit(a.instanceId()));
        committedThisTurn.addAll(fresh);
        rollOut(key, w, status);
        continue;
      }
      if (io.poolbridge.reconciler.workload.WorkloadRollouts.rolling(w, status)) {
        rolling.add(key);
      } else {
        rolling.remove(key);
      }
      if (!adopted.test(w)) {
        Instant since = holding.computeIfAbsent(key, k -> clock.instant());
        if (Duration.between(since, clock.instant()).compareTo(FINALIZER_WAIT) < 0) {
          unwritten.add(key);
          continue;
        }
      }
      holding.remove(key);
      inFlightFresh.put(key, fresh);
      inFlight.put(key, writers.submit(() -> {
        try {
          return write(w, status);
        } finally {
          writesDone = true;
          signal();
        }
      }));
    }
  }

  /** Workloads whose last status written shows a rollout under way: old instances left, or surge instances. */
  private final Set<String> rolling = new HashSet<>();

  /**
   * Carries out the next step of {@code w}'s rollout, once its status records everything the engine
   * decided (so the step is planned from the instances' revisions and readiness as written): the
   * surge instances {@code Rollout} asks for are listed in the Workload's demand (placed through the
   * allocator as any instance; released, newest first, when no longer needed), the old instances it
   * picks are replaced in place ({@link Engine#rollOut}), and the loop turns again to place them.
   */
  private void rollOut(String key, Workload w, WorkloadStatus status) {
    if (!io.poolbridge.reconciler.workload.WorkloadRollouts.rollsOut(w.getSpec())
        || (!io.poolbridge.reconciler.workload.WorkloadRollouts.rolling(w, status) && sync.extra(key) == 0)) {
      // Only a Service rolls out (a scheduled Job's extra instances are its runs alongside).
      rolling.remove(key);
      return;
    }
    io.poolbridge.engine.Rollout.Step step = status == null || status.rollout() == null ? null
        : io.poolbridge.reconciler.workload.WorkloadRollouts.step(w, status.rollout().revision(), status.instances());
    boolean any = sync.setExtra(key, step == null ? 0 : step.surge());
    if (step != null) {
      for (String id : step.replace()) {
        any |= engine.rollOut(id, "rolling out revision " + status.rollout().revision() + " of its Service");
      }
    }
    if (any) {
      rolling.add(key);
      unwritten.add(key);
      changes.add(new Change(Change.Kind.WORKLOAD, key));
    }
  }

  /** Commits the placements of finished status writes and rolls back those of refused ones; all of them when {@code wait}. */
  private void harvest(boolean wait) {
    for (var it = inFlight.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wait && !e.getValue().isDone()) {
        continue;
      }
      boolean ok;
      try {
        ok = e.getValue().get();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        ok = false;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException ee) {
        ok = false;
      }
      it.remove();
      String key = e.getKey();
      List<io.poolbridge.scheduler.Assignment> fresh = inFlightFresh.remove(key);
      if (ok) {
        fresh.forEach(a -> engine.commit(a.instanceId()));
        committedThisTurn.addAll(fresh);
        if (rolling.contains(key)) {
          // The loop's own writes make no change: a rollout goes on from the status just written.
          changes.add(new Change(Change.Kind.WORKLOAD, key));
        }
        Instant first = seen.remove(key);
        if (first != null && !fresh.isEmpty()) {
          createToPlaced.put(key, Duration.between(first, clock.instant()));
        }
      } else {
        withWorkload(key, () -> LOG.info("status of {} not written: its new placements are rolled back and placed again from fresh state", key));
        fresh.forEach(a -> engine.rollBack(a.instanceId()));
        changes.add(new Change(Change.Kind.WORKLOAD, key));
      }
    }
  }

  private void signal() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private final Map<String, Duration> createToPlaced = new ConcurrentHashMap<>();

  /** Time from first seeing each Workload to its first recorded placement, drained by metrics. */
  public Map<String, Duration> drainCreateToPlaced() {
    Map<String, Duration> out = new HashMap<>(createToPlaced);
    createToPlaced.keySet().removeAll(out.keySet());
    return out;
  }

  private WorkloadStatus statusOf(Workload w, EngineSnapshot.WorkloadView view) {
    EstateSync.Admission admission = sync.admission(Workloads.key(w));
    WorkloadStatus previous = w.getStatus();
    if (admission instanceof EstateSync.Refused r) {
      return statuses.refused(w, r.refusal(), previous);
    }
    if (admission instanceof EstateSync.Suspended) {
      return new WorkloadStatus(w.getMetadata().getGeneration(), WorkloadStatus.Phase.Suspended, 0, List.of(),
          statuses.withHealth(w, List.of(conditions.condition(previous == null ? null : previous.conditions(),
              w.getMetadata().getGeneration(), "Placed", false, "Suspended", "The Workload's schedule is suspended: nothing is placed")),
              previous),
          previous == null ? null : previous.lastScheduleTime());
    }
    if (view == null) {
      return null;
    }
    WorkloadStatus status = statuses.of(w, view, pool -> {
      ResourcePool p = cache.pool(pool);
      return p == null ? null : PoolPrices.currency(p);
    }, previous, health(w, view));
    return withSchedule(w, withMaterialized(w, status, previous));
  }

  /**
   * The {@code Materialized} condition: False with what went wrong carrying out the record (a
   * namespace missing in a remote cluster, a template that cannot hold the allocation), True once it
   * is carried out after a problem; absent while there never was one.
   */
  private WorkloadStatus withMaterialized(Workload w, WorkloadStatus status, WorkloadStatus previous) {
    String problem = materializationProblems.apply(Workloads.key(w));
    List<io.fabric8.kubernetes.api.model.Condition> before = previous == null ? null : previous.conditions();
    boolean had = before != null && before.stream().anyMatch(c -> "Materialized".equals(c.getType()));
    if (problem == null && !had) {
      return status;
    }
    List<io.fabric8.kubernetes.api.model.Condition> list = new ArrayList<>(status.conditions());
    list.add(conditions.condition(before, w.getMetadata().getGeneration(), "Materialized", problem == null,
        problem == null ? "Materialized" : problem.startsWith("namespace missing") ? "NamespaceMissing" : "MaterializationFailed",
        problem == null ? "Every placed instance is carried out" : problem));
    return new WorkloadStatus(status.observedGeneration(), status.phase(), status.placed(), status.instances(),
        statuses.withHealth(w, list, previous), status.lastScheduleTime(), status.resources(), status.ready(), status.job(),
        status.schedule(), status.rollout());
  }

  /** How many times one tick tries a status write whose Workload changed in nothing allocation reads. */
  static final int WRITE_ATTEMPTS = 4;

  /**
   * One status write with the resourceVersion last seen; false when refused. A refused or failed
   * write is not rolled back at once: the Workload is read again, and when the failed write landed
   * after all (a 500 after the store took it) it counts as written; when only something allocation
   * does not read changed (a finalizer, a label, an injected 409), with the same generation and the
   * status the decision was made from, it is written again on the fresh version. Anything else (the
   * spec changed, someone else recorded placements, the Workload went, the API cannot be read) is a
   * refusal: the caller rolls the placements back and the next tick places from fresh state.
   */
  private boolean write(Workload w, WorkloadStatus status) {
    org.slf4j.MDC.put("workload", Workloads.key(w));
    try {
      return writeLogged(w, status);
    } finally {
      org.slf4j.MDC.remove("workload");
    }
  }

  /** Logs with the Workload as a key of the line (structured logs: {@code workload=<namespace>/<name>}). */
  private static void withWorkload(String key, Runnable log) {
    org.slf4j.MDC.put("workload", key);
    try {
      log.run();
    } finally {
      org.slf4j.MDC.remove("workload");
    }
  }

  private boolean writeLogged(Workload w, WorkloadStatus status) {
    String key = Workloads.key(w);
    Workload base = w;
    for (int attempt = 1; ; attempt++) {
      try {
        // A JSON Patch of the status from the version last seen, carrying its resourceVersion: the API
        // server refuses it (409) when the Workload changed since. (A PUT of /status would do on a real
        // API server, but the embedded one ignores its resourceVersion.)
        Workload updated = client.resources(Workload.class).inNamespace(w.getMetadata().getNamespace()).resource(base)
            .editStatus(edited -> {
              edited.setStatus(status);
              return edited;
            });
        written.put(key, updated);
        return true;
      } catch (KubernetesClientException e) {
        written.remove(key);
        if (e.getCode() == 409) {
          LOG.debug("status of {} changed under the loop", key);
        } else {
          LOG.warn("status of {} not written ({}{})", key, e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "",
              e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                  : e.getCause() != null ? e.getMessage() + ": " + e.getCause() : e.getMessage());
        }
        if (attempt >= WRITE_ATTEMPTS || Thread.currentThread().isInterrupted() || !running) {
          return false;
        }
        Workload fresh;
        try {
          fresh = client.resources(Workload.class).inNamespace(w.getMetadata().getNamespace()).withName(w.getMetadata().getName()).get();
        } catch (KubernetesClientException again) {
          return false;
        }
        if (fresh == null || fresh.getMetadata().getDeletionTimestamp() != null
            || !Objects.equals(fresh.getMetadata().getGeneration(), w.getMetadata().getGeneration())) {
          return false;
        }
        if (Objects.equals(fresh.getStatus(), status)) {
          written.put(key, fresh);
          return true;
        }
        if (!Objects.equals(fresh.getStatus(), w.getStatus())) {
          LOG.debug("status of {} was written by someone else: placed again from fresh state", key);
          return false;
        }
        base = fresh;
      }
    }
  }

  private Workload patchStatus(Workload w, WorkloadStatus status) {
    return client.resources(Workload.class).inNamespace(w.getMetadata().getNamespace()).resource(w)
        .editStatus(edited -> {
          edited.setStatus(status);
          return edited;
        });
  }

  /**
   * The Workload as stored now, when it differs from {@code w} in metadata the allocator does not
   * read only (same generation, labels, deletion and status); null otherwise or when it is gone.
   */
  private Workload onlyMetadataChanged(Workload w) {
    Workload fresh;
    try {
      fresh = client.resources(Workload.class).inNamespace(w.getMetadata().getNamespace()).withName(w.getMetadata().getName()).get();
    } catch (KubernetesClientException e) {
      return null;
    }
    boolean same = fresh != null
        && Objects.equals(fresh.getMetadata().getUid(), w.getMetadata().getUid())
        && Objects.equals(fresh.getMetadata().getGeneration(), w.getMetadata().getGeneration())
        && Objects.equals(fresh.getMetadata().getLabels(), w.getMetadata().getLabels())
        && fresh.getMetadata().getDeletionTimestamp() == null
        && Objects.equals(fresh.getStatus(), w.getStatus());
    return same ? fresh : null;
  }

  /** The newest Workload the loop knows: its own last write, unless the cache has seen a newer one. */
  private Workload latest(String key) {
    Workload cached = cache.workload(key);
    Workload mine = written.get(key);
    if (cached == null) {
      written.remove(key);
      return null;
    }
    if (mine == null) {
      return cached;
    }
    if (Objects.equals(mine.getMetadata().getResourceVersion(), cached.getMetadata().getResourceVersion())
        || newer(cached, mine)) {
      written.remove(key);
      return cached;
    }
    return mine;
  }

  /** Whether {@code a} is a newer version than {@code b} (resourceVersions are numbers on every API server in use). */
  private static boolean newer(Workload a, Workload b) {
    try {
      return Long.parseLong(a.getMetadata().getResourceVersion()) > Long.parseLong(b.getMetadata().getResourceVersion());
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /** The health of the remote cluster of each pool that reads one. */
  private Map<String, RemoteClusters.Health> sources() {
    RemoteClusters remotes = cache.remotes();
    if (remotes == null) {
      return Map.of();
    }
    Map<String, RemoteClusters.Health> sources = new HashMap<>();
    for (ResourcePool pool : cache.pools()) {
      RemoteClusters.Ref ref = remotes.refOf(pool);
      if (ref != null) {
        sources.put(pool.getMetadata().getName(), remotes.health(ref));
      }
    }
    return Map.copyOf(sources);
  }

  private void publish(Tick tick) {
    Map<String, List<PoolNode>> poolNodes = new LinkedHashMap<>();
    sync.agentsByPool().forEach((pool, ids) -> {
      List<PoolNode> nodes = new ArrayList<>();
      ids.forEach(id -> nodes.add(sync.node(id)));
      poolNodes.put(pool, List.copyOf(nodes));
    });
    Map<String, EstateSync.Admission> admissions = new HashMap<>();
    for (Workload w : cache.workloads()) {
      EstateSync.Admission a = sync.admission(Workloads.key(w));
      if (a != null) {
        admissions.put(Workloads.key(w), a);
      }
    }
    EngineSnapshot snapshot = engine.publish();
    // Settled: the engine has nothing left to decide, and everything it decided is recorded.
    boolean settled = snapshot.settled() && unwritten.isEmpty() && changes.isEmpty() && inFlight.isEmpty()
        && snapshot.workloads().values().stream().allMatch(v -> v.placed().stream().allMatch(EngineSnapshot.Placed::committed));
    state = new State(snapshot, Map.copyOf(poolNodes), Map.copyOf(admissions), sync.roleConflicts(), sync.quotas(),
        sources(), List.copyOf(committedThisTurn), ++generation, settled);
  }
}
