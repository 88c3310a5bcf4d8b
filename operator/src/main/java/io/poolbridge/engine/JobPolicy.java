package io.poolbridge.engine;

import java.time.Duration;

/**
 * A Job's retry settings.
 *
 * @param backoffLimit failed attempts allowed: the Job fails at the one after
 * @param activeDeadline how long the Job may take from its start, or {@code null} for no deadline
 */
public record JobPolicy(int backoffLimit, Duration activeDeadline) {
  /** Kubernetes' Job defaults: 6 retries there; poolbridge's API defaults to 3 (Metronome's maxLaunchDelay aside). */
  public static final JobPolicy DEFAULT = new JobPolicy(3, null);

  public JobPolicy {
    backoffLimit = Math.max(0, backoffLimit);
    if (activeDeadline != null && (activeDeadline.isNegative() || activeDeadline.isZero())) {
      activeDeadline = null;
    }
  }
}
