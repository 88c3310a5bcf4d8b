package io.poolbridge.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when told to: simulated time for {@code Simulation}, benchmarks and
 * tests (offer filters expire by it). Starts at the epoch, in UTC.
 */
public class ManualClock extends Clock {
  private long millis;

  /** Moves the clock forward. */
  public void advance(Duration d) {
    millis += d.toMillis();
  }

  /**
   * Moves the clock to {@code t}, or leaves it where it is when {@code t} is earlier: simulated
   * time never runs backwards.
   */
  public void moveTo(Instant t) {
    millis = Math.max(millis, t.toEpochMilli());
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
