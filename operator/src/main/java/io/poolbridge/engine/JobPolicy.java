package io.poolbridge.engine;

import java.time.Duration;

/**
 * A Job's retry settings.
 *
 * @param backoffLimit failed attempts allowed: the Job fails at the one after
 * @param activeDeadline how long a run may take from its start, or {@code null} for no deadline
 * @param scheduled whether it runs on a schedule: it then waits ({@link JobLife.Phase#WAITING}) until
 *     a run is started ({@link Engine#startRun}), and between runs
 * @param runSize the instances of one run when runs may overlap (concurrency policy Allow): the
 *     instances with ordinals {@code [k * runSize, (k + 1) * runSize)} are the run of lane {@code k}
 *     ({@link Engine#startRunAlongside}); 0 when one run at a time uses every instance
 */
public record JobPolicy(int backoffLimit, Duration activeDeadline, boolean scheduled, int runSize) {
  /** poolbridge's API default: 3 retries (Kubernetes' Job has 6), no deadline, run once. */
  public static final JobPolicy DEFAULT = new JobPolicy(3, null, false);

  /** A Job run once. */
  public JobPolicy(int backoffLimit, Duration activeDeadline) {
    this(backoffLimit, activeDeadline, false);
  }

  /** One run at a time. */
  public JobPolicy(int backoffLimit, Duration activeDeadline, boolean scheduled) {
    this(backoffLimit, activeDeadline, scheduled, 0);
  }

  public JobPolicy {
    runSize = Math.max(0, runSize);
    backoffLimit = Math.max(0, backoffLimit);
    if (activeDeadline != null && (activeDeadline.isNegative() || activeDeadline.isZero())) {
      activeDeadline = null;
    }
  }
}
