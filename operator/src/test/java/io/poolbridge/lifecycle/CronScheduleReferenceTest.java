package io.poolbridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.testing.Seeds;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link CronSchedule#next} and {@link CronSchedule#previous} against an independent reference:
 * random expressions of a small grammar, random tz database zones, random instants of 2020-2030
 * (half of them within hours of one of the zone's offset changes). The reference walks the
 * instants minute by minute and matches each one's wall-clock time in the zone field by field with
 * its own matcher (below, not cron-utils): a run is due at every instant whose wall-clock time
 * matches, which is the whole of the daylight-saving rule (gaps have no such instant, overlaps two).
 * It looks {@link #WINDOW} ahead or back; when it finds nothing there, the schedule must find
 * nothing in the window either.
 */
class CronScheduleReferenceTest {
  private static final Duration WINDOW = Duration.ofDays(40);
  private static final List<String> ZONES = ZoneId.getAvailableZoneIds().stream().sorted().toList();
  private static final List<String> TRICKY = List.of("America/New_York", "Europe/Amsterdam", "Australia/Lord_Howe",
      "Asia/Kathmandu", "Pacific/Chatham", "America/Sao_Paulo", "Europe/Dublin", "Africa/Casablanca",
      "America/St_Johns", "Antarctica/Troll", "Pacific/Apia", "UTC");
  private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  private static final Instant FROM = Instant.parse("2020-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2030-12-31T00:00:00Z");

  @TestFactory
  Stream<DynamicTest> nextAndPreviousAgreeWithAMinuteByMinuteWalk() {
    return Seeds.forEachSeed("cron reference", 300, 20, seed -> {
      Random r = new Random(seed);
      String cron = expression(r);
      String zone = r.nextInt(3) == 0 ? TRICKY.get(r.nextInt(TRICKY.size())) : ZONES.get(r.nextInt(ZONES.size()));
      Instant start = instant(r, ZoneId.of(zone).getRules());
      CronSchedule schedule = CronSchedule.parse(cron, zone);
      Matcher matcher = Matcher.of(cron);
      ZoneRules rules = ZoneId.of(zone).getRules();
      String what = "'" + cron + "' in " + zone + " from " + start;

      Instant after = start;
      for (int step = 0; step < 3; step++) {
        Instant from = after;
        Optional<Instant> expected = referenceNext(matcher, rules, from);
        Optional<Instant> actual = schedule.next(after);
        if (expected.isPresent()) {
          assertThat(actual).as("next after %s of %s", after, what).contains(expected.get());
        } else {
          assertThat(actual.filter(t -> !t.isAfter(from.plus(WINDOW))))
              .as("next after %s of %s (none within %s)", from, what, WINDOW).isEmpty();
          break;
        }
        after = expected.get();
      }
      Optional<Instant> expectedPrevious = referencePrevious(matcher, rules, start);
      Optional<Instant> actualPrevious = schedule.previous(start);
      if (expectedPrevious.isPresent()) {
        assertThat(actualPrevious).as("previous at or before %s of %s", start, what).contains(expectedPrevious.get());
      } else {
        assertThat(actualPrevious.filter(t -> !t.isBefore(start.minus(WINDOW))))
            .as("previous at or before %s of %s (none within %s)", start, what, WINDOW).isEmpty();
      }
    });
  }

  /** The first whole UTC minute strictly after {@code after} whose wall-clock time matches. */
  private static Optional<Instant> referenceNext(Matcher m, ZoneRules rules, Instant after) {
    Instant t = after.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    Instant end = after.plus(WINDOW);
    for (; !t.isAfter(end); t = t.plus(1, ChronoUnit.MINUTES)) {
      if (m.matches(LocalDateTime.ofInstant(t, rules.getOffset(t)))) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The last whole UTC minute at or before {@code atOrBefore} whose wall-clock time matches. */
  private static Optional<Instant> referencePrevious(Matcher m, ZoneRules rules, Instant atOrBefore) {
    Instant t = atOrBefore.truncatedTo(ChronoUnit.MINUTES);
    Instant end = atOrBefore.minus(WINDOW);
    for (; !t.isBefore(end); t = t.minus(1, ChronoUnit.MINUTES)) {
      if (m.matches(LocalDateTime.ofInstant(t, rules.getOffset(t)))) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** A random instant of 2020-2030; half the time within three hours of an offset change. */
  private static Instant instant(Random r, ZoneRules rules) {
    long span = TO.getEpochSecond() - FROM.getEpochSecond();
    Instant t = FROM.plusSeconds((long) (r.nextDouble() * span));
    if (r.nextBoolean()) {
      ZoneOffsetTransition next = rules.nextTransition(t);
      if (next != null && next.getInstant().isBefore(TO)) {
        t = next.getInstant().plusSeconds(r.nextInt(6 * 3600) - 3 * 3600);
      }
    }
    return r.nextInt(3) == 0 ? t.truncatedTo(ChronoUnit.MINUTES) : t;
  }

  // ---- the grammar ----

  static String expression(Random r) {
    if (r.nextInt(10) == 0) {
      String[] macros = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"};
      return macros[r.nextInt(macros.length)];
    }
    String minute = field(r, 0, 59, null, 3);
    String hour = field(r, 0, 23, null, 3);
    String dom = r.nextInt(8) == 0 ? "?" : field(r, 1, 31, null, 2);
    String month = r.nextInt(4) == 0 ? field(r, 1, 12, MONTHS, 0) : "*";
    String dow = r.nextInt(8) == 0 ? "?" : field(r, 0, 6, DAYS, 2);
    return minute + " " + hour + " " + dom + " " + month + " " + dow;
  }

  /** One field: {@code stars} extra chances of "*". */
  private static String field(Random r, int min, int max, String[] names, int stars) {
    int kind = r.nextInt(8 + stars);
    int a = min + r.nextInt(max - min + 1);
    int b = min + r.nextInt(max - min + 1);
    int lo = Math.min(a, b);
    int hi = Math.max(a, b);
    int step = 2 + r.nextInt(Math.max(1, (max - min) / 2));
    return switch (kind) {
      case 0 -> value(r, a, names, max);
      case 1 -> "*/" + step;
      case 2 -> value(r, lo, names, max) + "-" + value(r, hi, names, max);
      case 3 -> lo + "-" + hi + "/" + step;
      case 4 -> value(r, a, names, max) + "," + value(r, b, names, max) + "," + (min + r.nextInt(max - min + 1));
      case 5 -> a + "/" + step;
      case 6 -> "*/1";
      case 7 -> "*," + a;
      default -> "*";
    };
  }

  private static String value(Random r, int v, String[] names, int max) {
    if (names != null && r.nextBoolean()) {
      String name = names[max == 12 ? v - 1 : v];
      return r.nextBoolean() ? name : name.toLowerCase(Locale.ROOT);
    }
    return Integer.toString(v);
  }

  // ---- the reference matcher ----

  /** Standard cron matching of a wall-clock minute, written independently of cron-utils. */
  record Matcher(boolean[] minute, boolean[] hour, boolean[] dom, boolean[] month, boolean[] dow,
                 boolean domStar, boolean dowStar) {

    static Matcher of(String cron) {
      String fields = switch (cron) {
        case "@yearly", "@annually" -> "0 0 1 1 *";
        case "@monthly" -> "0 0 1 * *";
        case "@weekly" -> "0 0 * * 0";
        case "@daily", "@midnight" -> "0 0 * * *";
        case "@hourly" -> "0 * * * *";
        default -> cron;
      };
      String[] f = fields.split(" ");
      boolean[] dow = parse(f[4], 0, 6, DAYS);
      return new Matcher(parse(f[0], 0, 59, null), parse(f[1], 0, 23, null), parse(f[2], 1, 31, null),
          parse(f[3], 1, 12, MONTHS), dow, star(f[2]), star(f[4]));
    }

    /** Vixie/robfig: a day field is "*" when an item is * or ? without a step above one. */
    private static boolean star(String field) {
      for (String item : field.split(",")) {
        if (item.equals("*") || item.equals("?") || item.equals("*/1")) {
          return true;
        }
      }
      return false;
    }

    private static boolean[] parse(String field, int min, int max, String[] names) {
      boolean[] set = new boolean[max + 1];
      for (String item : field.split(",")) {
        String range = item;
        int step = 1;
        int slash = item.indexOf('/');
        if (slash >= 0) {
          range = item.substring(0, slash);
          step = Integer.parseInt(item.substring(slash + 1));
        }
        int lo;
        int hi;
        if (range.equals("*") || range.equals("?")) {
          lo = min;
          hi = max;
        } else if (range.contains("-")) {
          lo = number(range.substring(0, range.indexOf('-')), names, min);
          hi = number(range.substring(range.indexOf('-') + 1), names, min);
        } else {
          lo = number(range, names, min);
          hi = slash >= 0 ? max : lo; // "n/step" runs from n to the end
        }
        for (int v = lo; v <= hi; v += step) {
          set[v] = true;
        }
      }
      return set;
    }

    private static int number(String s, String[] names, int min) {
      if (names != null) {
        for (int i = 0; i < names.length; i++) {
          if (names[i].equalsIgnoreCase(s)) {
            return i + min;
          }
        }
      }
      return Integer.parseInt(s);
    }

    boolean matches(LocalDateTime wall) {
      if (wall.getSecond() != 0 || wall.getNano() != 0) {
        return false;
      }
      boolean domOk = dom[wall.getDayOfMonth()];
      boolean dowOk = dow[wall.getDayOfWeek().getValue() % 7];
      boolean day = domStar || dowStar ? domOk && dowOk : domOk || dowOk;
      return minute[wall.getMinute()] && hour[wall.getHour()] && month[wall.getMonthValue()] && day;
    }
  }
}
