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

/**
 * The runs of scheduled Jobs (Metronome's semantics, Kubernetes CronJob's rules): when a scheduled
 * time comes, the allocation loop starts a run ({@link Engine#startRun}) as {@link CronPlanner}
 * decides (never stampeding after downtime, within {@code startingDeadlineSeconds}, by the
 * concurrency policy), and keeps the history of runs for the status. Its state is rebuilt from the
 * record: {@code status.lastScheduleTime} and {@code status.schedule.runs}.
 *
 * <p>A Workload's instances are one set, so two runs of one Workload never overlap: under {@code
 * Allow}, a run due while the previous one is going starts when that one ends (still within {@code
 * startingDeadlineSeconds}), as under {@code Forbid}.
 *
 * <p>Used on the loop's thread only.
 */
final class CronRuns {
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
  boolean decide(Engine engine, Workload w, EngineSnapshot.WorkloadView view, Instant now, boolean changed) {
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
    JobLife job = view == null ? null : view.job();
    boolean active = job != null && job.running();
    for (CronRun r : e.history.running()) {
      if (!active) {
        CronRun.Result result = job != null && job.phase() == JobLife.Phase.SUCCEEDED ? CronRun.Result.SUCCEEDED : CronRun.Result.FAILED;
        Instant end = job != null && job.endedAt() != null ? job.endedAt() : now;
        e.history = e.history.ended(r.scheduledAt(), end, result, result == CronRun.Result.SUCCEEDED ? null : job == null ? null : job.message());
        recordChanged = true;
        changed = true;
      }
    }
    if (!changed && e.wakeAt != null && now.isBefore(e.wakeAt) && e.decision != null) {
      return recordChanged;
    }
    if (job == null) {
      // Not admitted (or not yet taken in by the engine): nothing runs.
      return recordChanged;
    }
    CronDecision d = e.planner.plan(e.lastScheduled, active, now);
    boolean start = d.action() == CronDecision.Action.REPLACE || (d.action() == CronDecision.Action.START && !active);
    if (start) {
      Instant due = d.due().orElseThrow();
      for (CronRun r : e.history.running()) {
        e.history = e.history.ended(r.scheduledAt(), now, CronRun.Result.REPLACED,
            "replaced by the run scheduled at " + StatusConditions.format(due));
      }
      engine.startRun(key, now, "replaced by the run scheduled at " + StatusConditions.format(due));
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
  WorkloadStatus.ScheduleStatus status(String key) {
    Entry e = entries.get(key);
    if (e == null || e.decision == null) {
      return null;
    }
    List<WorkloadStatus.RunStatus> runs = new ArrayList<>();
    for (CronRun r : e.history.runs()) {
      runs.add(new WorkloadStatus.RunStatus(StatusConditions.format(r.scheduledAt()), StatusConditions.format(r.startedAt()),
          r.endedAt() == null ? null : StatusConditions.format(r.endedAt()), name(r.result()), r.reason()));
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
