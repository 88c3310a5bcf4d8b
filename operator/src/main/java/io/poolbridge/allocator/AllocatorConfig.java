package io.poolbridge.allocator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Allocator settings.
 *
 * @param clock time source of offer filters and offer timeouts
 * @param interval period of full allocation cycles; an offer filter lasts at least this long
 * @param seed seed of the agent shuffle: a given seed and sequence of calls yields the same offers
 * @param offerTimeout how long an offer may stay unanswered before it is rescinded, for frameworks
 *     that do not set their own (Mesos' {@code --offer_timeout}); always positive, so a framework
 *     that stopped answering never holds capacity for good
 */
public record AllocatorConfig(Clock clock, Duration interval, long seed, Duration offerTimeout) {
  /**
   * The default offer timeout: a minute, long enough for any live framework to answer (Mesos has
   * none by default; poolbridge bounds every offer).
   */
  public static final Duration DEFAULT_OFFER_TIMEOUT = Duration.ofSeconds(60);

  public AllocatorConfig {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(offerTimeout, "offerTimeout");
    if (offerTimeout.isNegative() || offerTimeout.isZero()) {
      throw new IllegalArgumentException("offer timeout must be positive: " + offerTimeout);
    }
  }

  /** Settings with the default offer timeout. */
  public AllocatorConfig(Clock clock, Duration interval, long seed) {
    this(clock, interval, seed, DEFAULT_OFFER_TIMEOUT);
  }

  public static AllocatorConfig defaults() {
    return new AllocatorConfig(Clock.systemUTC(), Duration.ofSeconds(1), 0);
  }
}
