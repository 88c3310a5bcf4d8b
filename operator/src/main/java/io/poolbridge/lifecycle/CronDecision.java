package io.poolbridge.lifecycle;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link CronPlanner#plan} decided for a scheduled Job at one moment.
 *
 * @param action what to do now
 * @param due the run due now: the most recent scheduled time after the last scheduled run and at or
 *     before {@code now} (the only one that may still start; older ones are missed); empty when no
 *     scheduled time passed since the last run. With {@link Action#START} and {@link
 *     Action#REPLACE} it is the run's scheduled time: record it as the new last scheduled time.
 * @param missed scheduled times since the last run that will never start: all of them but {@code
 *     due} while {@code due} may still start, all of them once it may not ({@link
 *     Action#TOO_LATE}); at most {@link CronPlanner#MISSED_CAP}
 * @param missedMore whether more than {@link CronPlanner#MISSED_CAP} were missed ({@code missed}
 *     is then the cap: show it as {@link #missedText()}, e.g. "&gt;100")
 * @param nextScheduledAt the first scheduled time strictly after {@code now}; empty when the
 *     schedule never fires again (within {@link CronSchedule#HORIZON})
 * @param wakeAt when to call {@link CronPlanner#plan} again at the latest: {@code
 *     nextScheduledAt}, or empty while suspended (plan again when the spec changes) or when the
 *     schedule never fires. Also plan again when an active run ends (a run {@link
 *     Action#SKIP_FORBIDDEN} may start then).
 */
public record CronDecision(
    Action action,
    Optional<Instant> due,
    int missed,
    boolean missedMore,
    Optional<Instant> nextScheduledAt,
    Optional<Instant> wakeAt) {

  /** What to do now. */
  public enum Action {
    /** No scheduled time passed since the last run: nothing to start. */
    NONE,
    /** Start a run for {@code due} (alongside any active run under ALLOW). */
    START,
    /** Stop the active runs (policy REPLACE), then start a run for {@code due}. */
    REPLACE,
    /**
     * Do not start {@code due}: a run is active and the policy is FORBID. The last scheduled time
     * stays as it is, so {@code due} (or a later time) starts when the active run has ended, if
     * still within {@code startingDeadlineSeconds} (Kubernetes CronJob's behaviour).
     */
    SKIP_FORBIDDEN,
    /**
     * Do not start {@code due}: more than {@code startingDeadlineSeconds} passed since it (e.g.
     * after downtime); it counts as missed.
     */
    TOO_LATE,
    /** The schedule is suspended: nothing starts; {@code due}, if any, may start on resuming. */
    SUSPENDED
  }

  public CronDecision {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(due, "due");
    Objects.requireNonNull(nextScheduledAt, "nextScheduledAt");
    Objects.requireNonNull(wakeAt, "wakeAt");
    if (missed < 0) {
      throw new IllegalArgumentException("missed < 0");
    }
  }

  /** Whether a run starts now ({@link Action#START} or {@link Action#REPLACE}). */
  public boolean startsRun() {
    return action == Action.START || action == Action.REPLACE;
  }

  /** The missed count for people: "3", or "&gt;100" past the cap. */
  public String missedText() {
    return missedMore ? ">" + missed : Integer.toString(missed);
  }
}
