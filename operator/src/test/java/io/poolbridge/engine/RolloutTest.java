package io.poolbridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.engine.Rollout.Limits;
import io.poolbridge.engine.Rollout.Member;
import io.poolbridge.engine.Rollout.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rolling replacement's steps, derived by hand from Kubernetes Deployment's rolling update. */
class RolloutTest {

  @Test
  void limitsResolveAsADeploymentsDo() {
    // 25% of 4: one each way.
    assertThat(Rollout.resolve(null, null, 4)).isEqualTo(new Limits(1, 1));
    // 25% of 10 is 2.5: maxSurge rounds up to 3, maxUnavailable down to 2.
    assertThat(Rollout.resolve("25%", "25%", 10)).isEqualTo(new Limits(3, 2));
    // 10% of 4 is 0.4: one surge, none unavailable.
    assertThat(Rollout.resolve("10%", "10%", 4)).isEqualTo(new Limits(1, 0));
    // Both come to 0 (5% of 4 rounds down, 0 surge): one may be unavailable, or nothing would move.
    assertThat(Rollout.resolve("0", "5%", 4)).isEqualTo(new Limits(0, 1));
    assertThat(Rollout.resolve("2", "0", 4)).isEqualTo(new Limits(2, 0));
    // One instance at the defaults: 25% of 1 surges one, none unavailable.
    assertThat(Rollout.resolve(null, null, 1)).isEqualTo(new Limits(1, 0));
  }

  /** A fleet of instances {@code w-0 .. w-(n-1)} the test moves along as the operator would. */
  private static final class Fleet {
    final List<Member> members = new ArrayList<>();

    Fleet(int n) {
      for (int i = 0; i < n; i++) {
        members.add(Member.of("w-" + i, false, true, true));
      }
    }

    void set(String id, boolean current, boolean placed, boolean ready) {
      members.replaceAll(m -> m.id().equals(id) ? new Member(id, current, placed, ready, m.surge(), null) : m);
    }

    /** Carries out a step's replacements: each stopped and pending at the new revision. */
    void carryOut(Step step) {
      step.replace().forEach(id -> set(id, true, false, false));
    }

    long available() {
      return members.stream().filter(m -> m.placed() && m.ready()).count();
    }
  }

  @Test
  void fourInstancesOneUnavailableNoSurgeReplaceOneAtATimeEachAfterThePreviousIsReady() {
    Limits limits = new Limits(0, 1);
    Fleet fleet = new Fleet(4);
    for (int i = 0; i < 4; i++) {
      String id = "w-" + i;
      Step step = Rollout.plan(4, fleet.members, limits);
      assertThat(step.replace()).as("step %d", i).containsExactly(id);
      assertThat(step.surge()).isZero();
      assertThat(step.complete()).isFalse();
      fleet.carryOut(step);
      assertThat(fleet.available()).isEqualTo(3);
      // Pending, then placed but not ready: nothing else is replaced meanwhile.
      assertThat(Rollout.plan(4, fleet.members, limits).replace()).isEmpty();
      fleet.set(id, true, true, false);
      Step waiting = Rollout.plan(4, fleet.members, limits);
      assertThat(waiting.replace()).isEmpty();
      assertThat(waiting.updated()).isEqualTo(i + 1);
      assertThat(waiting.updatedReady()).isEqualTo(i);
      fleet.set(id, true, true, true);
    }
    Step done = Rollout.plan(4, fleet.members, limits);
    assertThat(done.replace()).isEmpty();
    assertThat(done.complete()).isTrue();
    assertThat(done.updatedReady()).isEqualTo(4);
    assertThat(done.message()).isNull();
  }

  @Test
  void twoUnavailableReplaceTwoAtATime() {
    Limits limits = new Limits(0, 2);
    Fleet fleet = new Fleet(5);
    assertThat(Rollout.plan(5, fleet.members, limits).replace()).containsExactly("w-0", "w-1");
    fleet.set("w-0", true, true, true);
    fleet.set("w-1", true, true, false);
    // 4 available of 5, 3 must stay: one more may go.
    assertThat(Rollout.plan(5, fleet.members, limits).replace()).containsExactly("w-2");
  }

  @Test
  void anOldInstanceThatIsNotAvailableIsReplacedAtOnceWithoutSpendingTheBudget() {
    Limits limits = new Limits(0, 1);
    Fleet fleet = new Fleet(4);
    fleet.set("w-2", false, true, false); // old and not ready
    // Available 3, at least 3 must stay: only the unready one goes.
    assertThat(Rollout.plan(4, fleet.members, limits).replace()).containsExactly("w-2");
  }

  @Test
  void withNothingUnavailableTheSurgeGoesFirstThenEachOldInstanceOnceTheOneBeforeIsReady() {
    Limits limits = new Limits(1, 0);
    Fleet fleet = new Fleet(3);
    Step first = Rollout.plan(3, fleet.members, limits);
    assertThat(first.replace()).isEmpty();
    assertThat(first.surge()).isEqualTo(1);
    fleet.members.add(new Member("w-surge-0", true, false, false, true, "Insufficient cpu in pools a: no node is big enough"));
    Step unplaced = Rollout.plan(3, fleet.members, limits);
    assertThat(unplaced.replace()).isEmpty();
    assertThat(unplaced.message()).isEqualTo(
        "surge instance w-surge-0 cannot be placed: Insufficient cpu in pools a: no node is big enough");
    fleet.members.set(3, new Member("w-surge-0", true, true, true, true, null));
    for (int i = 0; i < 3; i++) {
      Step step = Rollout.plan(3, fleet.members, limits);
      assertThat(step.replace()).as("step %d", i).containsExactly("w-" + i);
      fleet.carryOut(step);
      assertThat(fleet.available()).isEqualTo(3);
      assertThat(Rollout.plan(3, fleet.members, limits).replace()).isEmpty();
      fleet.set("w-" + i, true, true, true);
    }
    // All replaced and ready: the surge goes, and then the rollout is complete.
    Step last = Rollout.plan(3, fleet.members, limits);
    assertThat(last.surge()).isZero();
    assertThat(last.complete()).isFalse();
    fleet.members.remove(3);
    assertThat(Rollout.plan(3, fleet.members, limits).complete()).isTrue();
  }

  @Test
  void theSurgeStaysWhileTheLastReplacementIsNotReady() {
    Limits limits = new Limits(1, 0);
    Fleet fleet = new Fleet(2);
    fleet.set("w-0", true, true, true);
    fleet.set("w-1", true, true, false);
    fleet.members.add(new Member("w-surge-0", true, true, true, true, null));
    assertThat(Rollout.plan(2, fleet.members, limits).surge()).isEqualTo(1);
  }

  @Test
  void aSettledWorkloadAtItsRevisionReplacesNothingAndIsComplete() {
    List<Member> members = List.of(Member.of("w-0", true, true, true), Member.of("w-1", true, true, true));
    Step step = Rollout.plan(2, members, Rollout.resolve(null, null, 2));
    assertThat(step.replace()).isEmpty();
    assertThat(step.surge()).isZero();
    assertThat(step.complete()).isTrue();
  }

  @Test
  void aReplacementThatCannotBePlacedHoldsTheRolloutAndSaysWhy() {
    Limits limits = new Limits(0, 1);
    List<Member> members = List.of(
        new Member("shop/web-0", true, false, false, false, "Insufficient cpu in pools k8s: no node is big enough for one instance"),
        Member.of("shop/web-1", false, true, true),
        Member.of("shop/web-2", false, true, true));
    Step step = Rollout.plan(3, members, limits);
    // 2 available, at least 2 must stay: nothing more goes while web-0 cannot be placed.
    assertThat(step.replace()).isEmpty();
    assertThat(step.message()).isEqualTo(
        "web-0 waits to be placed: Insufficient cpu in pools k8s: no node is big enough for one instance");
  }

  @Test
  void withNoneUnavailableTheRolloutFirstAsksForItsSurgeAndSaysSo() {
    // 25% of 3: one surge, none unavailable.
    Limits limits = Rollout.resolve(null, null, 3);
    List<Member> members = List.of(Member.of("shop/web-0", false, true, true), Member.of("shop/web-1", false, true, true),
        Member.of("shop/web-2", false, true, true));
    Step step = Rollout.plan(3, members, limits);
    assertThat(step.replace()).isEmpty();
    assertThat(step.surge()).isEqualTo(1);
    assertThat(step.complete()).isFalse();
    assertThat(step.message()).isEqualTo(
        "placing 1 surge instance(s) above 3 before replacing 3 old one(s) (at most 0 unavailable, 1 above 3)");
  }

  @Test
  void aSurgePlacedButNotReadyYetFreesNothing() {
    Limits limits = new Limits(1, 0);
    Fleet fleet = new Fleet(3);
    fleet.members.add(new Member("w-3", true, true, false, true, null));
    Step step = Rollout.plan(3, fleet.members, limits);
    assertThat(step.replace()).isEmpty();
    assertThat(step.surge()).isEqualTo(1);
    assertThat(step.total()).isEqualTo(4);
    assertThat(step.message()).isEqualTo(
        "0 of 3 instances updated and ready; 3 more to replace once a replacement or a surge instance is ready (at most 0 unavailable, 1 above 3)");
  }

  @Test
  void twoSurgesLetTwoOldInstancesGoAtOnceAndStayUntilTheReplacementsAreReady() {
    // maxSurge 2, maxUnavailable 0 over 3: two surges ready free two old ones at once.
    Limits limits = new Limits(2, 0);
    Fleet fleet = new Fleet(3);
    fleet.members.add(new Member("w-3", true, true, true, true, null));
    fleet.members.add(new Member("w-4", true, true, true, true, null));
    Step step = Rollout.plan(3, fleet.members, limits);
    assertThat(step.replace()).containsExactly("w-0", "w-1");
    // One old instance left would need one surge, but releasing w-4 now would leave 2 available of 3.
    assertThat(step.surge()).isEqualTo(2);
    fleet.carryOut(step);
    assertThat(Rollout.plan(3, fleet.members, limits).surge()).isEqualTo(2);
    fleet.set("w-0", true, true, true);
    fleet.set("w-1", true, true, true);
    // Ready: the last old one goes, and one surge (the newest) is released, 3 staying available.
    Step next = Rollout.plan(3, fleet.members, limits);
    assertThat(next.replace()).containsExactly("w-2");
    assertThat(next.surge()).isEqualTo(1);
  }

  @Test
  void aSurgeOfAnOlderRevisionIsReplacedAsAnOldInstanceIs() {
    // The template changed again during a rollout: w-3 (a surge at the revision before) is old too.
    Limits limits = new Limits(1, 0);
    List<Member> members = new ArrayList<>(List.of(Member.of("w-0", true, true, true), Member.of("w-1", true, true, true),
        Member.of("w-2", true, true, true), new Member("w-3", false, true, true, true, null)));
    Step step = Rollout.plan(3, members, limits);
    assertThat(step.replace()).containsExactly("w-3");
    assertThat(step.complete()).isFalse();
    // Replaced, it is current; the others are available enough without it: it is released.
    members.set(3, new Member("w-3", true, true, true, true, null));
    Step after = Rollout.plan(3, members, limits);
    assertThat(after.replace()).isEmpty();
    assertThat(after.surge()).isZero();
    assertThat(after.message()).isEqualTo("3 of 3 instances updated and ready; releasing 1 surge instance(s)");
  }
}
