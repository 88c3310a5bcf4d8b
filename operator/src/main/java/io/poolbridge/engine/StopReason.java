package io.poolbridge.engine;

/** Why the engine stops a running instance. */
public enum StopReason {
  /** A higher-priority instance, or a role below its guarantee, needed the room. */
  PREEMPTED,
  /** It ran on borrowed (revocable) capacity that its owner took back. */
  REVOKED,
  /** Its node left {@code ACTIVE} (draining, under maintenance, down): it is placed again elsewhere. */
  DRAINED,
  /** Its node left the pool: the instance is lost and placed again elsewhere. */
  LOST,
  /** Another instance of its gang stopped: a gang runs whole or not at all. */
  GANG,
  /** Its framework moved to another role: it is placed again, accounted to the new role. */
  ROLE_CHANGED,
  /** Its workload no longer lists it (scaled down, or a rollout released its surge instance). */
  SCALED_DOWN,
  /** Its workload was deleted, or its framework removed. */
  DELETED,
  /**
   * It ended by itself ({@link Engine#exited}): it succeeded, failed, or its Pod was removed from
   * outside. A Service's instance is placed again (after a back-off when it keeps failing); a Job's
   * is retried or done.
   */
  EXITED,
  /** Its Job failed (its retries or its deadline ran out): its other instances are stopped. */
  JOB_FAILED,
  /** Its scheduled Job's run was replaced by the next one (concurrency policy Replace). */
  REPLACED,
  /**
   * A rollout replaces it ({@link Engine#rollOut}): its Service's template or resources changed, and
   * it is placed again, as a new attempt, with the current resources.
   */
  ROLLED_OUT
}
