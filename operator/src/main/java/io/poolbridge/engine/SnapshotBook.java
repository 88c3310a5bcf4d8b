package io.poolbridge.engine;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.HierarchicalAllocator;
import io.poolbridge.allocator.Offer;
import io.poolbridge.allocator.Resources;
import io.poolbridge.engine.Ledger.Running;
import io.poolbridge.scheduler.Reason;
import io.poolbridge.scheduler.Unplaced;
import io.poolbridge.scheduler.WorkloadDemand;
import io.poolbridge.scheduler.WorkloadKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The engine's snapshot, built from what changed: the engine marks the workloads and agents an
 * event or a tick touched, and {@link #publish} rebuilds only their views (and the framework
 * figures, which are few) into a new immutable {@link EngineSnapshot}, published through a
 * volatile field that any thread may read. A pool none of whose agents changed keeps its view
 * (node list included) from the last snapshot.
 */
final class SnapshotBook {
  private final HierarchicalAllocator allocator;
  private final Ledger ledger;
  private final Map<String, FrameworkInfo> frameworks;
  private final Map<String, AgentInfo> agents;
  private final WaitBook waits;

  /** The workload keys in submission order, and the views by shard (see {@link WorkloadViews}). */
  private final List<String> order = new ArrayList<>();
  private final Set<String> known = new HashSet<>();
  private boolean orderChanged;
  private String[] publishedOrder = new String[0];
  private final List<Map<String, EngineSnapshot.WorkloadView>> views = new ArrayList<>();
  private final List<Map<String, EngineSnapshot.WorkloadView>> published = new ArrayList<>();
  private final boolean[] dirtyShard = new boolean[WorkloadViews.SHARDS];
  private final Set<String> dirtyViews = new HashSet<>();
  private final Map<String, PoolFigures> poolFigures = new TreeMap<>();
  private final Set<String> dirtyAgents = new HashSet<>();
  private volatile EngineSnapshot snapshot = EngineSnapshot.EMPTY;
  private final LifeBook lives;
  private boolean snapshotStale = true;
  private DrainBook drains = new DrainBook();

  /** The engine's maintenance windows and drain slots, for the views' draining instances. */
  void drains(DrainBook drains) {
    this.drains = drains;
  }

  /** Reads the engine's own maps (live, never changed here). */
  SnapshotBook(HierarchicalAllocator allocator, Ledger ledger, Map<String, FrameworkInfo> frameworks,
      Map<String, AgentInfo> agents, WaitBook waits, LifeBook lives) {
    this.lives = lives;
    this.allocator = allocator;
    this.ledger = ledger;
    this.frameworks = frameworks;
    this.agents = agents;
    this.waits = waits;
    for (int i = 0; i < WorkloadViews.SHARDS; i++) {
      views.add(new HashMap<>());
      published.add(Map.of());
    }
  }

  /** The snapshot published last; safe to read from any thread. */
  EngineSnapshot current() {
    return snapshot;
  }

  /** The next publish builds a new snapshot even if no view changed. */
  void stale() {
    snapshotStale = true;
  }

  /** The workload's view is built again at the next publish. */
  void workloadChanged(String key) {
    if (dirtyViews.add(key) && known.add(key)) {
      order.add(key);
      orderChanged = true;
    }
  }

  void workloadsChanged(Collection<String> keys) {
    keys.forEach(this::workloadChanged);
  }

  /** A deleted workload leaves the snapshot. */
  void forget(String key) {
    int s = WorkloadViews.shard(key);
    views.get(s).remove(key);
    dirtyShard[s] = true;
    dirtyViews.remove(key);
    if (known.remove(key)) {
      order.remove(key);
      orderChanged = true;
    }
    snapshotStale = true;
  }

  /** The agent's figures are counted again in its pool at the next publish. */
  void agentChanged(String agentId) {
    dirtyAgents.add(agentId);
  }

  void agentsChanged(Collection<String> agentIds) {
    dirtyAgents.addAll(agentIds);
  }

  /** A pool an agent is in (created empty the first time). */
  void addPool(String pool) {
    poolFigures.computeIfAbsent(pool, PoolFigures::new);
  }

  /** The agent no longer counts in {@code pool}. */
  void removeAgent(String pool, String agentId) {
    poolFigures.get(pool).remove(agentId);
  }

  /**
   * Publishes what changed since the last publish (commits, events, a tick) as the snapshot, and
   * returns it.
   */
  EngineSnapshot publish(long round, Instant now, boolean settled) {
    if (snapshotStale || !dirtyViews.isEmpty() || !dirtyAgents.isEmpty()) {
      build(round, now, settled);
    }
    return snapshot;
  }

  /** What an agent's placements use, its drain slots (old placements kept while drained ahead of a window) included. */
  private long[] withSlots(String agentId, long[] placedOn) {
    List<DrainBook.Slot> slots = drains.slotsOn(agentId);
    if (slots.isEmpty()) {
      return placedOn;
    }
    long[] sum = placedOn == null ? new long[allocator.schema().size()] : java.util.Arrays.copyOf(placedOn, allocator.schema().size());
    for (DrainBook.Slot s : slots) {
      Vectors.addSaturating(sum, java.util.Arrays.copyOf(s.old().resources().toArray(), sum.length));
    }
    return sum;
  }

  private void build(long round, Instant now, boolean settled) {
    for (String key : dirtyViews) {
      WorkloadDemand d = ledger.workload(key);
      if (d == null) {
        continue;
      }
      List<EngineSnapshot.Placed> p = new ArrayList<>();
      List<Unplaced> u = new ArrayList<>();
      Map<String, Running> mine = ledger.runningOfWorkload(key);
      Map<String, String> draining = new java.util.LinkedHashMap<>();
      for (String id : d.instanceIds()) {
        Running r = mine.get(id);
        DrainBook.Slot slot = r == null ? drains.slot(id) : null;
        if (r != null) {
          p.add(new EngineSnapshot.Placed(r.assignment(), allocator.placementReservations(id), !ledger.isUncommitted(id)));
          String agent = r.assignment().agentId();
          if (drains.drainingAhead(agent)) {
            draining.put(id, DrainBook.drainingNote(agent, drains.window(agent), false));
          }
        } else if (slot != null) {
          // Drained ahead of a window, its replacement not placed yet: it runs where it was.
          p.add(new EngineSnapshot.Placed(slot.old(), slot.reserved(), true));
          DrainBook.Window w = drains.window(slot.agentId());
          draining.put(id, DrainBook.drainingNote(slot.agentId(),
              w != null ? w : new DrainBook.Window(io.poolbridge.allocator.AgentState.DRAINING, slot.start(), slot.reason()), true));
        } else if (!ledger.isHeld(key, id)) {
          Unplaced w = waits.get(id);
          u.add(w != null ? w : new Unplaced(id, key, new Reason(Reason.Code.NO_OFFERS, "Not scheduled yet")));
        }
      }
      int s = WorkloadViews.shard(key);
      views.get(s).put(key, new EngineSnapshot.WorkloadView(
          key, d.frameworkId(), d.instanceIds().size(), p, u, lives.lives(d.instanceIds()), representative(lives.runs(key)), draining, lives.runs(key)));
      dirtyShard[s] = true;
    }
    dirtyViews.clear();
    for (int s = 0; s < WorkloadViews.SHARDS; s++) {
      if (dirtyShard[s]) {
        published.set(s, Map.copyOf(views.get(s)));
        dirtyShard[s] = false;
      }
    }
    if (orderChanged) {
      publishedOrder = order.toArray(String[]::new);
      orderChanged = false;
    }
    for (String id : dirtyAgents) {
      AgentInfo a = agents.get(id);
      if (a != null) {
        poolFigures.get(a.pool()).update(a, allocator.usage(id).state(), withSlots(id, ledger.placedOn(id)), leasedTo(id),
            allocator.schema());
      }
    }
    dirtyAgents.clear();
    Map<String, Integer> offersOf = new HashMap<>();
    for (Offer o : allocator.outstandingOffers()) {
      offersOf.merge(o.frameworkId(), 1, Integer::sum);
    }
    Map<String, EngineSnapshot.FrameworkView> fws = new LinkedHashMap<>();
    for (FrameworkInfo f : frameworks.values()) {
      fws.put(f.id(), new EngineSnapshot.FrameworkView(f.id(), f.role(), allocator.share(f.id()), allocator.weightedShare(f.id()),
          allocator.guaranteeMet(f.role()), allocator.guaranteeShortfall(f.role()),
          ledger.pendingCount(f.id()), offersOf.getOrDefault(f.id(), 0), placedBy(f.id())));
    }
    Map<String, EngineSnapshot.PoolView> pools = new LinkedHashMap<>();
    poolFigures.forEach((name, f) -> pools.put(name, f.view(allocator.schema())));
    snapshot = new EngineSnapshot(round, now, settled, new WorkloadViews(publishedOrder, List.copyOf(published)), fws, pools);
    snapshotStale = false;
  }

  /** The framework whose {@code NODE_LEASE} instance runs on the agent, or {@code null}. */
  private String leasedTo(String agentId) {
    for (String id : ledger.runningIdsOnAgent(agentId)) {
      Running r = ledger.running(id);
      WorkloadDemand d = r == null ? null : ledger.workload(r.assignment().workloadKey());
      if (d != null && d.kind() == WorkloadKind.NODE_LEASE) {
        return d.frameworkId();
      }
    }
    return null;
  }

  private Resources placedBy(String fw) {
    long[] use = ledger.useByFramework().get(fw);
    return use == null ? Resources.none(allocator.schema())
        : Resources.ofArray(allocator.schema(), java.util.Arrays.copyOf(use, allocator.schema().size()));
  }

  /**
   * The run a Job's status shows: the newest run going on, else the newest that started, else lane
   * 0's (waiting for its first run); {@code null} for a workload that is not a Job.
   */
  static JobLife representative(java.util.SortedMap<Integer, JobLife> runs) {
    JobLife best = null;
    for (JobLife j : runs.values()) {
      if (best == null) {
        best = j;
        continue;
      }
      boolean newer = j.startedAt() != null && (best.startedAt() == null || j.startedAt().isAfter(best.startedAt()));
      if ((j.running() && !best.running()) || (j.running() == best.running() && newer)) {
        best = j;
      }
    }
    return best;
  }
}
