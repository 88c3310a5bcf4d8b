package io.poolbridge.engine;

import java.time.Instant;

/**
 * What an instance went through, beyond where it runs: how often it ended by itself, how its last
 * run ended, and whether it is held back (backing off before it is placed again, or done). Part of
 * the record (the Workload's status), so that a restarted operator goes on with the same counts.
 *
 * @param restarts how many times the instance ended by itself and was (or will be) placed again
 * @param failuresInRow failures since the last run that lasted {@link LifeBook#STABLE_RUN} or more: what the
 *     back-off grows with
 * @param lastExit how the last run ended, or {@code null} when none did
 * @param lastExitAt when it ended, or {@code null}
 * @param message what the last run's end said (an exit code, an eviction), or {@code null}
 * @param heldUntil when the instance may be placed again, or {@code null} when it is not held back
 *     for a restart
 * @param done whether it is done for good: a Job's instance that succeeded, or every instance of a
 *     Job that failed
 */
public record InstanceLife(
    int restarts, int failuresInRow, Exit lastExit, Instant lastExitAt, String message, Instant heldUntil, boolean done) {
  /** Nothing happened yet. */
  public static final InstanceLife NEW = new InstanceLife(0, 0, null, null, null, null, false);

  public InstanceLife {
    restarts = Math.max(0, restarts);
    failuresInRow = Math.max(0, failuresInRow);
  }

  /** Failures in a row from which an instance is said to be crash-looping. */
  public static final int CRASH_LOOP_AFTER = 3;

  /** Whether it keeps failing: {@link #CRASH_LOOP_AFTER} failures in a row or more, and not done. */
  public boolean crashLooping() {
    return !done && failuresInRow >= CRASH_LOOP_AFTER;
  }

  /** Whether it is backing off at {@code now}: held back for a restart that is not due yet. */
  public boolean backingOff(Instant now) {
    return !done && heldUntil != null && heldUntil.isAfter(now);
  }
}
