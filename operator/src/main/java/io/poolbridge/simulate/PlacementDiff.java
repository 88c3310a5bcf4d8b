package io.poolbridge.simulate;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a change would do to the live placements: {@code simulate --cluster}'s answer. {@code
 * before} is the live estate as its Workloads' statuses record it, {@code after} where the
 * simulation of the changed estate, started from those records, settles. Instances are named by
 * Workload ({@code namespace/name}) and instance ({@code name-3}); nodes as {@code pool/node}.
 * Every list is in Workload then instance order (name-2 before name-10), so the same change gives
 * the same text.
 *
 * @param placed instances that run after and did not before (new, scaled up, or pending until now)
 * @param moved instances that run after on another node than before
 * @param stopped instances that ran before and do not after: their Workload is deleted
 *     ({@code Deleted}), no longer lists them ({@code ScaledDown}), is suspended ({@code Suspended}),
 *     or they are left pending (the pending reason, e.g. preempted or their node gone)
 * @param pending every instance left pending after, with the reason; {@code before} says where it
 *     was ({@code pending} when it was pending already, absent when it is new)
 * @param shares each framework's dominant share (and weighted share) before and after, by name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@com.fasterxml.jackson.annotation.JsonPropertyOrder({"noChange", "placed", "moved", "stopped", "pending", "shares"})
public record PlacementDiff(
    List<Change> placed, List<Change> moved, List<Change> stopped, List<Change> pending, List<Share> shares) {

  /** Where an instance was, in the {@code before} of a pending one, when it was pending already. */
  public static final String PENDING = "pending";

  public PlacementDiff {
    placed = List.copyOf(placed);
    moved = List.copyOf(moved);
    stopped = List.copyOf(stopped);
    pending = List.copyOf(pending);
    shares = List.copyOf(shares);
  }

  /**
   * One instance's change.
   *
   * @param before its node ({@code pool/node}) before, {@code pending}, or null when it did not exist
   * @param after its node after, or null when it does not run after
   * @param reason why it stopped or is pending (a condition reason), else null
   * @param message the reason in words, else null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Change(String workload, String instance, String before, String after, String reason, String message) {}

  /** A framework's share before and after. */
  public record Share(String framework, double shareBefore, double shareAfter, double weightedShareBefore, double weightedShareAfter) {
    public boolean changed() {
      return shareBefore != shareAfter || weightedShareBefore != weightedShareAfter;
    }
  }

  /** Whether the change places, moves and stops nothing, leaves pending only what is pending now, and moves no share. */
  @com.fasterxml.jackson.annotation.JsonProperty("noChange")
  public boolean noChange() {
    return placed.isEmpty() && moved.isEmpty() && stopped.isEmpty()
        && pending.stream().allMatch(p -> PENDING.equals(p.before()))
        && shares.stream().noneMatch(Share::changed);
  }

  /** How many instances would be left pending after. */
  public int pendingCount() {
    return pending.size();
  }

  /** The difference between the live placements ({@code before}) and where the change settles ({@code after}). */
  public static PlacementDiff between(SimulationOutcome before, SimulationOutcome after) {
    Map<String, SimulationOutcome.WorkloadPlacement> was = byKey(before);
    Map<String, SimulationOutcome.WorkloadPlacement> now = byKey(after);
    List<Change> placed = new ArrayList<>();
    List<Change> moved = new ArrayList<>();
    List<Change> stopped = new ArrayList<>();
    List<Change> pending = new ArrayList<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(was.keySet());
    keys.addAll(now.keySet());
    for (String key : keys) {
      SimulationOutcome.WorkloadPlacement b = was.get(key);
      SimulationOutcome.WorkloadPlacement a = now.get(key);
      Map<String, String> ranBefore = nodes(b);
      Map<String, String> runsAfter = nodes(a);
      Map<String, SimulationOutcome.Pending> pendingAfter = new TreeMap<>(EstateSimulation.INSTANCE_ORDER);
      if (a != null) {
        a.pending().forEach(p -> pendingAfter.put(p.id(), p));
      }
      java.util.Set<String> listedBefore = listed(b);
      java.util.Set<String> ids = new java.util.TreeSet<>(EstateSimulation.INSTANCE_ORDER);
      ids.addAll(listedBefore);
      ids.addAll(ranBefore.keySet());
      ids.addAll(runsAfter.keySet());
      ids.addAll(pendingAfter.keySet());
      for (String id : ids) {
        String from = ranBefore.get(id);
        String to = runsAfter.get(id);
        SimulationOutcome.Pending p = pendingAfter.get(id);
        String beforeState = from != null ? from : listedBefore.contains(id) ? PENDING : null;
        if (to != null) {
          if (from == null) {
            placed.add(new Change(key, id, beforeState, to, null, null));
          } else if (!from.equals(to)) {
            moved.add(new Change(key, id, from, to, null, null));
          }
        } else if (p != null) {
          pending.add(new Change(key, id, beforeState, null, p.reason(), p.message()));
          if (from != null) {
            stopped.add(new Change(key, id, from, null, p.reason(), p.message()));
          }
        } else if (from != null) {
          stopped.add(a == null
              ? new Change(key, id, from, null, "Deleted", "its Workload is deleted")
              : listed(a).contains(id)
                  // Listed, yet neither placed nor pending: nothing is scheduled for the Workload.
                  ? new Change(key, id, from, null, "Suspended", "its Workload's schedule is suspended")
                  : new Change(key, id, from, null, "ScaledDown", "its Workload no longer lists it (spec.instances is " + a.instances() + ")"));
        }
      }
    }
    Map<String, SimulationOutcome.FrameworkUse> fb = new TreeMap<>();
    before.frameworks().forEach(f -> fb.put(f.name(), f));
    Map<String, SimulationOutcome.FrameworkUse> fa = new TreeMap<>();
    after.frameworks().forEach(f -> fa.put(f.name(), f));
    java.util.Set<String> names = new java.util.TreeSet<>(fb.keySet());
    names.addAll(fa.keySet());
    List<Share> shares = new ArrayList<>();
    for (String name : names) {
      SimulationOutcome.FrameworkUse b = fb.get(name);
      SimulationOutcome.FrameworkUse a = fa.get(name);
      shares.add(new Share(name, b == null ? 0 : b.dominantShare(), a == null ? 0 : a.dominantShare(),
          b == null ? 0 : b.weightedShare(), a == null ? 0 : a.weightedShare()));
    }
    return new PlacementDiff(placed, moved, stopped, pending, shares);
  }

  /**
   * {@code accounted} (the live estate restored, for its figures and shares) with each Workload's
   * placements exactly as {@code live}'s statuses record them: what runs now, whether or not the
   * simulation could restore it (a record on a node that could not be read is still where the
   * instance runs). An instance counts as running when it is Placed, Running or Draining on a node.
   */
  public static SimulationOutcome asRecorded(SimulationOutcome accounted, java.util.Collection<io.poolbridge.api.v1alpha1.Workload> live) {
    Map<String, List<SimulationOutcome.Instance>> recorded = new TreeMap<>();
    for (io.poolbridge.api.v1alpha1.Workload w : live) {
      List<SimulationOutcome.Instance> instances = new ArrayList<>();
      var status = w.getStatus();
      if (status != null && status.instances() != null) {
        for (var i : status.instances()) {
          var state = i.state();
          boolean runs = state == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Placed
              || state == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Running
              || state == io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState.Draining;
          if (runs && i.node() != null && i.pool() != null) {
            instances.add(new SimulationOutcome.Instance(i.id(), i.node(), i.pool(), null, Map.of(), Boolean.TRUE.equals(i.revocable()), null));
          }
        }
      }
      recorded.put(w.getMetadata().getNamespace() + "/" + w.getMetadata().getName(), instances);
    }
    List<SimulationOutcome.WorkloadPlacement> workloads = new ArrayList<>();
    for (SimulationOutcome.WorkloadPlacement w : accounted.workloads()) {
      List<SimulationOutcome.Instance> placed = recorded.getOrDefault(w.key(), w.placements());
      java.util.Set<String> running = new java.util.HashSet<>();
      placed.forEach(i -> running.add(i.id()));
      workloads.add(new SimulationOutcome.WorkloadPlacement(w.namespace(), w.name(), w.kind(), w.framework(), w.instances(), placed.size(),
          w.costPerHour(), placed, w.pending().stream().filter(p -> !running.contains(p.id())).toList(), w.nextRun()));
    }
    return new SimulationOutcome(accounted.seed(), accounted.at(), accounted.rounds(), accounted.stable(), accounted.pools(),
        accounted.frameworks(), workloads, accounted.draining(), accounted.events(), accounted.warnings());
  }

  private static Map<String, SimulationOutcome.WorkloadPlacement> byKey(SimulationOutcome o) {
    Map<String, SimulationOutcome.WorkloadPlacement> map = new LinkedHashMap<>();
    o.workloads().stream().sorted(Comparator.comparing(SimulationOutcome.WorkloadPlacement::key))
        .forEach(w -> map.put(w.key(), w));
    return map;
  }

  /** Instance to {@code pool/node}, of the instances that run. */
  private static Map<String, String> nodes(SimulationOutcome.WorkloadPlacement w) {
    Map<String, String> nodes = new TreeMap<>();
    if (w != null) {
      w.placements().forEach(i -> nodes.put(i.id(), i.pool() + "/" + i.node()));
    }
    return nodes;
  }

  /** The instances a Workload lists: {@code name-0} to {@code name-(n-1)}. */
  private static java.util.Set<String> listed(SimulationOutcome.WorkloadPlacement w) {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    if (w != null) {
      for (int i = 0; i < w.instances(); i++) {
        ids.add(w.name() + "-" + i);
      }
    }
    return ids;
  }
}
