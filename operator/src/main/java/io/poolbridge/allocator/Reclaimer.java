package io.poolbridge.allocator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Reclaim: at the start of a cycle, takes back lent capacity (revocable offers and placements) for
 * owners of lent reservations and roles with unmet guarantees, as far as their pending demand needs
 * it. It reads the allocator's state; the allocator rescinds the offers it names.
 */
final class Reclaimer {
  private int size;
  private final Map<String, Agent> agents;
  private final Map<String, Fw> frameworks;
  private final RoleTree tree;
  private final Ledger ledger;
  private final Map<Long, Grant> offers;
  /** The placements by instance id (the allocator replaces its map when it grows it). */
  private final Supplier<Map<String, Grant>> placements;
  private final LongFunction<Offer> rescind;
  private final Function<Grant, Placement> view;
  /** Cycles run that took capacity back or could have (see reclaim). */
  private long reclaimCycles;

  private final java.util.function.BooleanSupplier anyRevocablePlacement;

  Reclaimer(
      int size,
      Map<String, Agent> agents,
      Map<String, Fw> frameworks,
      RoleTree tree,
      Ledger ledger,
      Map<Long, Grant> offers,
      Supplier<Map<String, Grant>> placements,
      java.util.function.BooleanSupplier anyRevocablePlacement,
      LongFunction<Offer> rescind,
      Function<Grant, Placement> view) {
    this.anyRevocablePlacement = anyRevocablePlacement;
    this.size = size;
    this.agents = agents;
    this.frameworks = frameworks;
    this.tree = tree;
    this.ledger = ledger;
    this.offers = offers;
    this.placements = placements;
    this.rescind = rescind;
    this.view = view;
  }

  void widen(int size) {
    this.size = size;
  }

  /**
   * Names the revocable placements (and rescinds the revocable offers) to take back so that owners
   * of lent reservations, and roles with unmet guarantees, get back what their pending demand needs.
   *
   * <p>The bound: an owner's demand is counted once, cluster-wide. What it can already have (its
   * free reservations on any active agent, offers of them it holds, capacity already being taken
   * back) is deducted first, and placements are named only while the rest is not covered, so per
   * cycle an owner loses to revocations at most its demand plus one placement. Reservations are
   * reclaimed first, the deepest roles first; what they cover is deducted from the demand of the
   * roles above them and from the demand the headroom is then reclaimed for.
   */
  List<Revocation> reclaim(List<Offer> rescinded) {
    List<Revocation> revocations = new ArrayList<>();
    if (lentAnything()) {
      reclaimCycles++;
      Map<Role, long[]> remaining = demandBy();
      if (!remaining.isEmpty()) {
        for (var e : remaining.entrySet()) {
          // The demand as it was before this cycle deducted anything from it.
          e.getKey().demand = e.getValue().clone();
        }
        reclaimReservations(remaining, rescinded, revocations);
        reclaimHeadroom(remaining, rescinded, revocations);
      }
    }
    return revocations;
  }

  private boolean lentAnything() {
    for (Grant g : offers.values()) {
      if (g.revocable) {
        return true;
      }
    }
    if (!anyRevocablePlacement.getAsBoolean()) {
      // Every cycle would otherwise visit every placement.
      return false;
    }
    for (Grant g : placements.get().values()) {
      if (g.revocable && !g.revoking) {
        return true;
      }
    }
    return false;
  }

  /** The pending demand of each role's subtree (frameworks not suppressed). */
  private Map<Role, long[]> demandBy() {
    Map<Role, long[]> demand = new LinkedHashMap<>();
    for (Fw f : frameworks.values()) {
      if (f.demand == null || f.suppressed) {
        continue;
      }
      for (Role r : f.role.chain) {
        Vec.add(demand.computeIfAbsent(r, k -> new long[size]), f.demand);
      }
    }
    return demand;
  }

  /**
   * Each guaranteed role's slack, as far as its subtree's remaining demand wants it, is served from
   * the free headroom and what is already being taken back, shared out in path order; a role whose
   * part is not covered takes back lent unreserved capacity for its own deficit only.
   */
  private void reclaimHeadroom(Map<Role, long[]> remaining, List<Offer> rescinded, List<Revocation> revocations) {
    List<Role> owners = new ArrayList<>();
    for (Role r : remaining.keySet()) {
      if (r.guarantee != null) {
        owners.add(r);
      }
    }
    if (owners.isEmpty()) {
      return;
    }
    owners.sort(Comparator.comparing(r -> r.path));
    long[] coming = ledger.availableHeadroom.clone();
    for (Grant g : placements.get().values()) {
      if (g.revoking && g.agent.state == AgentState.ACTIVE) {
        Vec.add(coming, g.unreserved);
      }
    }
    List<Grant> lent = null;
    for (Role q : owners) {
      long[] want = tree.slack(q);
      Vec.min(want, remaining.get(q));
      long[] served = want.clone();
      Vec.min(served, coming);
      Vec.subtract(coming, served);
      long[] deficit = Vec.positiveDifference(want, served);
      if (!Vec.anyPositive(deficit)) {
        continue;
      }
      if (lent == null) {
        lent = new ArrayList<>();
        for (Grant g : offers.values()) {
          if (g.revocable && g.agent.state == AgentState.ACTIVE && Vec.anyPositive(g.unreserved)) {
            lent.add(g);
          }
        }
        for (Grant g : placements.get().values()) {
          if (g.revocable && !g.revoking && g.agent.state == AgentState.ACTIVE && Vec.anyPositive(g.unreserved)) {
            lent.add(g);
          }
        }
      }
      List<Grant> candidates = new ArrayList<>();
      for (Grant g : lent) {
        if (g.instanceId == null ? offers.get(g.offerId) == g : !g.revoking) {
          candidates.add(g);
        }
      }
      List<long[]> shapes = shapesWanted(q);
      if (shapes != null) {
        // Only where what the agent has free, with everything lent on it back, holds an instance,
        // within what the role may receive as guaranteed or surplus capacity and under its limits.
        long[] receivable = tree.slack(q);
        Vec.add(receivable, ledger.surplusHeadroom());
        long[] room = RoleTree.limitRoom(q);
        if (room != null) {
          Vec.min(receivable, room);
        }
        Map<Agent, long[]> potential = new IdentityHashMap<>();
        for (Grant g : candidates) {
          Vec.add(potential.computeIfAbsent(g.agent, Agent::freeUnreserved), g.unreserved);
        }
        potential.values().forEach(v -> Vec.min(v, receivable));
        candidates.removeIf(g -> !fitsAny(shapes, potential.get(g.agent)));
      }
      if (retrying(q)) {
        continue;
      }
      int named = revocations.size();
      long[] taken = takeBack(candidates, g -> g.unreserved, deficit.clone(), q.path, rescinded, revocations);
      reclaimed(q, named != revocations.size());
      // What the last one brings beyond this role's deficit serves the roles after it.
      Vec.add(coming, Vec.positiveDifference(taken, deficit));
    }
  }

  /**
   * For each role with reservations on active agents, deepest first: its subtree's remaining demand,
   * up to its reservations in all, less what it can have already (free reservations, offers of them
   * it holds, portions already being taken back), is taken back from borrowers anywhere in the
   * cluster; the demand so covered is deducted from the roles above it.
   */
  private void reclaimReservations(Map<Role, long[]> remaining, List<Offer> rescinded, List<Revocation> revocations) {
    TreeSet<String> owners = new TreeSet<>(
        Comparator.comparingInt((String p) -> tree.get(p).chain.length).reversed().thenComparing(p -> p));
    for (Agent a : agents.values()) {
      if (a.state == AgentState.ACTIVE) {
        for (Reservation res : a.reservations) {
          owners.add(res.role);
        }
      }
    }
    for (String path : owners) {
      Role owner = tree.get(path);
      long[] want = remaining.get(owner);
      if (want == null || !Vec.anyPositive(want)) {
        continue;
      }
      List<long[]> shapes = shapesWanted(owner);
      long[] reserved = new long[size];
      long[] have = new long[size];
      Map<Grant, long[]> portions = new IdentityHashMap<>();
      List<Grant> candidates = new ArrayList<>();
      for (Agent a : agents.values()) {
        int i = a.state == AgentState.ACTIVE ? a.reservationIndex(path) : -1;
        if (i < 0) {
          continue;
        }
        Reservation res = a.reservations[i];
        Vec.add(reserved, res.total);
        Vec.add(have, res.free());
        int before = candidates.size();
        long[] potential = shapes == null ? null : a.freeUnreserved();
        if (potential != null) {
          Vec.add(potential, res.free());
        }
        for (Long id : a.offerIds) {
          Grant g = offers.get(id);
          long[] portion = g.reserved[i];
          if (portion == null) {
            continue;
          }
          if (g.revocable) {
            portions.put(g, portion);
            candidates.add(g);
          } else {
            Vec.add(have, portion); // offered to the owner's subtree: it serves the demand
          }
        }
        for (Grant g = a.firstPlaced; g != null; g = g.nextOnAgent) {
          long[] portion = g.reserved[i];
          if (portion == null || !g.revocable) {
            continue;
          }
          if (g.revoking) {
            Vec.add(have, portion);
          } else {
            portions.put(g, portion);
            candidates.add(g);
          }
        }
        if (potential != null) {
          // Only where what the owner could have on the agent, everything lent back, holds an instance.
          for (int k = before; k < candidates.size(); k++) {
            Vec.add(potential, portions.get(candidates.get(k)));
          }
          if (!fitsAny(shapes, potential)) {
            candidates.subList(before, candidates.size()).clear();
          }
        }
      }
      long[] wanted = want.clone();
      Vec.min(wanted, reserved);
      long[] deficit = Vec.positiveDifference(wanted, have);
      if (Vec.anyPositive(deficit) && !candidates.isEmpty() && !retrying(owner)) {
        int named = revocations.size();
        takeBack(candidates, portions::get, deficit, path, rescinded, revocations);
        reclaimed(owner, named != revocations.size());
      }
      // Covered now: what was wanted, less what is still short.
      long[] covered = Vec.positiveDifference(wanted, deficit);
      for (Role r : owner.chain) {
        long[] rest = remaining.get(r);
        if (rest != null) {
          Vec.subtractClamped(rest, covered);
        }
      }
    }
  }

  /**
   * Whether capacity was taken back for the role in an earlier cycle and since then its subtree has
   * placed nothing and wants the same: what was freed did not serve it (its instances' constraints,
   * say, rule the capacity out), so revoking more for the same demand would only churn borrowers.
   * It is taken back again once the demand changes or the role places something.
   */
  private boolean retrying(Role owner) {
    return owner.reclaimedForDemand != null && owner.reclaimedInCycle != reclaimCycles
        && owner.reclaimedAtPlaced == owner.placed && Arrays.equals(owner.reclaimedForDemand, owner.demand);
  }

  private void reclaimed(Role owner, boolean revoked) {
    if (revoked) {
      owner.reclaimedForDemand = owner.demand.clone();
      owner.reclaimedAtPlaced = owner.placed;
      owner.reclaimedInCycle = reclaimCycles;
    }
  }

  /**
   * The shapes the pending demand of a role's subtree comes in (of frameworks that are not
   * suppressed), or null when some framework with demand has not said (unknown shapes).
   */
  private List<long[]> shapesWanted(Role owner) {
    List<long[]> shapes = new ArrayList<>();
    for (Fw f : frameworks.values()) {
      if (f.demand == null || f.suppressed || !RolePaths.isSelfOrDescendant(f.role.path, owner.path)) {
        continue;
      }
      if (f.shapes == null) {
        return null;
      }
      shapes.addAll(List.of(f.shapes));
    }
    return shapes;
  }

  private static boolean fitsAny(List<long[]> shapes, long[] capacity) {
    for (long[] shape : shapes) {
      if (Vec.fits(shape, capacity)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Takes back candidates until the deficit is covered: outstanding offers first (rescinded at
   * once), then placements by lowest priority, then by the largest contribution (fewest). Leaves
   * in {@code deficit} what is still short and returns the sum of the portions taken back.
   */
  private long[] takeBack(
      List<Grant> candidates,
      Function<Grant, long[]> portion,
      long[] deficit,
      String owner,
      List<Offer> rescinded,
      List<Revocation> revocations) {
    long[] taken = new long[size];
    candidates.sort(
        Comparator.<Grant>comparingInt(g -> g.instanceId == null ? 0 : 1)
            .thenComparingInt(g -> g.priority)
            .thenComparing(Comparator.<Grant>comparingDouble(g -> coverage(portion.apply(g), deficit)).reversed())
            .thenComparing(g -> g.instanceId == null ? "" : g.instanceId));
    for (Grant g : candidates) {
      if (!Vec.anyPositive(deficit)) {
        break;
      }
      long[] part = portion.apply(g);
      if (coverage(part, deficit) == 0) {
        continue;
      }
      Vec.subtractClamped(deficit, part);
      Vec.add(taken, part);
      if (g.instanceId == null) {
        rescinded.add(rescind.apply(g.offerId));
      } else {
        g.revoking = true;
        revocations.add(new Revocation(view.apply(g), owner));
      }
    }
    return taken;
  }

  private static double coverage(long[] part, long[] deficit) {
    double c = 0;
    for (int i = 0; i < part.length; i++) {
      if (deficit[i] > 0) {
        c += (double) Math.min(part[i], deficit[i]) / deficit[i];
      }
    }
    return c;
  }
}
