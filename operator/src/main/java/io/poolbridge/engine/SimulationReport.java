package io.poolbridge.engine;

import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Unplaced;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * Where a {@link Simulation} left every workload.
 *
 * @param rounds allocation rounds run so far (each one allocation interval of simulated time)
 * @param stable whether it stopped because nothing changed any more (rather than at the round bound)
 * @param workloads one report per workload, in submission order
 * @param events what happened beyond placements: revocations, preemptions, moves, by round
 */
public record SimulationReport(int rounds, boolean stable, List<WorkloadReport> workloads, List<String> events) {
  public SimulationReport {
    workloads = List.copyOf(workloads);
    events = List.copyOf(events);
  }

  /** A workload's running instances (in instance order) and the reasons of the others. */
  public record WorkloadReport(String key, List<Assignment> placed, List<Unplaced> unplaced) {
    public WorkloadReport {
      placed = List.copyOf(placed);
      unplaced = List.copyOf(unplaced);
    }
  }

  public WorkloadReport workload(String key) {
    return workloads.stream().filter(w -> w.key().equals(key)).findFirst()
        .orElseThrow(() -> new NoSuchElementException("no workload " + key));
  }
}
