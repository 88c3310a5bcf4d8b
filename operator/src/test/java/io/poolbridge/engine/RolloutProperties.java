package io.poolbridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.engine.Rollout.Limits;
import io.poolbridge.engine.Rollout.Member;
import io.poolbridge.engine.Rollout.Step;
import io.poolbridge.testing.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Rollouts driven to their end over random Services, limits and event orders, the way the
 * allocation loop drives them: each step's replacements are stopped and pending at the new
 * revision, its surge instances are added above {@code instances} (or released, newest first), and
 * between steps instances are placed, become ready, cannot be placed for a while, or (in the noisy
 * runs) fall unready on their own. What Kubernetes Deployment promises must hold at every step: no
 * step takes the available instances below {@code instances - maxUnavailable} (nor below what was
 * available, when already below); never more than {@code instances + maxSurge} instances; and once
 * the events are fair the rollout completes with every instance at the new revision, ready, and no
 * surge left.
 */
class RolloutProperties {

  /** The fleet as the operator would hold it: its instances within {@code instances}, then the surge. */
  private static final class Fleet {
    final int desired;
    final List<Member> members = new ArrayList<>();

    Fleet(int desired, Random r) {
      this.desired = desired;
      for (int i = 0; i < desired; i++) {
        // Mostly ready; a few old ones not ready (or not placed) as the rollout starts.
        int roll = r.nextInt(10);
        members.add(new Member("w-" + i, false, roll != 0, roll > 1, false, roll == 0 ? "no room" : null));
      }
    }

    int available() {
      return (int) members.stream().filter(m -> m.placed() && m.ready()).count();
    }

    int surgeNow() {
      return (int) members.stream().filter(Member::surge).count();
    }

    void carryOut(Step step) {
      for (String id : step.replace()) {
        members.replaceAll(m -> m.id().equals(id) ? new Member(id, true, false, false, m.surge(), "replacing") : m);
      }
      // The surge: listed above the Service's own instances, released newest first.
      while (surgeNow() > step.surge()) {
        members.remove(members.size() - 1);
      }
      while (surgeNow() < step.surge()) {
        members.add(new Member("w-" + (desired + surgeNow()), true, false, false, true, "pending"));
      }
    }

    /** One event: an instance placed, ready, or (noisy) unready again; {@code roomless} members cannot be placed. */
    void event(Random r, boolean noisy, boolean roomless) {
      int i = r.nextInt(members.size());
      Member m = members.get(i);
      if (!m.placed()) {
        if (!roomless) {
          members.set(i, new Member(m.id(), m.current(), true, false, m.surge(), null));
        }
      } else if (!m.ready()) {
        members.set(i, new Member(m.id(), m.current(), true, true, m.surge(), null));
      } else if (noisy && r.nextInt(6) == 0) {
        members.set(i, new Member(m.id(), m.current(), true, false, m.surge(), null));
      }
    }

    boolean done() {
      return members.size() == desired && members.stream().allMatch(m -> m.current() && m.placed() && m.ready());
    }
  }

  private static Limits limits(Random r, int desired) {
    String[] forms = {"0", "1", "2", "25%", "50%", "100%", "10%", String.valueOf(desired)};
    String surge = forms[r.nextInt(forms.length)];
    String unavailable = forms[r.nextInt(forms.length)];
    return Rollout.resolve(surge, unavailable, desired);
  }

  @TestFactory
  Stream<DynamicTest> everyStepKeepsTheLimitsAndEveryRolloutEnds() {
    return Seeds.forEachSeed("rollouts keep their limits and end", 300, 30, seed -> {
      Random r = new Random(seed);
      int desired = 1 + r.nextInt(12);
      Limits limits = limits(r, desired);
      boolean noisy = r.nextBoolean();
      Fleet fleet = new Fleet(desired, r);
      int minAvailable = desired - limits.maxUnavailable();
      int startAvailable = fleet.available();
      int floor = Math.min(startAvailable, Math.max(0, minAvailable));
      // A stretch of events during which nothing new can be placed (the estate is full), then room.
      int roomlessUntil = r.nextInt(3) == 0 ? r.nextInt(40) : 0;
      int events = 0;
      int steps = 0;
      while (true) {
        Step step = Rollout.plan(desired, fleet.members, limits);
        String where = "seed " + seed + ", " + desired + " instances, " + limits + ", step " + steps + ": " + fleet.members;
        assertThat(step.surge()).as(where).isBetween(0, limits.maxSurge());
        if (step.complete()) {
          assertThat(fleet.done()).as(where).isTrue();
          assertThat(step.message()).isNull();
          break;
        }
        assertThat(step.message()).as(where).isNotBlank();
        int before = fleet.available();
        fleet.carryOut(step);
        int after = fleet.available();
        assertThat(after).as("available after the replacements of " + where).isGreaterThanOrEqualTo(Math.min(before, minAvailable));
        assertThat(fleet.members.size()).as(where).isLessThanOrEqualTo(desired + limits.maxSurge());
        if (!noisy) {
          // Nothing falls unready on its own: the rollout alone never takes the Service below its floor.
          assertThat(after).as("calm run, " + where).isGreaterThanOrEqualTo(floor);
        }
        steps++;
        // Noise stops after a while, so that every rollout can end.
        boolean stillNoisy = noisy && events < 60;
        fleet.event(r, stillNoisy, events < roomlessUntil);
        events++;
        assertThat(events).as("the rollout should have ended: " + where).isLessThan(4_000);
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> aSettledServiceAtItsRevisionIsCompleteAndAsksForNothing() {
    return Seeds.forEachSeed("a settled Service has nothing to roll out", 50, 5, seed -> {
      Random r = new Random(seed);
      int desired = 1 + r.nextInt(250);
      Limits limits = limits(r, desired);
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < desired; i++) {
        members.add(Member.of("w-" + i, true, true, true));
      }
      Step step = Rollout.plan(desired, members, limits);
      assertThat(step.complete()).isTrue();
      assertThat(step.replace()).isEmpty();
      assertThat(step.surge()).isZero();
    });
  }
}
