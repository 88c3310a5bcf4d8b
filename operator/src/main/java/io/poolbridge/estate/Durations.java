package io.poolbridge.estate;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as Kubernetes and Mesos users write them: {@code 90s}, {@code 1h30m}, {@code 250ms}. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

  private Durations() {}

  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = PART.matcher(text);
    double millis = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      double value = Double.parseDouble(m.group(1));
      millis += switch (m.group(2)) {
        case "ms" -> value;
        case "s" -> value * 1_000;
        case "m" -> value * 60_000;
        default -> value * 3_600_000;
      };
      end = m.end();
    }
    if (end != text.length()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 90s, 15m or 1h30m");
    }
    return Duration.ofMillis(Math.round(millis));
  }
}
