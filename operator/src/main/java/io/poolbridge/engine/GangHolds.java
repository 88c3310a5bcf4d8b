package io.poolbridge.engine;

import io.poolbridge.scheduler.WorkloadDemand;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Gang workloads holding the offers they gathered: for how many ticks in a row. */
final class GangHolds {
  private final Map<String, Integer> holds = new HashMap<>();

  /** The gangs among {@code demands} that held {@code max} ticks in a row: they may not hold again. */
  Set<String> denied(List<WorkloadDemand> demands, int max) {
    Set<String> denied = new HashSet<>();
    for (WorkloadDemand d : demands) {
      if (holds.getOrDefault(d.key(), 0) >= max) {
        denied.add(d.key());
      }
    }
    return denied;
  }

  /** Counts what its scheduler decided for the workload: it holds, or its count starts again. */
  void decided(String workloadKey, boolean holding, boolean denied) {
    if (holding) {
      holds.merge(workloadKey, 1, Integer::sum);
    } else if (!denied) {
      // Placed or cannot complete: its count starts again. A gang whose hold ran out stays
      // denied until the estate changes (Engine.round()): holding again on the same state would
      // only keep from the others what it failed to gather.
      holds.remove(workloadKey);
    }
  }

  /** The estate changed: gangs whose hold ran out may hold again. */
  void expire(int max) {
    holds.values().removeIf(n -> n >= max);
  }

  void forget(String workloadKey) {
    holds.remove(workloadKey);
  }
}
