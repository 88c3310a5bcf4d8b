package io.poolbridge.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The wall clock, run ahead on demand: an operator test moves the operator's time past a grace
 * period, a back-off or a scheduled run instead of waiting for it, while the clock still moves on
 * by itself (the loop's waits stay real).
 */
final class AheadClock extends Clock {
  private final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

  /** Runs {@code by} further ahead. */
  void advance(Duration by) {
    ahead.updateAndGet(a -> a.plus(by));
  }

  /** Runs {@code by} ahead of the wall clock. */
  void setAhead(Duration by) {
    ahead.set(by);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(ahead.get());
  }
}
