package io.poolbridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Fixed cases of {@link CronSchedule}, expectations worked out by hand from the calendar and the tz
 * database's rules (the offsets are written in each expected time). The America/New_York 2012 and
 * America/Sao_Paulo cases are robfig/cron v3's (the library Kubernetes CronJob uses), spec_test.go
 * TestNextWithTz and TestActivation, rewritten as five-field expressions (their first field is
 * seconds).
 */
class CronScheduleTest {

  private static Instant at(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }

  private static Instant next(String cron, String zone, String after) {
    Optional<Instant> n = CronSchedule.parse(cron, zone).next(at(after));
    assertThat(n).as("next of '%s' in %s after %s", cron, zone, after).isPresent();
    return n.get();
  }

  /** The first {@code count} runs strictly after {@code after}. */
  private static List<Instant> runs(String cron, String zone, String after, int count) {
    CronSchedule s = CronSchedule.parse(cron, zone);
    List<Instant> out = new ArrayList<>();
    Instant t = at(after);
    for (int i = 0; i < count; i++) {
      t = s.next(t).orElseThrow();
      out.add(t);
    }
    return out;
  }

  @Test
  void utcEveryFifteenMinutesAndWrapArounds() {
    // robfig TestNext "Simple cases" and "Wrap around": "0 0/15 * * *" from 14:45 is 15:00;
    // "0 20-35/15 * * *" from 15:45 is 16:20; "0 */15 * * *" from 23:46 is 00:00 the next day.
    assertThat(next("0/15 * * * *", null, "2012-07-09T14:45:00Z")).isEqualTo(at("2012-07-09T15:00:00Z"));
    assertThat(next("0/15 * * * *", null, "2012-07-09T14:59:59Z")).isEqualTo(at("2012-07-09T15:00:00Z"));
    assertThat(next("20-35/15 * * * *", "UTC", "2012-07-09T15:45:00Z")).isEqualTo(at("2012-07-09T16:20:00Z"));
    assertThat(next("*/15 * * * *", "UTC", "2012-07-09T23:46:00Z")).isEqualTo(at("2012-07-10T00:00:00Z"));
    // "5/15" is 5-59/15 (robfig TestActivation "0 5/15 * * *"): 23:50 after 23:35.
    assertThat(next("5/15 * * * *", "UTC", "2012-07-09T23:35:00Z")).isEqualTo(at("2012-07-09T23:50:00Z"));
    // Wrap around the year: robfig "0 * * * * *" from Dec 31 23:59:45 is Jan 1 00:00.
    assertThat(next("* * * * *", "", "2012-12-31T23:59:45Z")).isEqualTo(at("2013-01-01T00:00:00Z"));
    // Strictly after: a run at exactly 'after' is not the next one.
    assertThat(next("0 * * * *", "UTC", "2026-06-01T10:00:00Z")).isEqualTo(at("2026-06-01T11:00:00Z"));
  }

  @Test
  void monthAndDayNamesAndMacros() {
    // robfig TestNext "Wrap around months/years": "0 0 0 9 Apr-Oct ?" from Jul 9 23:35 is Aug 9;
    // "0 0 0 * Feb Mon" is Mon Feb 4 2013; "Mon/2" is Mon,Wed,Fri: Fri Feb 1 2013.
    assertThat(next("0 0 9 Apr-Oct ?", "UTC", "2012-07-09T23:35:00Z")).isEqualTo(at("2012-08-09T00:00:00Z"));
    assertThat(next("0 0 * Feb Mon", "UTC", "2012-07-09T23:35:00Z")).isEqualTo(at("2013-02-04T00:00:00Z"));
    assertThat(next("0 0 * Feb Mon/2", "UTC", "2012-07-09T23:35:00Z")).isEqualTo(at("2013-02-01T00:00:00Z"));
    // robfig TestActivation "Predefined schedules": @weekly is Sunday midnight (Sun Jul 8 2012),
    // @monthly the 1st (Sun Jul 1 2012).
    assertThat(next("@weekly", "UTC", "2012-07-07T12:00:00Z")).isEqualTo(at("2012-07-08T00:00:00Z"));
    assertThat(next("@monthly", "UTC", "2012-06-30T12:00:00Z")).isEqualTo(at("2012-07-01T00:00:00Z"));
    assertThat(next("@hourly", "UTC", "2012-07-09T15:04:00Z")).isEqualTo(at("2012-07-09T16:00:00Z"));
    assertThat(next("@daily", "UTC", "2012-07-09T15:00:00Z")).isEqualTo(at("2012-07-10T00:00:00Z"));
    assertThat(next("@midnight", "UTC", "2012-07-09T15:00:00Z")).isEqualTo(at("2012-07-10T00:00:00Z"));
    assertThat(next("@yearly", "UTC", "2012-07-09T15:00:00Z")).isEqualTo(at("2013-01-01T00:00:00Z"));
    assertThat(next("@annually", "UTC", "2012-07-09T15:00:00Z")).isEqualTo(at("2013-01-01T00:00:00Z"));
    // Names in ranges, any case: SUN-MON is Sunday and Monday.
    assertThat(runs("0 0 * * sun-Mon", "UTC", "2012-07-09T15:00:00Z", 2))
        .containsExactly(at("2012-07-15T00:00:00Z"), at("2012-07-16T00:00:00Z"));
    assertThat(next("0 0 1 jul-AUG *", "UTC", "2012-07-09T15:00:00Z")).isEqualTo(at("2012-08-01T00:00:00Z"));
  }

  @Test
  void dayOfMonthOrDayOfWeekWhenBothAreRestricted() {
    // robfig TestActivation: "* * 1,15 * Sun" matches Sun Jul 15, Fri Jun 15 and Wed Aug 1 2012.
    assertThat(runs("0 0 1,15 * Sun", "UTC", "2012-06-14T00:00:00Z", 5)).containsExactly(
        at("2012-06-15T00:00:00Z"), // Friday the 15th
        at("2012-06-17T00:00:00Z"), // Sunday
        at("2012-06-24T00:00:00Z"), // Sunday
        at("2012-07-01T00:00:00Z"), // Sunday the 1st
        at("2012-07-08T00:00:00Z")); // Sunday
    assertThat(runs("0 0 1,15 * Mon", "UTC", "2012-07-09T00:00:00Z", 4)).containsExactly(
        at("2012-07-15T00:00:00Z"), // Sunday the 15th
        at("2012-07-16T00:00:00Z"), // Monday
        at("2012-07-23T00:00:00Z"), // Monday
        at("2012-07-30T00:00:00Z")); // Monday; then Wed Aug 1
    // A stepped star is a restriction (robfig v3, "verifies #70"): "0 0 0 */5 Apr,Aug,Oct Mon"
    // from Mon Jul 9 23:35 2012 is Aug 1 (the 1st, a Wednesday), not the first Monday Aug 6.
    assertThat(next("0 0 */5 Apr,Aug,Oct Mon", "UTC", "2012-07-09T23:35:00Z")).isEqualTo(at("2012-08-01T00:00:00Z"));
    assertThat(next("0 0 */10 * Sun", "UTC", "2012-07-14T00:00:00Z")).isEqualTo(at("2012-07-15T00:00:00Z"));
    // "*/2" (odd days) or Sunday: from Mon Jul 9, Wed Jul 11 (not Sun Jul 15, as AND would give).
    assertThat(next("0 0 */2 * Sun", "UTC", "2012-07-09T00:00:00Z")).isEqualTo(at("2012-07-11T00:00:00Z"));
    // But if one is a star (or ?), both must match: "* * * * Mon" is Mondays only.
    assertThat(next("0 0 * * Mon", "UTC", "2012-07-14T00:00:00Z")).isEqualTo(at("2012-07-16T00:00:00Z"));
    assertThat(next("0 0 ? * Mon", "UTC", "2012-07-14T00:00:00Z")).isEqualTo(at("2012-07-16T00:00:00Z"));
    assertThat(next("0 0 1,15 * *", "UTC", "2012-07-09T00:00:00Z")).isEqualTo(at("2012-07-15T00:00:00Z"));
  }

  @Test
  void february29th() {
    // robfig TestNext "Leap year": "0 0 0 29 Feb ?" from Jul 9 2012 is Mon Feb 29 2016.
    assertThat(next("0 0 29 2 *", "UTC", "2012-07-09T23:35:00Z")).isEqualTo(at("2016-02-29T00:00:00Z"));
    assertThat(next("0 0 29 Feb *", "Europe/Amsterdam", "2026-01-01T00:00:00Z")).isEqualTo(at("2028-02-29T00:00:00+01:00"));
    // 2100 is not a leap year: from March 2096 the next Feb 29 is in 2104, beyond five years.
    assertThat(CronSchedule.parse("0 0 29 2 *", "UTC").next(at("2096-03-01T00:00:00Z"))).isEmpty();
    // Feb 29 OR a Monday: Mondays in between.
    assertThat(next("0 0 29 2 Mon", "UTC", "2028-02-27T00:00:00Z")).isEqualTo(at("2028-02-28T00:00:00Z"));
    assertThat(next("0 0 29 2 Mon", "UTC", "2028-02-28T00:00:00Z")).isEqualTo(at("2028-02-29T00:00:00Z"));
  }

  @Test
  void expressionsThatNeverFireAnswerNoneAtOnce() {
    // robfig TestNext "Unsatisfiable": "0 0 0 30 Feb ?" and "0 0 0 31 Apr ?" give the zero time.
    CronSchedule feb30 = CronSchedule.parse("0 0 30 2 *", "America/New_York");
    assertThat(feb30.neverFires()).isTrue();
    assertThat(feb30.next(at("2026-01-01T00:00:00Z"))).isEmpty();
    assertThat(feb30.previous(at("2026-01-01T00:00:00Z"))).isEmpty();
    assertThat(CronSchedule.parse("0 0 31 4 *", "UTC").next(at("2012-07-09T23:35:00Z"))).isEmpty();
    assertThat(CronSchedule.parse("0 0 31 4,6 Mon", "UTC").neverFires()).isFalse();
  }

  @Test
  void newYorkSpringForward2012AsRobfig() {
    // TestNextWithTz "Daylight savings time 2am EST (-5) -> 3am EDT (-4)":
    // "0 30 2 11 Mar ?" from 2012-03-11T00:00-0500 is 2013-03-11T02:30-0400 (skipped in 2012).
    assertThat(next("30 2 11 Mar *", "America/New_York", "2012-03-11T00:00:00-05:00"))
        .isEqualTo(at("2013-03-11T02:30:00-04:00"));
    // "hourly job": 01:00-0500 -> 03:00-0400 -> 04:00-0400.
    assertThat(runs("0 * * * *", "America/New_York", "2012-03-11T00:00:00-05:00", 4)).containsExactly(
        at("2012-03-11T01:00:00-05:00"), at("2012-03-11T03:00:00-04:00"),
        at("2012-03-11T04:00:00-04:00"), at("2012-03-11T05:00:00-04:00"));
    // "1am nightly job": 2012-03-11T01:00-0500 then 2012-03-12T01:00-0400.
    assertThat(runs("0 1 * * *", "America/New_York", "2012-03-11T00:00:00-05:00", 2))
        .containsExactly(at("2012-03-11T01:00:00-05:00"), at("2012-03-12T01:00:00-04:00"));
    // "2am nightly job (skipped)": from 2012-03-11T00:00-0500 it is 2012-03-12T02:00-0400.
    assertThat(next("0 2 * * *", "America/New_York", "2012-03-11T00:00:00-05:00"))
        .isEqualTo(at("2012-03-12T02:00:00-04:00"));
  }

  @Test
  void newYorkFallBack2012AsRobfig() {
    // TestNextWithTz "Daylight savings time 2am EDT (-4) => 1am EST (-5)":
    // "0 30 2 04 Nov ?" from 00:00-0400 is 02:30-0500; "0 30 1 04 Nov ?" from 01:45-0400 is 01:30-0500.
    assertThat(next("30 2 4 Nov *", "America/New_York", "2012-11-04T00:00:00-04:00")).isEqualTo(at("2012-11-04T02:30:00-05:00"));
    assertThat(next("30 1 4 Nov *", "America/New_York", "2012-11-04T01:45:00-04:00")).isEqualTo(at("2012-11-04T01:30:00-05:00"));
    // "hourly job": 01:00-0400, 01:00-0500, 02:00-0500.
    assertThat(runs("0 * * * *", "America/New_York", "2012-11-04T00:00:00-04:00", 3)).containsExactly(
        at("2012-11-04T01:00:00-04:00"), at("2012-11-04T01:00:00-05:00"), at("2012-11-04T02:00:00-05:00"));
    // "1am nightly job (runs twice)": 01:00-0400, 01:00-0500, then the 5th 01:00-0500.
    assertThat(runs("0 1 * * *", "America/New_York", "2012-11-04T00:00:00-04:00", 3)).containsExactly(
        at("2012-11-04T01:00:00-04:00"), at("2012-11-04T01:00:00-05:00"), at("2012-11-05T01:00:00-05:00"));
    // "2am nightly job" and "3am nightly job": once, in EST.
    assertThat(runs("0 2 * * *", "America/New_York", "2012-11-04T00:00:00-04:00", 2))
        .containsExactly(at("2012-11-04T02:00:00-05:00"), at("2012-11-05T02:00:00-05:00"));
    assertThat(runs("0 3 * * *", "America/New_York", "2012-11-04T00:00:00-04:00", 2))
        .containsExactly(at("2012-11-04T03:00:00-05:00"), at("2012-11-05T03:00:00-05:00"));
    // "Monthly job": "0 0 3 3 * ?" from 2012-11-04T00:00-0400 is 2012-12-03T03:00-0500.
    assertThat(next("0 3 3 * *", "America/New_York", "2012-11-04T00:00:00-04:00")).isEqualTo(at("2012-12-03T03:00:00-05:00"));
  }

  @Test
  void saoPauloMidnightThatDoesNotExist() {
    // robfig issue 157, TestNextWithTz: Brazil's 2018 DST began at midnight (00:00 -> 01:00 on
    // Nov 4). "0 0 9 10 * ?" from 2018-10-17T05:00-0400 is 2018-11-10T06:00-0500 (09:00-02:00);
    // "0 0 9 22 * ?" from 2018-02-14T05:00-0500 is 2018-02-22T07:00-0500 (09:00-03:00, DST over).
    assertThat(next("0 9 10 * *", "America/Sao_Paulo", "2018-10-17T05:00:00-04:00")).isEqualTo(at("2018-11-10T06:00:00-05:00"));
    assertThat(next("0 9 22 * *", "America/Sao_Paulo", "2018-02-14T05:00:00-05:00")).isEqualTo(at("2018-02-22T07:00:00-05:00"));
    // Midnight of 2018-11-04 did not exist there: a daily midnight run skips that day.
    assertThat(runs("0 0 * * *", "America/Sao_Paulo", "2018-11-02T12:00:00-03:00", 2))
        .containsExactly(at("2018-11-03T00:00:00-03:00"), at("2018-11-05T00:00:00-02:00"));
  }

  @Test
  void newYork2026GapAndOverlap() {
    // 2026-03-08: 02:00 EST becomes 03:00 EDT, 02:30 does not exist that day.
    assertThat(runs("30 2 * * *", "America/New_York", "2026-03-07T12:00:00-05:00", 2))
        .containsExactly(at("2026-03-09T02:30:00-04:00"), at("2026-03-10T02:30:00-04:00"));
    // 2026-11-01: 02:00 EDT becomes 01:00 EST, 01:30 happens twice.
    assertThat(runs("30 1 * * *", "America/New_York", "2026-11-01T00:00:00-04:00", 3)).containsExactly(
        at("2026-11-01T01:30:00-04:00"), at("2026-11-01T01:30:00-05:00"), at("2026-11-02T01:30:00-05:00"));
    // Every 20 minutes through the overlap: 01:00..01:40 EDT, then 01:00..01:40 EST, then 02:00 EST.
    assertThat(runs("*/20 * * * *", "America/New_York", "2026-11-01T00:50:00-04:00", 7)).containsExactly(
        at("2026-11-01T01:00:00-04:00"), at("2026-11-01T01:20:00-04:00"), at("2026-11-01T01:40:00-04:00"),
        at("2026-11-01T01:00:00-05:00"), at("2026-11-01T01:20:00-05:00"), at("2026-11-01T01:40:00-05:00"),
        at("2026-11-01T02:00:00-05:00"));
  }

  @Test
  void hourlyAcrossBothChanges() {
    assertThat(runs("@hourly", "America/New_York", "2026-03-08T00:30:00-05:00", 3)).containsExactly(
        at("2026-03-08T01:00:00-05:00"), at("2026-03-08T03:00:00-04:00"), at("2026-03-08T04:00:00-04:00"));
    assertThat(runs("@hourly", "America/New_York", "2026-11-01T00:30:00-04:00", 3)).containsExactly(
        at("2026-11-01T01:00:00-04:00"), at("2026-11-01T01:00:00-05:00"), at("2026-11-01T02:00:00-05:00"));
    // Europe/Amsterdam: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
    assertThat(runs("@hourly", "Europe/Amsterdam", "2026-03-29T01:30:00+01:00", 2))
        .containsExactly(at("2026-03-29T03:00:00+02:00"), at("2026-03-29T04:00:00+02:00"));
    assertThat(runs("@hourly", "Europe/Amsterdam", "2026-10-25T01:30:00+02:00", 3)).containsExactly(
        at("2026-10-25T02:00:00+02:00"), at("2026-10-25T02:00:00+01:00"), at("2026-10-25T03:00:00+01:00"));
  }

  @Test
  void amsterdamGapAndOverlap() {
    assertThat(runs("30 2 * * *", "Europe/Amsterdam", "2026-03-28T12:00:00+01:00", 1))
        .containsExactly(at("2026-03-30T02:30:00+02:00"));
    assertThat(runs("30 2 * * *", "Europe/Amsterdam", "2026-10-25T00:00:00+02:00", 3)).containsExactly(
        at("2026-10-25T02:30:00+02:00"), at("2026-10-25T02:30:00+01:00"), at("2026-10-26T02:30:00+01:00"));
  }

  @Test
  void lordHoweHalfHourShift() {
    // Australia/Lord_Howe: +10:30 standard, +11:00 in summer. 2026-10-04 (first Sunday of
    // October) 02:00 becomes 02:30: 02:15 is skipped that day, 02:45 exists.
    assertThat(next("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T12:00:00+10:30")).isEqualTo(at("2026-10-05T02:15:00+11:00"));
    assertThat(next("45 2 * * *", "Australia/Lord_Howe", "2026-10-03T12:00:00+10:30")).isEqualTo(at("2026-10-04T02:45:00+11:00"));
    assertThat(runs("0,30 * * * *", "Australia/Lord_Howe", "2026-10-04T01:00:00+10:30", 3)).containsExactly(
        at("2026-10-04T01:30:00+10:30"), at("2026-10-04T02:30:00+11:00"), at("2026-10-04T03:00:00+11:00"));
    // 2026-04-05 (first Sunday of April) 02:00 becomes 01:30: 01:45 happens twice.
    assertThat(runs("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T12:00:00+11:00", 3)).containsExactly(
        at("2026-04-05T01:45:00+11:00"), at("2026-04-05T01:45:00+10:30"), at("2026-04-06T01:45:00+10:30"));
    // Hourly: 01:00 and 02:00 once each (02:00 is after the overlap), no hour skipped.
    assertThat(runs("@hourly", "Australia/Lord_Howe", "2026-04-05T00:30:00+11:00", 3)).containsExactly(
        at("2026-04-05T01:00:00+11:00"), at("2026-04-05T02:00:00+10:30"), at("2026-04-05T03:00:00+10:30"));
  }

  @Test
  void kathmanduQuarterHourOffset() {
    // Asia/Kathmandu is +05:45 all year.
    assertThat(next("0 9 * * *", "Asia/Kathmandu", "2026-06-01T00:00:00Z")).isEqualTo(at("2026-06-01T09:00:00+05:45"));
    assertThat(next("0 9 * * *", "Asia/Kathmandu", "2026-06-01T00:00:00Z")).isEqualTo(at("2026-06-01T03:15:00Z"));
    assertThat(next("@hourly", "Asia/Kathmandu", "2026-06-01T00:00:00Z")).isEqualTo(at("2026-06-01T00:15:00Z"));
  }

  @Test
  void previousIsTheLatestRunAtOrBefore() {
    CronSchedule s = CronSchedule.parse("*/20 * * * *", "America/New_York");
    assertThat(s.previous(at("2026-06-01T10:20:00Z"))).contains(at("2026-06-01T10:20:00Z"));
    assertThat(s.previous(at("2026-06-01T10:19:59Z"))).contains(at("2026-06-01T10:00:00Z"));
    // In the overlap the latest run by the clock of the world, not by the wall clock: at
    // 01:10 EST, 01:00 EST (06:00Z) is later than 01:40 EDT (05:40Z).
    assertThat(s.previous(at("2026-11-01T01:10:00-05:00"))).contains(at("2026-11-01T01:00:00-05:00"));
    assertThat(CronSchedule.parse("50 1 * * *", "America/New_York").previous(at("2026-11-01T01:10:00-05:00")))
        .contains(at("2026-11-01T01:50:00-04:00"));
    // The skipped 02:30 of 2026-03-08 is not a previous run either.
    assertThat(CronSchedule.parse("30 2 * * *", "America/New_York").previous(at("2026-03-08T12:00:00-04:00")))
        .contains(at("2026-03-07T02:30:00-05:00"));
    assertThat(CronSchedule.parse("45 1 * * *", "Australia/Lord_Howe").previous(at("2026-04-05T02:00:00+10:30")))
        .contains(at("2026-04-05T01:45:00+10:30"));
  }

  @Test
  void unknownZoneNamesTheField() {
    assertThatThrownBy(() -> CronSchedule.parse("0 * * * *", "Mars/Olympus_Mons"))
        .isInstanceOfSatisfying(InvalidScheduleException.class, e -> {
          assertThat(e.field()).isEqualTo("spec.schedule.timeZone");
          assertThat(e.getMessage()).startsWith("spec.schedule.timeZone: unknown time zone 'Mars/Olympus_Mons'")
              .doesNotContain("Exception").doesNotContain("java.");
        });
    // Offsets are not tz database names (Kubernetes would not load them either).
    assertThatThrownBy(() -> CronSchedule.parse("0 * * * *", "UTC+3"))
        .isInstanceOfSatisfying(InvalidScheduleException.class, e -> assertThat(e.field()).isEqualTo("spec.schedule.timeZone"));
    assertThat(CronSchedule.parse("0 * * * *", null).zone()).isEqualTo(ZoneOffset.UTC);
    assertThat(CronSchedule.parse("0 * * * *", "Etc/UTC").zone().getId()).isEqualTo("Etc/UTC");
  }

  @Test
  void badExpressionsNameTheFieldInPlainWords() {
    for (String bad : List.of("60 * * * *", "* * * *", "* * * * * *", "@every 1h", "@reboot", "TZ=UTC 0 * * *",
        "CRON_TZ=Europe/Amsterdam 0 2 * * *", "0 24 * * *", "0 0 0 * *", "0 0 * 13 *", "0 0 * * 8", "0 0 * * 7", "0 0 * * 5-7", "0 0 * * 1,7", "0 0 * * FOO", "a b c d e", "0 0 L * *", "")) {
      assertThatThrownBy(() -> CronSchedule.parse(bad, "UTC")).as(bad)
          .isInstanceOfSatisfying(InvalidScheduleException.class, e -> {
            assertThat(e.field()).isEqualTo("spec.schedule.cron");
            assertThat(e.getMessage()).startsWith("spec.schedule.cron: ").doesNotContain("Exception").doesNotContain("java.");
          });
    }
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", "UTC")).hasMessageContaining("61");
    // Kubernetes (robfig/cron v3) refuses a day of week 7; so do we, saying what to write instead.
    assertThatThrownBy(() -> CronSchedule.parse("0 0 * * 7", "UTC")).hasMessageContaining("Sunday is 0 or SUN");
    // A step longer than its range is the range's first value: "*/7" in day of week is Sunday,
    // "*/45" in hours is midnight, "10/90" in minutes is :10.
    assertThat(CronSchedule.parse("0 0 * * */7", "UTC").next(at("2012-07-09T15:00:00Z"))).contains(at("2012-07-15T00:00:00Z"));
    assertThat(CronSchedule.parse("10/90 */45 * * *", "UTC").next(at("2012-07-09T15:00:00Z"))).contains(at("2012-07-10T00:10:00Z"));
    // "1/2" in day of week is Mon, Wed, Fri (to Saturday, not round to Sunday): from Fri Jul 13, Mon Jul 16.
    assertThat(CronSchedule.parse("0 0 * * 1/2", "UTC").next(at("2012-07-13T15:00:00Z"))).contains(at("2012-07-16T00:00:00Z"));
    assertThatThrownBy(() -> CronSchedule.parse("TZ=UTC 0 * * *", "UTC")).hasMessageContaining("spec.schedule.timeZone");
  }
}
