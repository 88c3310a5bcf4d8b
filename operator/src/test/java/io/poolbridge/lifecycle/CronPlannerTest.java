package io.poolbridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolbridge.lifecycle.CronDecision.Action;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/**
 * {@link CronPlanner} against Kubernetes CronJob's controller rules, worked out by hand: only the
 * most recent unmet time starts, older ones are missed; startingDeadlineSeconds; Allow / Forbid /
 * Replace; suspend. Hourly schedules in UTC unless said otherwise.
 */
class CronPlannerTest {
  private static final CronSchedule HOURLY = CronSchedule.parse("0 * * * *", "UTC");

  private static Instant at(String t) {
    return OffsetDateTime.parse(t).toInstant();
  }

  private static Instant utc(String hhmmss) {
    return at("2026-06-01T" + hhmmss + "Z");
  }

  private static CronPlanner planner(ConcurrencyPolicy policy, Long deadline, boolean suspend) {
    return new CronPlanner(HOURLY, policy, deadline, suspend);
  }

  @Test
  void nothingDueBeforeTheNextScheduledTime() {
    CronDecision d = planner(ConcurrencyPolicy.ALLOW, null, false).plan(utc("10:00:00"), false, utc("10:30:00"));
    assertThat(d.action()).isEqualTo(Action.NONE);
    assertThat(d.due()).isEmpty();
    assertThat(d.missed()).isZero();
    assertThat(d.nextScheduledAt()).contains(utc("11:00:00"));
    assertThat(d.wakeAt()).contains(utc("11:00:00"));
  }

  @Test
  void theRunStartsAtItsScheduledTimeAndTheCreationTimeCountsAsTheLastRun() {
    // Created at 10:30, never ran: 11:00 is the first run.
    CronPlanner p = planner(ConcurrencyPolicy.ALLOW, null, false);
    assertThat(p.plan(utc("10:30:00"), false, utc("10:59:59")).action()).isEqualTo(Action.NONE);
    CronDecision d = p.plan(utc("10:30:00"), false, utc("11:00:00"));
    assertThat(d.action()).isEqualTo(Action.START);
    assertThat(d.startsRun()).isTrue();
    assertThat(d.due()).contains(utc("11:00:00"));
    assertThat(d.missed()).isZero();
    assertThat(d.wakeAt()).contains(utc("12:00:00"));
    // Recorded as the last run, it is not due again.
    assertThat(p.plan(utc("11:00:00"), true, utc("11:00:02")).action()).isEqualTo(Action.NONE);
  }

  @Test
  void afterDowntimeOnlyTheMostRecentRunStartsAndTheOthersAreMissed() {
    // Last run 10:00, the operator down until 15:30: 11, 12, 13, 14 and 15 passed. Only 15:00
    // starts (no stampede of five runs); 11-14 are missed.
    CronDecision d = planner(ConcurrencyPolicy.ALLOW, null, false).plan(utc("10:00:00"), false, utc("15:30:00"));
    assertThat(d.action()).isEqualTo(Action.START);
    assertThat(d.due()).contains(utc("15:00:00"));
    assertThat(d.missed()).isEqualTo(4);
    assertThat(d.missedMore()).isFalse();
    assertThat(d.missedText()).isEqualTo("4");
    assertThat(d.nextScheduledAt()).contains(utc("16:00:00"));
  }

  @Test
  void startingDeadlineSecondsLimitsHowLateTheDueRunMayStart() {
    CronPlanner p = planner(ConcurrencyPolicy.ALLOW, 600L, false);
    // 5 minutes late: within the 10-minute deadline.
    CronDecision inTime = p.plan(utc("10:00:00"), false, utc("15:05:00"));
    assertThat(inTime.action()).isEqualTo(Action.START);
    assertThat(inTime.due()).contains(utc("15:00:00"));
    assertThat(inTime.missed()).isEqualTo(4);
    // Exactly at the deadline still starts; a second later it is too late and missed as well.
    assertThat(p.plan(utc("10:00:00"), false, utc("15:10:00")).action()).isEqualTo(Action.START);
    CronDecision late = p.plan(utc("10:00:00"), false, utc("15:10:01"));
    assertThat(late.action()).isEqualTo(Action.TOO_LATE);
    assertThat(late.startsRun()).isFalse();
    assertThat(late.due()).contains(utc("15:00:00"));
    assertThat(late.missed()).isEqualTo(5);
    assertThat(late.wakeAt()).contains(utc("16:00:00"));
    // Deadline 0: only at the scheduled second itself.
    CronPlanner zero = planner(ConcurrencyPolicy.ALLOW, 0L, false);
    assertThat(zero.plan(utc("10:00:00"), false, utc("11:00:00")).action()).isEqualTo(Action.START);
    assertThat(zero.plan(utc("10:00:00"), false, utc("11:00:01")).action()).isEqualTo(Action.TOO_LATE);
  }

  @Test
  void missedRunsAreCountedUpToOneHundredThenReportedAsMore() {
    CronPlanner everyMinute = new CronPlanner(CronSchedule.parse("* * * * *", "UTC"), ConcurrencyPolicy.ALLOW, null, false);
    // 10:01 .. 11:41 is 101 scheduled times: 11:41 starts, exactly 100 missed.
    CronDecision hundred = everyMinute.plan(utc("10:00:00"), false, utc("11:41:00"));
    assertThat(hundred.due()).contains(utc("11:41:00"));
    assertThat(hundred.missed()).isEqualTo(100);
    assertThat(hundred.missedMore()).isFalse();
    // One more: 101 missed, reported as more than 100.
    CronDecision more = everyMinute.plan(utc("10:00:00"), false, utc("11:42:00"));
    assertThat(more.missed()).isEqualTo(100);
    assertThat(more.missedMore()).isTrue();
    assertThat(more.missedText()).isEqualTo(">100");
    // Six years of minutes down (over three million): still one run, the latest, and ">100".
    CronDecision years = everyMinute.plan(at("2020-01-01T00:00:00Z"), false, at("2026-01-01T00:00:30Z"));
    assertThat(years.action()).isEqualTo(Action.START);
    assertThat(years.due()).contains(at("2026-01-01T00:00:00Z"));
    assertThat(years.missedText()).isEqualTo(">100");
    assertThat(years.nextScheduledAt()).contains(at("2026-01-01T00:01:00Z"));
  }

  @Test
  void allowRunsAlongsideTheActiveRun() {
    CronDecision d = planner(ConcurrencyPolicy.ALLOW, null, false).plan(utc("10:00:00"), true, utc("11:00:10"));
    assertThat(d.action()).isEqualTo(Action.START);
    assertThat(d.due()).contains(utc("11:00:00"));
  }

  @Test
  void replaceStopsTheActiveRunAndStartsTheDueOne() {
    CronPlanner p = planner(ConcurrencyPolicy.REPLACE, null, false);
    CronDecision d = p.plan(utc("10:00:00"), true, utc("11:00:10"));
    assertThat(d.action()).isEqualTo(Action.REPLACE);
    assertThat(d.startsRun()).isTrue();
    assertThat(d.due()).contains(utc("11:00:00"));
    // Nothing active: a plain start.
    assertThat(p.plan(utc("10:00:00"), false, utc("11:00:10")).action()).isEqualTo(Action.START);
  }

  @Test
  void forbidSkipsWhileARunIsActiveAndStartsTheLatestUnmetTimeWhenItEnds() {
    CronPlanner p = planner(ConcurrencyPolicy.FORBID, null, false);
    // The 10:00 run still active at 11:00: 11:00 does not start.
    CronDecision skipped = p.plan(utc("10:00:00"), true, utc("11:00:10"));
    assertThat(skipped.action()).isEqualTo(Action.SKIP_FORBIDDEN);
    assertThat(skipped.startsRun()).isFalse();
    assertThat(skipped.due()).contains(utc("11:00:00"));
    assertThat(skipped.missed()).isZero();
    // Still active at 13:10 (last scheduled time still 10:00): 13:00 waits, 11:00 and 12:00 are missed.
    CronDecision stillActive = p.plan(utc("10:00:00"), true, utc("13:10:00"));
    assertThat(stillActive.action()).isEqualTo(Action.SKIP_FORBIDDEN);
    assertThat(stillActive.due()).contains(utc("13:00:00"));
    assertThat(stillActive.missed()).isEqualTo(2);
    // The run ended at 13:40: 13:00 starts late (no deadline), as Kubernetes does.
    CronDecision after = p.plan(utc("10:00:00"), false, utc("13:40:00"));
    assertThat(after.action()).isEqualTo(Action.START);
    assertThat(after.due()).contains(utc("13:00:00"));
    assertThat(after.missed()).isEqualTo(2);
    // With a 10-minute deadline, 13:00 is too late at 13:40 and waits for 14:00.
    CronDecision tooLate = planner(ConcurrencyPolicy.FORBID, 600L, false).plan(utc("10:00:00"), false, utc("13:40:00"));
    assertThat(tooLate.action()).isEqualTo(Action.TOO_LATE);
    assertThat(tooLate.missed()).isEqualTo(3);
    assertThat(tooLate.wakeAt()).contains(utc("14:00:00"));
  }

  @Test
  void suspendedStartsNothingAndResumingStartsTheLatestMissedTimeUnlessTooLate() {
    CronDecision suspended = planner(ConcurrencyPolicy.ALLOW, null, true).plan(utc("10:00:00"), false, utc("13:10:00"));
    assertThat(suspended.action()).isEqualTo(Action.SUSPENDED);
    assertThat(suspended.startsRun()).isFalse();
    assertThat(suspended.due()).contains(utc("13:00:00"));
    assertThat(suspended.missed()).isEqualTo(2);
    assertThat(suspended.wakeAt()).isEmpty();
    assertThat(suspended.nextScheduledAt()).contains(utc("14:00:00"));
    // Kubernetes: "executions that are suspended during their scheduled time count as missed
    // jobs"; without a deadline the latest starts at once on resuming.
    CronDecision resumed = planner(ConcurrencyPolicy.ALLOW, null, false).plan(utc("10:00:00"), false, utc("13:20:00"));
    assertThat(resumed.action()).isEqualTo(Action.START);
    assertThat(resumed.due()).contains(utc("13:00:00"));
    assertThat(resumed.missed()).isEqualTo(2);
    // With a 10-minute deadline, resuming at 13:20 starts nothing: all three are missed.
    CronDecision resumedLate = planner(ConcurrencyPolicy.ALLOW, 600L, false).plan(utc("10:00:00"), false, utc("13:20:00"));
    assertThat(resumedLate.action()).isEqualTo(Action.TOO_LATE);
    assertThat(resumedLate.missed()).isEqualTo(3);
    CronDecision suspendedLate = planner(ConcurrencyPolicy.ALLOW, 600L, true).plan(utc("10:00:00"), false, utc("13:20:00"));
    assertThat(suspendedLate.action()).isEqualTo(Action.SUSPENDED);
    assertThat(suspendedLate.missed()).isEqualTo(3);
  }

  @Test
  void daylightSavingRunsAreScheduledTimesLikeAnyOther() {
    CronPlanner overlap = new CronPlanner(CronSchedule.parse("30 1 * * *", "America/New_York"), ConcurrencyPolicy.ALLOW, null, false);
    // 01:30 EDT ran; at 01:31 EST the second 01:30 of 2026-11-01 is due.
    CronDecision second = overlap.plan(at("2026-11-01T01:30:00-04:00"), false, at("2026-11-01T01:31:00-05:00"));
    assertThat(second.action()).isEqualTo(Action.START);
    assertThat(second.due()).contains(at("2026-11-01T01:30:00-05:00"));
    assertThat(second.nextScheduledAt()).contains(at("2026-11-02T01:30:00-05:00"));
    // 02:30 does not exist on 2026-03-08: nothing was due, nothing missed.
    CronPlanner gap = new CronPlanner(CronSchedule.parse("30 2 * * *", "America/New_York"), ConcurrencyPolicy.ALLOW, null, false);
    CronDecision none = gap.plan(at("2026-03-07T02:30:00-05:00"), false, at("2026-03-08T12:00:00-04:00"));
    assertThat(none.action()).isEqualTo(Action.NONE);
    assertThat(none.missed()).isZero();
    assertThat(none.wakeAt()).contains(at("2026-03-09T02:30:00-04:00"));
  }

  @Test
  void aScheduleThatNeverFiresNeverWakes() {
    CronDecision d = new CronPlanner(CronSchedule.parse("0 0 30 2 *", "UTC"), ConcurrencyPolicy.ALLOW, null, false)
        .plan(utc("10:00:00"), false, utc("11:00:00"));
    assertThat(d.action()).isEqualTo(Action.NONE);
    assertThat(d.nextScheduledAt()).isEmpty();
    assertThat(d.wakeAt()).isEmpty();
  }

  @Test
  void aClockBehindTheLastRunStartsNothing() {
    CronDecision d = planner(ConcurrencyPolicy.ALLOW, null, false).plan(utc("12:00:00"), false, utc("11:30:00"));
    assertThat(d.action()).isEqualTo(Action.NONE);
    assertThat(d.missed()).isZero();
  }

  @Test
  void policyNamesAsTheSpecWritesThem() {
    assertThat(ConcurrencyPolicy.of(null)).isEqualTo(ConcurrencyPolicy.ALLOW);
    assertThat(ConcurrencyPolicy.of("Forbid")).isEqualTo(ConcurrencyPolicy.FORBID);
    assertThat(ConcurrencyPolicy.of("Replace")).isEqualTo(ConcurrencyPolicy.REPLACE);
    assertThatThrownBy(() -> ConcurrencyPolicy.of("Sometimes"))
        .hasMessage("spec.schedule.concurrencyPolicy: 'Sometimes' is not one of Allow, Forbid, Replace");
  }
}
