package io.poolbridge.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The steps of a rolling replacement (Kubernetes Deployment's rolling update, on instances with
 * stable ids): which instances of an old revision to replace now, and how many surge instances
 * (temporary extra instances at the new revision) to keep, so that the available instances never
 * fall below {@code instances - maxUnavailable} and the instances never exceed {@code instances +
 * maxSurge}. Pure: the caller gives each instance's revision and readiness and carries out the step
 * (an instance replaced in place is stopped and placed again, at the new revision, through the
 * allocator), then asks again when something changed.
 */
public final class Rollout {
  private Rollout() {}

  /**
   * One instance of the Workload as the rollout sees it.
   *
   * @param id its id
   * @param current whether it is at the revision rolled out (a pending instance is placed at the
   *     current revision, so it is current)
   * @param placed whether it is placed on a node
   * @param ready whether it is placed and ready: available
   * @param surge whether it is a surge instance, above {@code instances}
   * @param pendingReason why it waits to be placed, when it is not placed; or {@code null}
   */
  public record Member(String id, boolean current, boolean placed, boolean ready, boolean surge, String pendingReason) {
    /** An instance within {@code instances}. */
    public static Member of(String id, boolean current, boolean placed, boolean ready) {
      return new Member(id, current, placed, ready, false, null);
    }

    boolean available() {
      return placed && ready;
    }
  }

  /** The resolved limits: instance counts. */
  public record Limits(int maxSurge, int maxUnavailable) {
    public Limits {
      if (maxSurge < 0 || maxUnavailable < 0) {
        throw new IllegalArgumentException("negative rollout limits");
      }
    }
  }

  /**
   * Resolves {@code maxSurge} and {@code maxUnavailable} (a count, or a percentage such as
   * {@code 25%}; {@code null} is 25%) against {@code instances} as Kubernetes Deployment does:
   * maxSurge rounds up, maxUnavailable down, and when both come to 0 maxUnavailable is 1, so a
   * rollout always makes progress.
   */
  public static Limits resolve(String maxSurge, String maxUnavailable, int instances) {
    int surge = count(maxSurge, instances, true);
    int unavailable = count(maxUnavailable, instances, false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new Limits(surge, unavailable);
  }

  /** The default of both limits. */
  public static final String DEFAULT_LIMIT = "25%";

  static int count(String value, int instances, boolean roundUp) {
    String v = (value == null ? DEFAULT_LIMIT : value).trim().toLowerCase(Locale.ROOT);
    if (v.endsWith("%")) {
      long percent = Long.parseLong(v.substring(0, v.length() - 1));
      long scaled = percent * instances;
      long n = roundUp ? (scaled + 99) / 100 : scaled / 100;
      return (int) Math.min(Integer.MAX_VALUE, n);
    }
    return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(v));
  }

  /**
   * One step: what to do now and where the rollout stands.
   *
   * @param replace instances of the old revision to stop now and place again at the new one
   * @param surge how many surge instances there should be now
   * @param updated instances within {@code instances} at the new revision and placed (after this step)
   * @param updatedReady of those, the ready ones
   * @param total instances, old and new, surge included, before this step's surge changes
   * @param complete whether every instance is at the new revision, placed and ready, and no surge is left
   * @param message what the rollout waits for, or {@code null} when complete
   * @param desired the instances asked for ({@code instances}); {@code total} above it are surge
   */
  public record Step(List<String> replace, int surge, int updated, int updatedReady, int total, boolean complete,
      String message, int desired) {}

  /**
   * Plans one step for {@code desired} instances (the members within {@code instances}, and any
   * surge members). Old instances that are not available are replaced at once (that costs no
   * availability); available old ones only as far as the available instances, surge included, stay
   * at least {@code desired - maxUnavailable}. While old instances are left, up to maxSurge surge
   * instances run beside them; once none is left, surge instances are kept only as long as the
   * others are not available enough without them. A surge instance of an older revision (the
   * template changed again during the rollout) is replaced as an old one is.
   */
  public static Step plan(int desired, List<Member> members, Limits limits) {
    int minAvailable = Math.max(0, desired - limits.maxUnavailable());
    int available = 0;
    int availableRegular = 0;
    int surgeNow = 0;
    for (Member m : members) {
      if (m.available()) {
        available++;
        if (!m.surge()) {
          availableRegular++;
        }
      }
      if (m.surge()) {
        surgeNow++;
      }
    }
    List<String> replace = new ArrayList<>();
    List<Member> oldAvailable = new ArrayList<>();
    for (Member m : members) {
      if (m.current()) {
        continue;
      }
      if (m.available()) {
        oldAvailable.add(m);
      } else {
        replace.add(m.id());
      }
    }
    int budget = available - minAvailable;
    int availableAfter = available;
    for (Member m : oldAvailable) {
      if (budget <= 0) {
        break;
      }
      replace.add(m.id());
      budget--;
      availableAfter--;
      if (!m.surge()) {
        availableRegular--;
      }
    }
    int oldLeft = 0;
    for (Member m : members) {
      if (!m.current() && !replace.contains(m.id())) {
        oldLeft++;
      }
    }
    int surge;
    if (oldLeft > 0) {
      surge = Math.min(limits.maxSurge(), oldLeft);
    } else {
      surge = Math.min(surgeNow, Math.max(0, minAvailable - availableRegular));
    }
    // Surge instances are released newest first (the last listed): never an available one that the
    // floor still needs, even when an older one, unavailable, could have gone instead.
    if (surge < surgeNow) {
      List<Member> surgeMembers = members.stream().filter(Member::surge).toList();
      int floor = Math.min(availableAfter, minAvailable);
      int released = 0;
      for (int k = surgeMembers.size() - 1; k >= surge; k--) {
        Member m = surgeMembers.get(k);
        if (m.available() && !replace.contains(m.id())) {
          released++;
        }
      }
      while (surge < surgeNow && availableAfter - released < floor) {
        Member kept = surgeMembers.get(surge);
        if (kept.available() && !replace.contains(kept.id())) {
          released--;
        }
        surge++;
      }
    }
    int updated = 0;
    int updatedReady = 0;
    for (Member m : members) {
      if (!m.surge() && m.current() && m.placed()) {
        updated++;
        if (m.ready()) {
          updatedReady++;
        }
      }
    }
    boolean complete = replace.isEmpty() && oldLeft == 0 && surge == 0 && surgeNow == 0
        && updatedReady == desired;
    return new Step(List.copyOf(replace), surge, updated, updatedReady, members.size(), complete,
        complete ? null : message(desired, members, limits, replace, oldLeft, updatedReady, surge, surgeNow), desired);
  }

  /** {@code ns/web-0} as {@code web-0}. */
  private static String name(String id) {
    return id.substring(id.indexOf('/') + 1);
  }

  private static String message(int desired, List<Member> members, Limits limits, List<String> replace, int oldLeft,
      int updatedReady, int surge, int surgeNow) {
    for (Member m : members) {
      if (m.surge() && !m.placed()) {
        return "surge instance " + name(m.id()) + " cannot be placed"
            + (m.pendingReason() == null ? "" : ": " + m.pendingReason());
      }
    }
    for (Member m : members) {
      if (!m.surge() && m.current() && !m.placed() && !replace.contains(m.id()) && m.pendingReason() != null) {
        return name(m.id()) + " waits to be placed: " + m.pendingReason();
      }
    }
    if (!replace.isEmpty()) {
      return "replacing " + String.join(", ", replace.stream().map(Rollout::name).toList()) + " (" + oldLeft
          + " more to replace)";
    }
    if (oldLeft > 0 && surge > surgeNow) {
      return "placing " + (surge - surgeNow) + " surge instance(s) above " + desired + " before replacing " + oldLeft
          + " old one(s) (at most " + limits.maxUnavailable() + " unavailable, " + limits.maxSurge() + " above " + desired + ")";
    }
    if (oldLeft > 0) {
      return updatedReady + " of " + desired + " instances updated and ready; " + oldLeft
          + " more to replace once a replacement" + (surgeNow > 0 ? " or a surge instance" : "") + " is ready (at most "
          + limits.maxUnavailable() + " unavailable, " + limits.maxSurge() + " above " + desired + ")";
    }
    if (surgeNow > surge) {
      return updatedReady + " of " + desired + " instances updated and ready; releasing " + (surgeNow - surge) + " surge instance(s)";
    }
    return updatedReady + " of " + desired + " instances updated and ready; waiting for the rest to become ready";
  }
}
