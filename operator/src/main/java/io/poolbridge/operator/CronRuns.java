package io.poolbridge.operator;

import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.engine.Engine;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.JobLife;
import io.poolbridge.lifecycle.ConcurrencyPolicy;
import io.poolbridge.lifecycle.CronDecision;
import io.poolbridge.lifecycle.CronPlanner;
import io.poolbridge.lifecycle.CronRun;
import io.poolbridge.lifecycle.CronSchedule;
import io.poolbridge.lifecycle.InvalidScheduleException;
import io.poolbridge.lifecycle.RunHistory;
import io.poolbridge.reconciler.StatusConditions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import io.poolbridge.estate.Workloads;

/**
 * The runs of scheduled Jobs (Metronome's semantics, Kubernetes CronJob's rules): when a scheduled
 * time comes, the allocation loop starts a run ({@link Engine#startRun}) as {@link CronPlanner}
 * decides (never stampeding after downtime, within {@code startingDeadlineSeconds}, by the
 * concurrency policy), and keeps the history of runs for the status. Its state is rebuilt from the
 * record: {@code status.lastScheduleTime} and {@code status.schedule.runs}.
 *
 * <p>Under {@code Allow} (the default) runs overlap: a run due while others go on starts in the
 * next free lane, on the next {@code spec.instances} instances above the ones in use ({@link
 * Lanes}: the loop lists them in the Job's demand), at most {@link Workloads#maxRuns} at once (a
 * run due while that many go on starts when one ends, within {@code startingDeadlineSeconds}); a
 * lane's instances are released when no run above it goes on. A gang's runs take turns.
 *
 * <p>Used on the loop's thread only.
 */
final class CronRuns {
  /** Lists a Job's lanes in its demand: the loop's side of runs alongside. */
  interface Lanes {
    /**
     * Lists {@code lanes} lanes of {@code w}'s instances ({@code lanes * spec.instances}) in its
     * demand, told to the engine at once; fewer releases the instances of the lanes above.
     *
     * @return whether the engine lists them now
     */
    boolean list(Workload w, int lanes);
  }

  private static final class Entry {
    Long generation;
    CronPlanner planner;
    Instant lastScheduled;
    RunHistory history;
    CronDecision decision;
    Instant wakeAt;
    /** Runs missed before the last run started (read back from the record after a restart). */
    int missedBefore;
    boolean missedMoreBefore;
    /** The lane of each run going on, by its scheduled time (lane 0 when not listed). */
    final Map<Instant, Integer> lanes = new HashMap<>();
  }

  private final Map<String, Entry> entries = new HashMap<>();

  /** Forgets the Workloads not in {@code keys}. */
  void retain(Set<String> keys) {
    entries.keySet().retainAll(keys);
  }

  /** Forgets everything (the engine was rebuilt: the record is read again). */
  void clear() {
    entries.clear();
  }

  /**
   * Brings the scheduled Job {@code w} to {@code now}: records the end of its run, starts the run
   * due. Whether its record changed.
   *
   * @param changed whether the Workload changed since the last call (decide even before its wake time)
   */
  boolean decide(Engine engine, Workload w, EngineSnapshot.WorkloadView view, Instant now, boolean changed, Lanes lanes) {
    String key = io.poolbridge.estate.Workloads.key(w);
    WorkloadSpec.Schedule spec = w.getSpec().schedule();
    Entry e = entries.get(key);
    boolean recordChanged = false;
    if (e == null) {
      e = load(w);
      entries.put(key, e);
      recordChanged = true;
    }
    if (!Objects.equals(e.generation, w.getMetadata().getGeneration()) || e.planner == null) {
      try {
        e.planner = new CronPlanner(CronSchedule.parse(spec.cron(), spec.timeZone()),
            ConcurrencyPolicy.of(spec.concurrencyPolicy() == null ? null : spec.concurrencyPolicy().name()),
            spec.startingDeadlineSeconds(), Boolean.TRUE.equals(spec.suspend()));
      } catch (InvalidScheduleException ex) {
        // Refused at admission already (Admitted=False, InvalidSchedule): nothing to run.
        e.planner = null;
        return recordChanged;
      }
      e.generation = w.getMetadata().getGeneration();
      changed = true;
    }
    Map<Integer, JobLife> runs = view == null ? Map.of() : view.runs();
    // A run ended when its lane's run is no longer the one it started (ended, or gone).
    for (CronRun r : e.history.running()) {
      int lane = e.lanes.getOrDefault(r.scheduledAt(), 0);
      JobLife job = runs.get(lane);
      boolean same = job != null && job.startedAt() != null && job.startedAt().equals(r.startedAt());
      if (same && job.running()) {
        continue;
      }
      if (view == null && job == null) {
        continue;
      }
      CronRun.Result result = same && job.phase() == JobLife.Phase.SUCCEEDED ? CronRun.Result.SUCCEEDED : CronRun.Result.FAILED;
      Instant end = same && job.endedAt() != null ? job.endedAt() : now;
      e.history = e.history.ended(r.scheduledAt(), end, result,
          result == CronRun.Result.SUCCEEDED ? null : same ? job.message() : "its run is gone");
      e.lanes.remove(r.scheduledAt());
      recordChanged = true;
      changed = true;
    }
    boolean active = false;
    int highest = -1;
    for (CronRun r : e.history.running()) {
      active = true;
      highest = Math.max(highest, e.lanes.getOrDefault(r.scheduledAt(), 0));
    }
    if (Workloads.overlaps(w) && view != null) {
      // The lanes above the highest run going on are released.
      lanes.list(w, Math.max(1, highest + 1));
    }
    if (!changed && e.wakeAt != null && now.isBefore(e.wakeAt) && e.decision != null) {
      return recordChanged;
    }
    if (view == null || view.job() == null) {
      // Not admitted (or not yet taken in by the engine): nothing runs.
      return recordChanged;
    }
    CronDecision d = e.planner.plan(e.lastScheduled, active, now);
    int lane = -1;
    if (d.action() == CronDecision.Action.REPLACE || (d.action() == CronDecision.Action.START && !active)) {
      lane = 0;
    } else if (d.action() == CronDecision.Action.START && Workloads.overlaps(w)) {
      // Allow: the lowest lane free, while fewer than maxRuns go on (else it waits, as under Forbid).
      Set<Integer> busy = new java.util.HashSet<>(e.lanes.values());
      for (CronRun r : e.history.running()) {
        busy.add(e.lanes.getOrDefault(r.scheduledAt(), 0));
      }
      for (int l = 0; l < Workloads.maxRuns(w); l++) {
        if (!busy.contains(l)) {
          lane = l;
          break;
        }
      }
      if (lane > 0 && !lanes.list(w, lane + 1)) {
        lane = -1;
      }
    }
    if (lane >= 0) {
      Instant due = d.due().orElseThrow();
      if (d.action() == CronDecision.Action.REPLACE || !active) {
        for (CronRun r : e.history.running()) {
          e.history = e.history.ended(r.scheduledAt(), now, CronRun.Result.REPLACED,
              "replaced by the run scheduled at " + StatusConditions.format(due));
        }
        e.lanes.clear();
        engine.startRun(key, now, "replaced by the run scheduled at " + StatusConditions.format(due));
        if (Workloads.overlaps(w)) {
          lanes.list(w, 1);
        }
      } else {
        engine.startRunAlongside(key, lane, now);
      }
      if (lane > 0) {
        e.lanes.put(due, lane);
      }
      e.missedBefore = d.missed();
      e.missedMoreBefore = d.missedMore();
      e.lastScheduled = due;
      e.history = e.history.started(due, now);
      // What is missed is counted from the new last run on.
      d = e.planner.plan(e.lastScheduled, true, now);
      recordChanged = true;
    }
    if (!d.equals(e.decision)) {
      recordChanged = true;
    }
    e.decision = d;
    e.wakeAt = d.wakeAt().orElse(null);
    return recordChanged;
  }

  /** The Workload's {@code lastScheduleTime}, or {@code null} before its first run. */
  String lastScheduleTime(String key, Workload w) {
    Entry e = entries.get(key);
    if (e == null || e.lastScheduled == null || e.history.runs().isEmpty()) {
      return w.getStatus() == null ? null : w.getStatus().lastScheduleTime();
    }
    return StatusConditions.format(e.lastScheduled);
  }

  /** The Workload's {@code status.schedule}, or {@code null} when it is not known. */
  WorkloadStatus.ScheduleStatus status(String key, Workload w) {
    Entry e = entries.get(key);
    if (e == null || e.decision == null) {
      return null;
    }
    List<WorkloadStatus.RunStatus> runs = new ArrayList<>();
    for (CronRun r : e.history.runs()) {
      Integer lane = r.running() ? e.lanes.get(r.scheduledAt()) : null;
      String first = lane == null || lane == 0 ? null : w.getMetadata().getName() + "-" + (lane * w.getSpec().instances());
      runs.add(new WorkloadStatus.RunStatus(StatusConditions.format(r.scheduledAt()), StatusConditions.format(r.startedAt()),
          r.endedAt() == null ? null : StatusConditions.format(r.endedAt()), name(r.result()), r.reason(), first));
    }
    CronDecision d = e.decision;
    int missed = Math.min(CronPlanner.MISSED_CAP, e.missedBefore + d.missed());
    boolean more = e.missedMoreBefore || d.missedMore() || e.missedBefore + d.missed() > CronPlanner.MISSED_CAP;
    return new WorkloadStatus.ScheduleStatus(d.nextScheduledAt().map(StatusConditions::format).orElse(null), missed,
        more ? Boolean.TRUE : null, runs);
  }

  /** {@code SUCCEEDED} as {@code Succeeded}. */
  private static String name(CronRun.Result r) {
    return r.name().charAt(0) + r.name().substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  /** The entry read back from the record: the last scheduled time (the creation time before any run) and the runs. */
  private static Entry load(Workload w) {
    Entry e = new Entry();
    WorkloadStatus s = w.getStatus();
    Instant last = s == null ? null : instant(s.lastScheduleTime());
    e.lastScheduled = last != null ? last : created(w);
    if (s != null && s.schedule() != null && s.schedule().missedRuns() != null) {
      e.missedBefore = Math.max(0, Math.min(CronPlanner.MISSED_CAP, s.schedule().missedRuns()));
      e.missedMoreBefore = Boolean.TRUE.equals(s.schedule().missedMore());
    }
    List<CronRun> runs = new ArrayList<>();
    if (s != null && s.schedule() != null && s.schedule().runs() != null) {
      for (WorkloadStatus.RunStatus r : s.schedule().runs()) {
        Instant scheduled = instant(r.scheduledTime());
        Instant started = instant(r.startTime());
        Instant ended = instant(r.completionTime());
        CronRun.Result result;
        try {
          result = r.result() == null ? null : CronRun.Result.valueOf(r.result().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException ex) {
          result = null;
        }
        if (scheduled == null || started == null || result == null || (result == CronRun.Result.RUNNING) != (ended == null)) {
          continue;
        }
        runs.add(new CronRun(scheduled, started, ended, result, r.reason()));
        if (result == CronRun.Result.RUNNING && r.firstInstance() != null && Workloads.overlaps(w)) {
          String prefix = w.getMetadata().getName() + "-";
          int first = Workloads.ordinal(r.firstInstance());
          if (r.firstInstance().equals(prefix + first) && first % w.getSpec().instances() == 0
              && first / w.getSpec().instances() < Workloads.maxRuns(w)) {
            e.lanes.put(scheduled, first / w.getSpec().instances());
          }
        }
      }
    }
    e.history = RunHistory.of(runs, RunHistory.DEFAULT_LIMIT);
    return e;
  }

  private static Instant created(Workload w) {
    Instant c = instant(w.getMetadata().getCreationTimestamp());
    return c != null ? c : Instant.EPOCH;
  }

  private static Instant instant(String rfc3339) {
    if (rfc3339 == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(rfc3339).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
