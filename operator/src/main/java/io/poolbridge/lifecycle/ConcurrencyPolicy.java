package io.poolbridge.lifecycle;

import java.util.Locale;

/**
 * What a scheduled Job does when a run is due while an earlier run is still active
 * ({@code spec.schedule.concurrencyPolicy}, as Kubernetes CronJob's).
 */
public enum ConcurrencyPolicy {
  /** The due run starts alongside the active ones. */
  ALLOW,
  /** The due run does not start while a run is active; it may start once none is (see {@link CronPlanner}). */
  FORBID,
  /** The active runs are stopped and the due run starts. */
  REPLACE;

  /** The policy of a spec value ({@code Allow}, {@code Forbid}, {@code Replace}); ALLOW when null. */
  public static ConcurrencyPolicy of(String specValue) {
    if (specValue == null || specValue.isBlank()) {
      return ALLOW;
    }
    try {
      return valueOf(specValue.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "spec.schedule.concurrencyPolicy: '" + specValue + "' is not one of Allow, Forbid, Replace");
    }
  }
}
