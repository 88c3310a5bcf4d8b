package io.poolbridge.engine;

import java.time.Instant;

/**
 * Where a Job stands: running, succeeded (every instance did) or failed (its retries or its
 * deadline ran out). Part of the record (the Workload's status).
 *
 * @param startedAt when the engine first took the Job in: its {@code activeDeadlineSeconds} counts from here
 * @param succeeded instances that ran to completion
 * @param failures failed attempts, counted against {@code backoffLimit}
 * @param endedAt when it succeeded or failed, or {@code null}
 * @param reason why it ended: {@code Complete}, {@code BackoffLimitExceeded} or {@code DeadlineExceeded}; {@code null} while running
 * @param message the end in words, or {@code null}
 */
public record JobLife(Phase phase, Instant startedAt, int succeeded, int failures, Instant endedAt, String reason, String message) {
  /** Where a Job stands. */
  public enum Phase {
    /** A scheduled Job before its first run: nothing to place until {@link Engine#startRun}. */
    WAITING,
    RUNNING,
    SUCCEEDED,
    FAILED;

    /** Whether a run ended (succeeded or failed). */
    public boolean ended() {
      return this == SUCCEEDED || this == FAILED;
    }
  }

  public static final String COMPLETE = "Complete";
  public static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";

  public JobLife {
    succeeded = Math.max(0, succeeded);
    failures = Math.max(0, failures);
  }

  /** Whether its run ended (succeeded or failed). */
  public boolean ended() {
    return phase.ended();
  }

  /** Whether a run is going on. */
  public boolean running() {
    return phase == Phase.RUNNING;
  }
}
