package io.poolbridge.lifecycle;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Workload's cron schedule ({@code spec.schedule.cron} read in {@code spec.schedule.timeZone}):
 * the instants at which its runs are due, as a Kubernetes CronJob with the same {@code schedule}
 * and {@code timeZone} would have them.
 *
 * <p><b>Expressions.</b> Five fields, minute hour day-of-month month day-of-week, in the standard
 * (Vixie/Unix) syntax Kubernetes accepts: {@code *}, {@code ?} (day fields), lists, ranges, steps
 * ({@code *}{@code /15}, {@code 1-30/10}, {@code 5/15} = from 5 on), month and day names ({@code
 * Jan}, {@code mon}); day of week 0-6 from Sunday (7 is refused, as Kubernetes refuses it). Or one of {@code
 * @yearly @annually @monthly @weekly @daily @midnight @hourly}. When both day fields are
 * restricted a day matches if EITHER does (Vixie cron, robfig/cron v3 as Kubernetes uses it); a
 * day field counts as unrestricted when one of its list items is {@code *} or {@code ?} without a
 * step greater than 1 (so {@code *}{@code /5} is a restriction, as in robfig/cron v3). The fields
 * are parsed by cron-utils; {@code TZ=} / {@code CRON_TZ=} prefixes are refused (the zone goes in
 * {@code timeZone}, as Kubernetes requires).
 *
 * <p><b>Time zones and daylight saving.</b> The expression matches local wall-clock times of the
 * zone (IANA id, UTC when none). A run is due at every instant whose wall-clock time in the zone
 * matches: a wall-clock time that does not exist (a spring-forward gap) is skipped that day, and
 * one that exists twice (a fall-back overlap) runs twice, once per offset. These are robfig/cron
 * v3's results (its spec_test.go TestNextWithTz cases for America/New_York on 2012-03-11 and
 * 2012-11-04), hence Kubernetes CronJob's. Implementation: the instant line is cut at the zone's
 * offset transitions; on each piece the offset is constant, so cron-utils searches the matching
 * wall-clock times on a zone-free {@link LocalDateTime} (no daylight saving there) and each match
 * inside the piece maps back to exactly one instant.
 *
 * <p><b>Never.</b> A schedule with no run within {@link #HORIZON} (five years of wall-clock time,
 * robfig/cron's own limit) of the start of a search has no next or previous run: {@code 0 0 30 2 *}
 * never fires, and the search stops rather than looping.
 *
 * <p>Immutable and thread-safe.
 */
public final class CronSchedule {
  /** The spec field of the expression, named in errors. */
  public static final String CRON_FIELD = "spec.schedule.cron";
  /** The spec field of the time zone, named in errors. */
  public static final String TIME_ZONE_FIELD = "spec.schedule.timeZone";
  /** How far (wall-clock time) a search for the next or previous run looks before answering none. */
  public static final Period HORIZON = Period.ofYears(5);

  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  private static final List<String> MONTH_NAMES =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAY_NAMES = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  private static final Pattern NAME = Pattern.compile("[A-Za-z]+");
  /** A 7 as a value of the day-of-week field (not as a step). */
  private static final Pattern SEVEN = Pattern.compile("(^|[,-])0*7($|[,/-])");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
  private static final Pattern STEPPED_RANGE = Pattern.compile("([0-9]{1,9})-([0-9]{1,9})/([0-9]{1,9})");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern STAR_ITEM = Pattern.compile("^[*?](/0*1)?$");
  private static final Pattern CLASS_NAME = Pattern.compile("\\b[a-z]+(\\.[a-z]+)+\\.[A-Z]|Exception");
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  /**
   * Where the "does it ever fire" check starts: cron-utils searches without a horizon, and whether
   * an expression ever matches does not depend on where the search starts.
   */
  private static final LocalDateTime PROBE = LocalDateTime.of(2001, 1, 1, 0, 0);

  private final String expression;
  private final ZoneId zone;
  private final ZoneRules rules;
  /** One or two cron-utils schedules whose union is the expression (see the class comment). */
  private final List<ExecutionTime> parts;
  private final boolean neverFires;

  private CronSchedule(String expression, ZoneId zone, List<ExecutionTime> parts) {
    this.expression = expression;
    this.zone = zone;
    this.rules = zone.getRules();
    this.parts = List.copyOf(parts);
    this.neverFires = firstWallAfter(PROBE).isEmpty();
  }

  /**
   * The schedule of {@code cron} in {@code timeZone} (an IANA id such as {@code Europe/Amsterdam};
   * UTC when null or blank).
   *
   * @throws InvalidScheduleException naming {@link #CRON_FIELD} or {@link #TIME_ZONE_FIELD}
   */
  public static CronSchedule parse(String cron, String timeZone) {
    ZoneId zone = zone(timeZone);
    if (cron == null || cron.isBlank()) {
      throw new InvalidScheduleException(CRON_FIELD, "a cron expression is required, e.g. '0 2 * * *'");
    }
    String trimmed = cron.trim();
    if (trimmed.startsWith("TZ=") || trimmed.startsWith("CRON_TZ=")) {
      throw new InvalidScheduleException(CRON_FIELD,
          "a time zone in the expression is not supported; set " + TIME_ZONE_FIELD + " instead");
    }
    String fiveFields = trimmed;
    if (trimmed.startsWith("@")) {
      fiveFields = MACROS.get(trimmed);
      if (fiveFields == null) {
        throw new InvalidScheduleException(CRON_FIELD, "unknown macro '" + trimmed
            + "'; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly, or five fields");
      }
    }
    String[] f = WHITESPACE.split(fiveFields);
    if (f.length != 5) {
      throw new InvalidScheduleException(CRON_FIELD, "'" + trimmed + "' has " + f.length
          + " fields; a cron expression has five: minute hour day-of-month month day-of-week");
    }
    f[3] = names(f[3], MONTH_NAMES, 1);
    f[4] = names(f[4], DAY_NAMES, 0);
    if (SEVEN.matcher(f[4]).find()) {
      throw new InvalidScheduleException(CRON_FIELD, "'" + trimmed
          + "': day of week 7 is not accepted (as in Kubernetes); Sunday is 0 or SUN");
    }
    boolean domStar = isStar(f[2]);
    boolean dowStar = isStar(f[4]);
    int[] min = {0, 0, 1, 1, 0};
    int[] max = {59, 23, 31, 12, 6};
    for (int i = 0; i < 5; i++) {
      f[i] = explicitSteps(f[i], min[i], max[i]);
    }
    String head = f[0] + " " + f[1] + " ";
    List<String> unions = new ArrayList<>();
    if (!domStar && !dowStar) {
      // Either day field matching is enough: the union of one schedule per day field.
      unions.add(head + f[2] + " " + f[3] + " *");
      unions.add(head + "* " + f[3] + " " + f[4]);
    } else {
      unions.add(head + (domStar ? "*" : f[2]) + " " + f[3] + " " + (dowStar ? "*" : f[4]));
    }
    List<ExecutionTime> parts = new ArrayList<>();
    for (String u : unions) {
      parts.add(ExecutionTime.forCron(parseFields(trimmed, u)));
    }
    return new CronSchedule(trimmed, zone, parts);
  }

  /** The zone of a {@code timeZone} field: UTC when empty, else a tz database id. */
  public static ZoneId zone(String timeZone) {
    if (timeZone == null || timeZone.isBlank()) {
      return ZoneOffset.UTC;
    }
    String id = timeZone.trim();
    if (!ZoneId.getAvailableZoneIds().contains(id)) {
      throw new InvalidScheduleException(TIME_ZONE_FIELD,
          "unknown time zone '" + id + "'; use a tz database name such as Europe/Amsterdam or America/New_York");
    }
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new InvalidScheduleException(TIME_ZONE_FIELD, "unknown time zone '" + id + "'");
    }
  }

  private static Cron parseFields(String original, String fields) {
    try {
      Cron cron = PARSER.parse(fields);
      cron.validate();
      return cron;
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? "" : e.getMessage().replace("Failed to parse cron expression.", "").trim();
      if (why.isEmpty() || CLASS_NAME.matcher(why).find()) {
        why = "not a valid cron expression";
      }
      throw new InvalidScheduleException(CRON_FIELD, "'" + original + "': " + why);
    }
  }

  /**
   * The field with month or day names (any case) replaced by their numbers: cron-utils reads SUN
   * as 7, which breaks ranges such as {@code SUN-MON}. Unknown names are left for the parser to
   * refuse.
   */
  private static String names(String field, List<String> names, int first) {
    return NAME.matcher(field).replaceAll(m -> {
      int i = names.indexOf(m.group().toUpperCase(Locale.ROOT));
      return i < 0 ? m.group() : Integer.toString(i + first);
    });
  }

  /**
   * The field with its steps spelled out as robfig/cron and Vixie cron read them: {@code n/step}
   * is {@code n-max/step}, {@code *}{@code /step} is {@code min-max/step}, and a step longer than
   * its range is the range's first value alone ({@code *}{@code /7} in day of week is Sunday).
   * cron-utils alone would differ: its day-of-week range runs to 7 (Sunday again), so {@code 1/2}
   * would include Sunday, and it refuses a step longer than its range.
   */
  private static String explicitSteps(String field, int min, int max) {
    List<String> items = new ArrayList<>();
    for (String item : field.split(",", -1)) {
      int slash = item.indexOf('/');
      if (slash > 0) {
        String range = item.substring(0, slash);
        String step = item.substring(slash + 1);
        if (range.equals("*")) {
          range = min + "-" + max;
        } else if (DIGITS.matcher(range).matches()) {
          range = range + "-" + max;
        }
        item = range + "/" + step;
        java.util.regex.Matcher m = STEPPED_RANGE.matcher(item);
        if (m.matches()) {
          long from = Long.parseLong(m.group(1));
          long to = Long.parseLong(m.group(2));
          long by = Long.parseLong(m.group(3));
          if (by > 0 && from <= to && by > to - from) {
            item = m.group(1);
          }
        }
      }
      items.add(item);
    }
    return String.join(",", items);
  }

  /** A day field is unrestricted when one of its items is * or ? with no step above 1 (robfig/cron v3). */
  private static boolean isStar(String field) {
    for (String item : field.split(",", -1)) {
      if (STAR_ITEM.matcher(item).matches()) {
        return true;
      }
    }
    return false;
  }

  /** The expression as written (trimmed). */
  public String expression() {
    return expression;
  }

  /** The zone the expression is read in. */
  public ZoneId zone() {
    return zone;
  }

  /** Whether the schedule has no run at all (e.g. {@code 0 0 30 2 *}, February 30th). */
  public boolean neverFires() {
    return neverFires;
  }

  /**
   * The first scheduled instant strictly after {@code after}; empty when there is none within
   * {@link #HORIZON} of wall-clock time.
   */
  public Optional<Instant> next(Instant after) {
    Objects.requireNonNull(after, "after");
    if (neverFires) {
      return Optional.empty();
    }
    LocalDateTime limit = LocalDateTime.ofInstant(after, rules.getOffset(after)).plus(HORIZON);
    Instant cursor = after;
    boolean inclusive = false;
    while (true) {
      // The piece of the instant line from the cursor to the next offset transition.
      ZoneOffset offset = rules.getOffset(cursor);
      ZoneOffsetTransition end = rules.nextTransition(cursor);
      LocalDateTime wall = LocalDateTime.ofInstant(cursor, offset);
      if (wall.isAfter(limit)) {
        return Optional.empty();
      }
      Optional<LocalDateTime> match = firstWallAfter(inclusive ? wall.minusNanos(1) : wall);
      if (match.isEmpty() || match.get().isAfter(limit)) {
        return Optional.empty();
      }
      Instant at = match.get().toInstant(offset);
      if (end == null || at.isBefore(end.getInstant())) {
        return Optional.of(at);
      }
      // Past the piece: wall-clock times in a gap have no instant and are skipped; the next piece
      // starts again at its own wall-clock time, so times in an overlap are found a second time.
      cursor = end.getInstant();
      inclusive = true;
    }
  }

  /**
   * The last scheduled instant at or before {@code atOrBefore}; empty when there is none within
   * {@link #HORIZON} of wall-clock time.
   */
  public Optional<Instant> previous(Instant atOrBefore) {
    Objects.requireNonNull(atOrBefore, "atOrBefore");
    if (neverFires) {
      return Optional.empty();
    }
    LocalDateTime limit = LocalDateTime.ofInstant(atOrBefore, rules.getOffset(atOrBefore)).minus(HORIZON);
    Instant cursor = atOrBefore;
    while (true) {
      // The piece of the instant line from the offset transition at or before the cursor to it.
      ZoneOffset offset = rules.getOffset(cursor);
      ZoneOffsetTransition start = rules.previousTransition(cursor.plusNanos(1));
      LocalDateTime wall = LocalDateTime.ofInstant(cursor, offset);
      if (wall.isBefore(limit)) {
        return Optional.empty();
      }
      Optional<LocalDateTime> match = lastWallAtOrBefore(wall);
      if (match.isEmpty() || match.get().isBefore(limit)) {
        return Optional.empty();
      }
      Instant at = match.get().toInstant(offset);
      if (start == null || !at.isBefore(start.getInstant())) {
        return Optional.of(at);
      }
      cursor = start.getInstant().minusNanos(1);
    }
  }

  /** The first matching wall-clock minute strictly after {@code wall}. */
  private Optional<LocalDateTime> firstWallAfter(LocalDateTime wall) {
    ZonedDateTime from = wall.truncatedTo(ChronoUnit.MINUTES).atZone(ZoneOffset.UTC);
    LocalDateTime best = null;
    for (ExecutionTime part : parts) {
      Optional<ZonedDateTime> n = part.nextExecution(from);
      if (n.isPresent() && (best == null || n.get().toLocalDateTime().isBefore(best))) {
        best = n.get().toLocalDateTime();
      }
    }
    return Optional.ofNullable(best);
  }

  /** The last matching wall-clock minute at or before {@code wall}. */
  private Optional<LocalDateTime> lastWallAtOrBefore(LocalDateTime wall) {
    ZonedDateTime before = wall.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1).atZone(ZoneOffset.UTC);
    LocalDateTime best = null;
    for (ExecutionTime part : parts) {
      Optional<ZonedDateTime> p = part.lastExecution(before);
      if (p.isPresent() && (best == null || p.get().toLocalDateTime().isAfter(best))) {
        best = p.get().toLocalDateTime();
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronSchedule other && other.expression.equals(expression) && other.zone.equals(zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expression, zone);
  }

  @Override
  public String toString() {
    return "'" + expression + "' in " + zone.getId();
  }
}
