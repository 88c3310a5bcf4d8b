package io.poolbridge.lifecycle;

import java.util.Objects;

/**
 * A Workload's schedule that cannot be used: names the field of the spec at fault ({@link
 * CronSchedule#CRON_FIELD} or {@link CronSchedule#TIME_ZONE_FIELD}) and says why in words a user
 * can act on. The message is {@code "<field>: <reason>"}; it never holds a Java class name.
 */
public final class InvalidScheduleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String reason;

  public InvalidScheduleException(String field, String reason) {
    super(Objects.requireNonNull(field) + ": " + Objects.requireNonNull(reason));
    this.field = field;
    this.reason = reason;
  }

  /** The spec field at fault, e.g. {@code spec.schedule.timeZone}. */
  public String field() {
    return field;
  }

  /** Why, without the field name, e.g. {@code unknown time zone 'Mars/Olympus'}. */
  public String reason() {
    return reason;
  }
}
