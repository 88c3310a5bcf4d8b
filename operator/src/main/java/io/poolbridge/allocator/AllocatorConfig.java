package io.poolbridge.allocator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Allocator settings.
 *
 * @param clock time source of offer filters
 * @param interval period of full allocation cycles; an offer filter lasts at least this long
 * @param seed seed of the agent shuffle: a given seed and sequence of calls yields the same offers
 */
public record AllocatorConfig(Clock clock, Duration interval, long seed) {
  public AllocatorConfig {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(interval, "interval");
  }

  public static AllocatorConfig defaults() {
    return new AllocatorConfig(Clock.systemUTC(), Duration.ofSeconds(1), 0);
  }
}
