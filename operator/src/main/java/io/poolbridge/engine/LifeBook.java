package io.poolbridge.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What each instance and each Job went through (restarts, back-off, completions, failures): the
 * lifecycle policy of Marathon (a Service is kept running, relaunched with a growing delay when it
 * keeps failing) and of Metronome (a Job runs to completion, with a bounded number of retries and a
 * deadline). The engine asks it what an exit means and tells it what happened; it keeps the times at
 * which held instances are due again and Jobs run out of time.
 *
 * <p>The back-off is the kubelet's crash-loop back-off: 10 s after the first failure in a row,
 * doubling, at most 5 minutes; a run that lasted 10 minutes or more resets it.
 */
final class LifeBook {
  static final Duration INITIAL_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  /** A run at least this long resets the failure count that the back-off grows with. */
  static final Duration STABLE_RUN = Duration.ofMinutes(10);

  private record Due(Instant at, String id, String key) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = at.compareTo(o.at);
      if (c == 0) {
        c = id.compareTo(o.id);
      }
      return c == 0 ? key.compareTo(o.key) : c;
    }
  }

  private final Map<String, InstanceLife> lives = new HashMap<>();
  private final Map<String, Instant> placedAt = new HashMap<>();
  /** Per Job, its runs by lane: lane 0 is the Job's run; lanes above run alongside it (policy Allow). */
  private final Map<String, java.util.TreeMap<Integer, JobLife>> jobs = new HashMap<>();
  private final Map<String, JobPolicy> policies = new HashMap<>();
  /** Held instances by the time they may be placed again ({@code id} an instance, {@code key} its workload). */
  private final TreeSet<Due> restarts = new TreeSet<>();
  /** Running runs with a deadline, by the deadline ({@code id} {@code <workload>#<lane>}, {@code key} the workload). */
  private final TreeSet<Due> deadlines = new TreeSet<>();

  /** The back-off before the next attempt after {@code failuresInRow} failures in a row. */
  static Duration backoff(int failuresInRow) {
    if (failuresInRow <= 0) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failuresInRow - 1, 20);
    Duration d = INITIAL_BACKOFF.multipliedBy(1L << doublings);
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  InstanceLife life(String instanceId) {
    return lives.getOrDefault(instanceId, InstanceLife.NEW);
  }

  /** Instances of {@code ids} with a history, in that order. */
  Map<String, InstanceLife> lives(List<String> ids) {
    if (lives.isEmpty()) {
      return Map.of();
    }
    Map<String, InstanceLife> out = new java.util.LinkedHashMap<>();
    for (String id : ids) {
      InstanceLife l = lives.get(id);
      if (l != null) {
        out.put(id, l);
      }
    }
    return out;
  }

  /** The Job's run of lane 0 (its only one unless runs overlap), or {@code null} when it is not a Job. */
  JobLife job(String key) {
    return job(key, 0);
  }

  /** The Job's run of {@code lane}, or {@code null}. */
  JobLife job(String key, int lane) {
    java.util.TreeMap<Integer, JobLife> runs = jobs.get(key);
    return runs == null ? null : runs.get(lane);
  }

  /** The Job's runs by lane (empty when it is not a Job). */
  java.util.SortedMap<Integer, JobLife> runs(String key) {
    java.util.TreeMap<Integer, JobLife> runs = jobs.get(key);
    return runs == null ? java.util.Collections.emptySortedMap() : java.util.Collections.unmodifiableSortedMap(runs);
  }

  JobPolicy policy(String key) {
    return policies.getOrDefault(key, JobPolicy.DEFAULT);
  }

  void placed(String instanceId, Instant at) {
    placedAt.put(instanceId, at);
  }

  Instant placedAt(String instanceId) {
    return placedAt.get(instanceId);
  }

  void setLife(String key, String instanceId, InstanceLife life) {
    InstanceLife old = lives.put(instanceId, life);
    if (old != null && old.heldUntil() != null) {
      restarts.remove(new Due(old.heldUntil(), instanceId, key));
    }
    if (!life.done() && life.heldUntil() != null) {
      restarts.add(new Due(life.heldUntil(), instanceId, key));
    }
  }

  /** A Job is taken in (or its record restored): its run of lane 0. */
  void setJob(String key, JobLife job) {
    setJob(key, 0, job);
  }

  /** A run of a Job in {@code lane} starts, changes or ends. */
  void setJob(String key, int lane, JobLife job) {
    JobLife old = jobs.computeIfAbsent(key, k -> new java.util.TreeMap<>()).put(lane, job);
    String id = key + "#" + lane;
    if (old != null) {
      deadlines.removeIf(d -> d.id().equals(id));
    }
    Duration deadline = policy(key).activeDeadline();
    if (job.running() && deadline != null && job.startedAt() != null) {
      deadlines.add(new Due(job.startedAt().plus(deadline), id, key));
    }
  }

  /** A lane's run is forgotten (its instances are no longer listed). */
  void forgetJob(String key, int lane) {
    java.util.TreeMap<Integer, JobLife> runs = jobs.get(key);
    if (runs != null && runs.remove(lane) != null) {
      String id = key + "#" + lane;
      deadlines.removeIf(d -> d.id().equals(id));
    }
  }

  void setPolicy(String key, JobPolicy policy) {
    JobPolicy old = policies.put(key, policy);
    java.util.TreeMap<Integer, JobLife> runs = jobs.get(key);
    if (runs != null && !policy.equals(old)) {
      for (var e : new java.util.ArrayList<>(runs.entrySet())) {
        setJob(key, e.getKey(), e.getValue());
      }
    }
  }

  /** Instances whose hold ends at or before {@code now}, as {@code [key, id]} pairs, removed from the book of holds. */
  List<String[]> dueRestarts(Instant now) {
    List<String[]> out = new ArrayList<>();
    while (!restarts.isEmpty() && !restarts.first().at().isAfter(now)) {
      Due d = restarts.pollFirst();
      out.add(new String[] {d.key(), d.id()});
      InstanceLife l = lives.get(d.id());
      if (l != null) {
        lives.put(d.id(), new InstanceLife(l.restarts(), l.failuresInRow(), l.lastExit(), l.lastExitAt(), l.message(), null, l.done()));
      }
    }
    return out;
  }

  /**
   * Running runs whose deadline is at or before {@code now}, as {@code (workload, lane)} pairs,
   * removed from the book of deadlines.
   */
  List<Map.Entry<String, Integer>> dueDeadlines(Instant now) {
    List<Map.Entry<String, Integer>> out = new ArrayList<>();
    while (!deadlines.isEmpty() && !deadlines.first().at().isAfter(now)) {
      Due d = deadlines.pollFirst();
      out.add(Map.entry(d.key(), Integer.parseInt(d.id().substring(d.id().lastIndexOf('#') + 1))));
    }
    return out;
  }

  /** Forgets an instance no longer listed. */
  void forgetInstance(String key, String instanceId) {
    InstanceLife l = lives.remove(instanceId);
    if (l != null && l.heldUntil() != null) {
      restarts.remove(new Due(l.heldUntil(), instanceId, key));
    }
    placedAt.remove(instanceId);
  }

  /** Forgets a workload (and, through {@code ids}, its instances). */
  void forgetWorkload(String key, List<String> ids) {
    ids.forEach(id -> forgetInstance(key, id));
    if (jobs.remove(key) != null) {
      deadlines.removeIf(d -> d.key().equals(key));
    }
    policies.remove(key);
  }
}
