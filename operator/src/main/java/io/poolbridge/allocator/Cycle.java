package io.poolbridge.allocator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * One allocation cycle over some agents: the offers past their timeout are rescinded, lent capacity
 * is reclaimed, then the stages ({@link Stage}) run over the agents in a seeded random order, and
 * the placements on agents no longer active are named to move. The seeded {@link Random} lives
 * here, so the order of the agents depends only on the seed and the cycles run.
 */
final class Cycle {
  private final Clock clock;
  private final Random random;
  private final Map<String, Fw> frameworks;
  private final Ledger ledger;
  private final RoleTree tree;
  private final Accounts accounts;
  private final Sorter roleSorter;
  private final Map<String, Sorter> frameworkSorters;
  private final PlacementBook book;
  private final Reclaimer reclaimer;
  private final OfferComposer composer;
  private final OfferLifecycle offers;
  /** Agents whose state is not ACTIVE: while there are none, no placement has to move. */
  private final IntSupplier inactiveAgents;

  Cycle(
      Clock clock,
      long seed,
      Map<String, Fw> frameworks,
      Ledger ledger,
      RoleTree tree,
      Accounts accounts,
      PlacementBook book,
      Reclaimer reclaimer,
      OfferComposer composer,
      OfferLifecycle offers,
      IntSupplier inactiveAgents) {
    this.clock = clock;
    this.random = new Random(seed);
    this.frameworks = frameworks;
    this.ledger = ledger;
    this.tree = tree;
    this.accounts = accounts;
    this.roleSorter = accounts.roleSorter;
    this.frameworkSorters = accounts.frameworkSorters;
    this.book = book;
    this.reclaimer = reclaimer;
    this.composer = composer;
    this.offers = offers;
    this.inactiveAgents = inactiveAgents;
  }

  /** One cycle over {@code order} (the agents in insertion order; shuffled in place). */
  CycleResult run(Agent[] order) {
    long now = clock.millis();
    List<Offer> rescinded = new ArrayList<>();
    offers.expireOffers(now, rescinded);
    List<Revocation> revocations = reclaimer.reclaim(rescinded);
    List<Offer> made = new ArrayList<>();
    accounts.deferSorters = true;
    try {
      if (Vec.anyPositive(ledger.requiredHeadroom)) {
        shuffle(order);
        stageAll(order, Stage.QUOTA, now, made);
      }
      shuffle(order);
      stageAll(order, Stage.FAIR, now, made);
      if (anyRevocableFramework()) {
        stageAll(order, Stage.BORROW, now, made);
      }
    } finally {
      accounts.deferSorters = false;
      accounts.flushSorters();
    }
    List<Placement> toMove = new ArrayList<>();
    // Every cycle would otherwise visit every placement (one cache miss or more each).
    if (inactiveAgents.getAsInt() > 0) {
      for (Grant g : book.placements().values()) {
        if (g.agent.state != AgentState.ACTIVE) {
          toMove.add(book.view(g));
        }
      }
    }
    return new CycleResult(made, rescinded, revocations, toMove);
  }

  private boolean anyRevocableFramework() {
    for (Fw f : frameworks.values()) {
      if (f.info.revocable() && !f.suppressed) {
        return true;
      }
    }
    return false;
  }

  private void shuffle(Agent[] order) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Agent t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /**
   * One stage over the agents in {@code order}. Only roles with a framework the stage could offer
   * to (not suppressed, wanting something; revocable in the borrow stage) can be given anything:
   * when they are few (most frameworks suppressed: a settled estate, or one new workload), each
   * agent visits those roles only, in the role sorter's order ({@link Sorter#sort(Set)}), instead
   * of every role; when there are none, the stage has nothing to do. The offers are the same.
   */
  private void stageAll(Agent[] order, Stage stage, long now, List<Offer> made) {
    Set<String> eligible = new HashSet<>();
    List<Fw> offerable = new ArrayList<>();
    for (Fw f : frameworks.values()) {
      if (!f.suppressed && canTakeMore(f) && (f.shapes == null || f.shapes.length > 0)
          && (stage != Stage.BORROW || f.info.revocable()) && (stage != Stage.QUOTA || quotaUnmet(f.role))) {
        eligible.add(f.role.path);
        offerable.add(f);
      }
    }
    if (eligible.isEmpty()) {
      return;
    }
    Set<String> only = eligible.size() * 4 < frameworkSorters.size() ? eligible : null;
    // With few eligible roles, their order is computed once and again only after an agent got
    // offers (only offers move the sorters), not for every agent.
    List<String> roleOrder = only == null ? null : roleSorter.sort(only);
    for (Agent a : order) {
      int before = made.size();
      stage(a, stage, now, made, roleOrder);
      if (only != null && made.size() > before) {
        roleOrder = roleSorter.sort(only);
      }
      // Once every framework the stage could offer to holds all the offers it may, the agents
      // left would be visited for nothing (checked only when few are eligible: it costs one pass
      // over them).
      if (only != null && made.size() > before && offerable.stream().noneMatch(Cycle::canTakeMore)) {
        return;
      }
    }
  }

  /**
   * Whether any stage could still offer the framework something: it holds fewer offers than it
   * may, and, under a limit, the room left holds one of its shapes (anything, when its shapes are
   * unknown) or its line has reservations (which the room does not bound). An offer never holds
   * more than the room plus the line's reservations, and one that holds no shape is not made.
   */
  private static boolean canTakeMore(Fw f) {
    if (f.offersFull()) {
      return false;
    }
    long[] room = RoleTree.limitRoom(f.role);
    if (room == null) {
      return true;
    }
    for (Role r : f.role.chain) {
      if (r.reservationCount > 0) {
        return true;
      }
    }
    if (f.shapes == null) {
      return Vec.anyPositive(room);
    }
    for (long[] shape : f.shapes) {
      if (Vec.fits(shape, room)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the quota stage can offer anything to a role: it has a guarantee above it that is unmet. */
  private boolean quotaUnmet(Role r) {
    return r.quotaRole != null && Vec.anyPositive(tree.quotaUnmet(r));
  }

  /** One agent in one stage; {@code roleOrder}: the roles to visit, in order, or {@code null} for every role. */
  private void stage(Agent a, Stage stage, long now, List<Offer> made, List<String> roleOrder) {
    if (a.state != AgentState.ACTIVE || !composer.agentOfferable(a, stage)) {
      return;
    }
    roles:
    for (String rolePath : roleOrder == null ? roleSorter.sort() : roleOrder) {
      Role r = tree.roles.get(rolePath);
      long[] unmet = null;
      if (stage == Stage.QUOTA) {
        if (r.quotaRole == null) {
          continue;
        }
        unmet = tree.quotaUnmet(r);
        if (!Vec.anyPositive(unmet)) {
          continue;
        }
      }
      long[] room = null;
      for (String fwId : frameworkSorters.get(rolePath).sort()) {
        Fw f = frameworks.get(fwId);
        if ((stage == Stage.BORROW && !f.info.revocable()) || (f.shapes != null && f.shapes.length == 0)
            || f.offersFull() || f.filtered(a.idx, now)) {
          continue;
        }
        if (room == null) {
          room = RoleTree.limitRoom(r);
        }
        Grant g = composer.compose(a, r, f, stage, unmet, room);
        if (g == null) {
          continue;
        }
        g.offeredAt = now;
        made.add(offers.offer(g));
        if (!composer.agentOfferable(a, stage)) {
          break roles;
        }
        if (stage == Stage.QUOTA) {
          unmet = tree.quotaUnmet(r);
          if (!Vec.anyPositive(unmet)) {
            continue roles;
          }
        }
        room = RoleTree.limitRoom(r);
      }
    }
    accounts.flushSorters();
  }
}
