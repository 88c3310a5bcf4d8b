package io.poolbridge.lifecycle;

import java.time.Instant;
import java.util.Objects;

/**
 * One run of a scheduled Job, as its Workload's status shows it (Metronome's job history).
 *
 * @param scheduledAt the scheduled time the run is for; identifies the run (two runs of a
 *     fall-back overlap have different instants)
 * @param startedAt when it was started
 * @param endedAt when it ended; null while {@link Result#RUNNING}
 * @param result how it ended, or RUNNING
 * @param reason a short CamelCase reason for people (e.g. {@code BackoffLimitExceeded},
 *     {@code DeadlineExceeded}); null when there is nothing to add
 */
public record CronRun(Instant scheduledAt, Instant startedAt, Instant endedAt, Result result, String reason) {

  /** The outcome of a run. */
  public enum Result {
    /** Not ended yet. */
    RUNNING,
    /** All its instances completed. */
    SUCCEEDED,
    /** It failed (retries exhausted, deadline passed...). */
    FAILED,
    /** Stopped by concurrencyPolicy Replace for a newer run. */
    REPLACED
  }

  public CronRun {
    Objects.requireNonNull(scheduledAt, "scheduledAt");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(result, "result");
    if ((result == Result.RUNNING) != (endedAt == null)) {
      throw new IllegalArgumentException("a run has an end time exactly when it is no longer RUNNING");
    }
  }

  /** A run just started. */
  public static CronRun started(Instant scheduledAt, Instant startedAt) {
    return new CronRun(scheduledAt, startedAt, null, Result.RUNNING, null);
  }

  /** This run ended at {@code endedAt} with {@code result} (not RUNNING) and an optional reason. */
  public CronRun ended(Instant endedAt, Result result, String reason) {
    Objects.requireNonNull(endedAt, "endedAt");
    if (result == Result.RUNNING) {
      throw new IllegalArgumentException("an ended run has a result other than RUNNING");
    }
    return new CronRun(scheduledAt, startedAt, endedAt, result, reason);
  }

  /** Whether the run has not ended. */
  public boolean running() {
    return result == Result.RUNNING;
  }
}
