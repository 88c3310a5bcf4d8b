package io.poolbridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolbridge.lifecycle.CronRun.Result;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunHistoryTest {
  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  private static Instant hour(int h) {
    return T0.plusSeconds(3600L * h);
  }

  private static CronRun done(int h) {
    return CronRun.started(hour(h), hour(h).plusSeconds(5)).ended(hour(h).plusSeconds(60), Result.SUCCEEDED, null);
  }

  @Test
  void keepsTheTenNewestRunsNewestFirst() {
    RunHistory h = RunHistory.empty();
    for (int i = 0; i < 12; i++) {
      h = h.started(hour(i), hour(i).plusSeconds(5)).ended(hour(i), hour(i).plusSeconds(60), Result.SUCCEEDED, null);
    }
    assertThat(h.runs()).hasSize(10);
    assertThat(h.runs()).extracting(CronRun::scheduledAt)
        .containsExactly(hour(11), hour(10), hour(9), hour(8), hour(7), hour(6), hour(5), hour(4), hour(3), hour(2));
    assertThat(h.latest()).map(CronRun::scheduledAt).contains(hour(11));
  }

  @Test
  void aRunningRunIsNeverDropped() {
    List<CronRun> runs = new ArrayList<>();
    runs.add(CronRun.started(hour(0), hour(0)));
    runs.add(CronRun.started(hour(1), hour(1)));
    runs.add(done(2));
    runs.add(done(3));
    runs.add(CronRun.started(hour(4), hour(4)));
    RunHistory h = RunHistory.of(runs, 3);
    // Three running runs fill the limit of three: no ended run is kept, the old running ones are.
    assertThat(h.runs()).extracting(CronRun::scheduledAt).containsExactly(hour(4), hour(1), hour(0));
    assertThat(h.running()).hasSize(3);
    // Once two have ended, the newest ended ones come back within the limit.
    RunHistory later = h.ended(hour(0), hour(5), Result.FAILED, "BackoffLimitExceeded")
        .ended(hour(1), hour(5), Result.REPLACED, null);
    assertThat(later.runs()).extracting(CronRun::scheduledAt).containsExactly(hour(4), hour(1), hour(0));
    assertThat(later.runs().get(2).result()).isEqualTo(Result.FAILED);
    assertThat(later.runs().get(2).reason()).isEqualTo("BackoffLimitExceeded");
    assertThat(later.running()).extracting(CronRun::scheduledAt).containsExactly(hour(4));
  }

  @Test
  void endingIsRecordedOnceAndUnknownRunsAreIgnored() {
    RunHistory h = RunHistory.empty().started(hour(1), hour(1).plusSeconds(2));
    RunHistory ended = h.ended(hour(1), hour(2), Result.SUCCEEDED, null);
    assertThat(ended.runs().get(0)).isEqualTo(new CronRun(hour(1), hour(1).plusSeconds(2), hour(2), Result.SUCCEEDED, null));
    // A second report of the end (a later reconcile) changes nothing; nor does an unknown run.
    assertThat(ended.ended(hour(1), hour(3), Result.FAILED, "Late")).isEqualTo(ended);
    assertThat(ended.ended(hour(7), hour(8), Result.FAILED, null)).isEqualTo(ended);
  }

  @Test
  void theSameRunsGiveTheSameHistoryInAnyOrder() {
    List<CronRun> runs = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      runs.add(i % 4 == 0 ? CronRun.started(hour(i), hour(i)) : done(i));
    }
    RunHistory reference = RunHistory.of(runs, RunHistory.DEFAULT_LIMIT);
    Random r = new Random(42);
    for (int k = 0; k < 20; k++) {
      List<CronRun> shuffled = new ArrayList<>(runs);
      Collections.shuffle(shuffled, r);
      assertThat(RunHistory.of(shuffled, RunHistory.DEFAULT_LIMIT)).isEqualTo(reference);
    }
    // Runs 0, 4, 8, 12 running are kept; the six newest ended ones fill the ten.
    assertThat(reference.runs()).extracting(CronRun::scheduledAt).containsExactly(
        hour(14), hour(13), hour(12), hour(11), hour(10), hour(9), hour(8), hour(7), hour(4), hour(0));
  }

  @Test
  void aRunIsIdentifiedByItsScheduledTime() {
    RunHistory h = RunHistory.empty().started(hour(1), hour(1)).with(done(1));
    assertThat(h.runs()).containsExactly(done(1));
  }

  @Test
  void aRunEndsExactlyWhenItIsNoLongerRunning() {
    assertThatThrownBy(() -> new CronRun(hour(1), hour(1), hour(2), Result.RUNNING, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CronRun(hour(1), hour(1), null, Result.SUCCEEDED, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CronRun.started(hour(1), hour(1)).ended(hour(2), Result.RUNNING, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunHistory.of(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
