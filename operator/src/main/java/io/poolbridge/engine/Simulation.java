package io.poolbridge.engine;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.HierarchicalAllocator;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.engine.EngineSnapshot.Placed;
import io.poolbridge.engine.EngineSnapshot.WorkloadView;
import io.poolbridge.engine.SimulationReport.WorkloadReport;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.WorkloadDemand;
import io.poolbridge.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@link Engine} in simulated time: {@code simulate}'s client of the engine, as the
 * operator's allocation loop is its client in real time. It ticks the engine once per allocation
 * interval of a {@link ManualClock} and commits every placement at once (nothing can refuse its
 * record), until the engine says the estate is settled. Deterministic: the same estate,
 * submissions and seed give the same report.
 */
public final class Simulation {
  private final Duration interval;
  private final ManualClock clock = new ManualClock();
  private final Engine engine;
  private final Set<String> submitted = new HashSet<>();
  private final List<String> events = new ArrayList<>();
  private int rounds;

  /**
   * @param prices per-pool prices the schedulers prefer the cheapest of
   * @param interval simulated time per round: the allocation interval
   * @param seed the allocator's seed (agent visiting order)
   */
  public Simulation(ResourceSchema schema, Prices prices, Duration interval, long seed) {
    this.interval = interval;
    this.engine = new Engine(schema, prices, interval, seed, clock.instant());
  }

  /** The engine it drives. */
  public Engine engine() {
    return engine;
  }

  /** The engine's allocator, to read. */
  public HierarchicalAllocator allocator() {
    return engine.allocator();
  }

  public void addAgent(AgentInfo agent) {
    engine.addAgent(agent);
  }

  public void setAgentState(String agentId, AgentState state) {
    engine.setAgentState(agentId, state);
  }

  /** A maintenance window bears on an agent; see {@link Engine#setMaintenance}. */
  public void setMaintenance(String agentId, AgentState state, java.time.Instant windowStart, String reason) {
    engine.setMaintenance(agentId, state, windowStart, reason);
  }

  public void addFramework(FrameworkInfo framework) {
    engine.addFramework(framework);
  }

  public void setWeight(String role, double weight) {
    engine.setWeight(role, weight);
  }

  /** Sets a role's quota; its limit also names the reason of instances it holds back. */
  public void setQuota(String role, Quota quota) {
    engine.setQuota(role, quota);
  }

  /** Adds a workload; all its instances are pending. */
  public void submit(WorkloadDemand workload) {
    if (!submitted.add(workload.key())) {
      throw new IllegalArgumentException("workload " + workload.key() + " already submitted");
    }
    engine.upsert(workload);
  }

  /** Runs rounds until the engine says the estate is settled, or {@code maxRounds} more rounds. */
  public SimulationReport run(int maxRounds) {
    // Once per run, not per round: the workloads only change between runs.
    engine.expectPlacements(engine.workloads().stream().mapToInt(d -> d.instanceIds().size()).sum());
    for (int i = 0; i < maxRounds; i++) {
      rounds++;
      clock.advance(interval);
      Tick tick = engine.tick(clock.instant());
      for (Stopped s : tick.stopped()) {
        events.add("round " + rounds + ": " + s.instanceId() + " of " + s.workloadKey() + " " + s.message());
      }
      tick.placed().forEach(a -> engine.commit(a.instanceId()));
      if (tick.settled()) {
        // "Stable" is a claim: nothing placeable may be left pending.
        List<String> placeable = engine.placeablePending();
        placeable.forEach(p -> events.add("round " + rounds + ": not stable: " + p));
        return report(placeable.isEmpty());
      }
    }
    return report(false);
  }

  /** Pending instances that could run now; see {@link Engine#placeablePending()}. */
  List<String> placeablePending() {
    return engine.placeablePending();
  }

  private SimulationReport report(boolean stable) {
    List<WorkloadReport> reports = new ArrayList<>();
    for (WorkloadView view : engine.publish().workloads().values()) {
      List<Assignment> placed = view.placed().stream().map(Placed::assignment).toList();
      reports.add(new WorkloadReport(view.key(), placed, view.pending()));
    }
    return new SimulationReport(rounds, stable, reports, events);
  }
}
