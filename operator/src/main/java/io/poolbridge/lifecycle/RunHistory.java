package io.poolbridge.lifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The bounded history of a scheduled Job's runs, newest first, that its Workload's status shows.
 *
 * <p>Runs are identified by {@link CronRun#scheduledAt()} and ordered by it, newest first (then
 * by start time, newest first). The history keeps the newest {@link #limit()} runs ({@link
 * #DEFAULT_LIMIT} unless told otherwise), except that a RUNNING run is never dropped: while more
 * runs than the limit are running (policy Allow), all of them are kept and no ended one. The
 * result depends only on the runs given, not on the order they were added in.
 *
 * <p>Immutable: every change returns a new history.
 */
public final class RunHistory {
  /** How many runs a history keeps by default. */
  public static final int DEFAULT_LIMIT = 10;

  private static final Comparator<CronRun> NEWEST_FIRST = Comparator.comparing(CronRun::scheduledAt)
      .thenComparing(CronRun::startedAt).reversed();

  private final List<CronRun> runs;
  private final int limit;

  private RunHistory(List<CronRun> runs, int limit) {
    this.runs = runs;
    this.limit = limit;
  }

  /** An empty history of {@link #DEFAULT_LIMIT} runs. */
  public static RunHistory empty() {
    return new RunHistory(List.of(), DEFAULT_LIMIT);
  }

  /**
   * The history of {@code runs} (e.g. read back from status) bounded to {@code limit}; of two runs
   * with the same scheduled time, the later in {@code runs} wins.
   */
  public static RunHistory of(Collection<CronRun> runs, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a run history keeps at least one run");
    }
    Map<Instant, CronRun> byTime = new LinkedHashMap<>();
    for (CronRun r : runs) {
      byTime.put(Objects.requireNonNull(r, "run").scheduledAt(), r);
    }
    List<CronRun> sorted = new ArrayList<>(byTime.values());
    sorted.sort(NEWEST_FIRST);
    long running = sorted.stream().filter(CronRun::running).count();
    long endedRoom = Math.max(0, limit - running);
    List<CronRun> kept = new ArrayList<>();
    for (CronRun r : sorted) {
      if (r.running()) {
        kept.add(r);
      } else if (endedRoom > 0) {
        kept.add(r);
        endedRoom--;
      }
    }
    return new RunHistory(List.copyOf(kept), limit);
  }

  /** This history with {@code run} added, or replacing the run of the same scheduled time. */
  public RunHistory with(CronRun run) {
    List<CronRun> all = new ArrayList<>(runs);
    all.add(Objects.requireNonNull(run, "run"));
    return of(all, limit);
  }

  /** This history with a run started for {@code scheduledAt} at {@code startedAt}. */
  public RunHistory started(Instant scheduledAt, Instant startedAt) {
    return with(CronRun.started(scheduledAt, startedAt));
  }

  /**
   * This history with the RUNNING run of {@code scheduledAt} ended; unchanged when there is no
   * such running run (already ended, or unknown), so reporting an end twice is harmless.
   */
  public RunHistory ended(Instant scheduledAt, Instant endedAt, CronRun.Result result, String reason) {
    for (CronRun r : runs) {
      if (r.scheduledAt().equals(scheduledAt) && r.running()) {
        return with(r.ended(endedAt, result, reason));
      }
    }
    return this;
  }

  /** The runs, newest first. */
  public List<CronRun> runs() {
    return runs;
  }

  /** The runs still RUNNING, newest first. */
  public List<CronRun> running() {
    return runs.stream().filter(CronRun::running).toList();
  }

  /** The newest run, if any. */
  public Optional<CronRun> latest() {
    return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
  }

  /** How many runs this history keeps (more only while more are running). */
  public int limit() {
    return limit;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunHistory other && other.limit == limit && other.runs.equals(runs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(runs, limit);
  }

  @Override
  public String toString() {
    return "RunHistory" + runs;
  }
}
