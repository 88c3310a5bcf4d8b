package io.poolbridge.lifecycle;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, for a scheduled Job, which run starts now, which were missed and when to decide again,
 * with Kubernetes CronJob's controller rules (pkg/controller/cronjob: {@code
 * mostRecentScheduleTime} and {@code syncCronJob}):
 *
 * <ul>
 *   <li><b>No stampede.</b> Of the scheduled times after the last scheduled run (or the Workload's
 *       creation when it never ran) and at or before {@code now}, only the MOST RECENT may start
 *       ({@link CronDecision#due()}); the older ones are counted as missed, never started late
 *       one after another after downtime.
 *   <li><b>{@code startingDeadlineSeconds}.</b> When set, the due run starts only if {@code now}
 *       is at most that many seconds after its scheduled time (inclusive); otherwise it is {@link
 *       CronDecision.Action#TOO_LATE} and missed too.
 *   <li><b>{@code concurrencyPolicy}.</b> With a run active: ALLOW starts the due run alongside,
 *       REPLACE stops the active runs and starts it, FORBID skips it for now. A skipped run is not
 *       recorded as scheduled, so once the active run has ended the most recent unmet time starts,
 *       within the deadline (as Kubernetes: "when the previous job run finishes,
 *       startingDeadlineSeconds is still taken into account and may result in a new job run").
 *   <li><b>{@code suspend}.</b> Nothing starts. As in Kubernetes, the times passed while
 *       suspended are not consumed: on resuming, the most recent of them starts at once unless it
 *       is past {@code startingDeadlineSeconds}; the others count as missed.
 * </ul>
 *
 * <p><b>Missed count.</b> The scheduled times since the last run that will never start (see
 * {@link CronDecision#missed()}), counted exactly up to {@link #MISSED_CAP} and reported as
 * "more than" beyond it, as the Kubernetes controller does with its own 100: counting walks at most
 * {@code MISSED_CAP + 1} scheduled times, and the due run is found directly with {@link
 * CronSchedule#previous}, so a decision costs the same after a year of downtime of an
 * every-minute schedule as after one minute.
 *
 * <p>The caller owns the state: after {@link CronDecision.Action#START} or {@link
 * CronDecision.Action#REPLACE} it records {@code due} as the new last scheduled time; after any
 * other action it keeps the old one. Pure and immutable: the same inputs give the same decision.
 */
public final class CronPlanner {
  /** Missed scheduled times beyond this many are reported as "more than" (Kubernetes uses 100 too). */
  public static final int MISSED_CAP = 100;

  private final CronSchedule schedule;
  private final ConcurrencyPolicy policy;
  private final Long startingDeadlineSeconds;
  private final boolean suspend;

  /**
   * @param schedule the parsed {@code spec.schedule.cron} in its {@code timeZone}
   * @param policy {@code spec.schedule.concurrencyPolicy}
   * @param startingDeadlineSeconds {@code spec.schedule.startingDeadlineSeconds}, null when unset
   * @param suspend {@code spec.schedule.suspend}
   */
  public CronPlanner(CronSchedule schedule, ConcurrencyPolicy policy, Long startingDeadlineSeconds, boolean suspend) {
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    this.policy = Objects.requireNonNull(policy, "policy");
    if (startingDeadlineSeconds != null && startingDeadlineSeconds < 0) {
      throw new IllegalArgumentException("spec.schedule.startingDeadlineSeconds must not be negative");
    }
    this.startingDeadlineSeconds = startingDeadlineSeconds;
    this.suspend = suspend;
  }

  public CronSchedule schedule() {
    return schedule;
  }

  /**
   * The decision at {@code now}.
   *
   * @param lastScheduledAt the scheduled time of the last run started (status {@code
   *     lastScheduleTime}), or the Workload's creation time when none has started
   * @param runActive whether a run of this Workload is still active
   * @param now the current time (the injected clock's)
   */
  public CronDecision plan(Instant lastScheduledAt, boolean runActive, Instant now) {
    Objects.requireNonNull(lastScheduledAt, "lastScheduledAt");
    Objects.requireNonNull(now, "now");
    Optional<Instant> due = schedule.previous(now).filter(t -> t.isAfter(lastScheduledAt));
    int unmet = 0;
    boolean more = false;
    if (due.isPresent()) {
      // Count the scheduled times in (lastScheduledAt, due], at most MISSED_CAP + 1 of them.
      Optional<Instant> t = schedule.next(lastScheduledAt);
      while (t.isPresent() && !t.get().isAfter(due.get())) {
        if (unmet == MISSED_CAP + 1) {
          more = true;
          break;
        }
        unmet++;
        t = schedule.next(t.get());
      }
    }
    boolean startable = due.isPresent()
        && (startingDeadlineSeconds == null || !due.get().plusSeconds(startingDeadlineSeconds).isBefore(now));
    int missed = startable ? unmet - 1 : unmet;
    if (more || missed > MISSED_CAP) {
      more = true;
      missed = MISSED_CAP;
    }
    Optional<Instant> next = schedule.next(now);

    CronDecision.Action action;
    if (suspend) {
      action = CronDecision.Action.SUSPENDED;
    } else if (due.isEmpty()) {
      action = CronDecision.Action.NONE;
    } else if (!startable) {
      action = CronDecision.Action.TOO_LATE;
    } else if (runActive && policy == ConcurrencyPolicy.FORBID) {
      action = CronDecision.Action.SKIP_FORBIDDEN;
    } else if (runActive && policy == ConcurrencyPolicy.REPLACE) {
      action = CronDecision.Action.REPLACE;
    } else {
      action = CronDecision.Action.START;
    }
    Optional<Instant> wake = suspend ? Optional.empty() : next;
    return new CronDecision(action, due, missed, more, next, wake);
  }
}
