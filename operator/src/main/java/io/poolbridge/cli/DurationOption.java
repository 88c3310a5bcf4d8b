package io.poolbridge.cli;

import io.poolbridge.estate.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A duration flag as Kubernetes users write one ({@code 500ms}, {@code 90s}, {@code 1h30m}), within bounds. */
abstract class DurationOption implements ITypeConverter<Duration> {
  private final Duration min;
  private final Duration max;

  DurationOption(Duration min, Duration max) {
    this.min = min;
    this.max = max;
  }

  @Override
  public Duration convert(String value) {
    Duration d;
    try {
      d = Durations.parse(value.trim());
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not a duration such as 500ms, 90s, 15m or 1h30m");
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new TypeConversionException(value + ": must be between " + human(min) + " and " + human(max));
    }
    return d;
  }

  /** {@code 100ms}, {@code 1s}, {@code 10m}, {@code 1h}. */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }

  /** {@code poolbridge run --allocation-interval}: 100ms to 1h. */
  static final class AllocationInterval extends DurationOption {
    AllocationInterval() {
      super(Duration.ofMillis(100), Duration.ofHours(1));
    }
  }

  /** {@code poolbridge demo --timeout}: 1s to 1h. */
  static final class Timeout extends DurationOption {
    Timeout() {
      super(Duration.ofSeconds(1), Duration.ofHours(1));
    }
  }
}
