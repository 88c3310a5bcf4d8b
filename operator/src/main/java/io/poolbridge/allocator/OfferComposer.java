package io.poolbridge.allocator;

/**
 * Offer composition per stage: what an agent can offer a framework in the quota, fair-share or
 * borrowing stage of a cycle, within the role's limits and the headroom held for guarantees.
 */
final class OfferComposer {
  private int size;
  private final Ledger ledger;

  OfferComposer(int size, Ledger ledger) {
    this.size = size;
    this.ledger = ledger;
  }

  void widen(int size) {
    this.size = size;
  }

  /**
   * Whether anything on the agent could still be offered in this stage. Runs before and after every
   * offer, so it computes per resource instead of building the free and headroom vectors.
   */
  boolean agentOfferable(Agent a, Stage stage) {
    for (Reservation res : a.reservations) {
      for (int i = 0; i < size; i++) {
        if (res.total[i] - res.used[i] > 0) {
          return true;
        }
      }
    }
    boolean surplus = stage == Stage.FAIR && Vec.anyPositive(ledger.requiredHeadroom);
    for (int i = 0; i < size; i++) {
      long free = a.unreservedTotal[i] - a.unreservedUsed[i];
      if (surplus) {
        // Surplus headroom, lent capacity counted (see Ledger.surplusHeadroom()).
        free = Math.min(free, Math.max(0, Vec.plus(ledger.availableHeadroom[i], ledger.lentUnreserved[i]) - ledger.requiredHeadroom[i]));
      } else if (stage == Stage.BORROW) {
        free = Math.min(free, Math.max(0, ledger.requiredHeadroom[i] - ledger.lentUnreserved[i]));
      }
      if (free > 0) {
        return true;
      }
    }
    return false;
  }

  /** What agent {@code a} can offer framework {@code f} of role {@code r} in a stage, or null. */
  Grant compose(Agent a, Role r, Fw f, Stage stage, long[] unmet, long[] room) {
    long[] unreserved = a.freeUnreserved();
    long[][] reserved = a.reservations.length == 0 ? Grant.NO_PORTIONS : new long[a.reservations.length][];
    boolean any = false;
    if (stage == Stage.QUOTA) {
      long[] guaranteed = unreserved.clone();
      Vec.min(guaranteed, unmet);
      if (room != null) {
        Vec.min(guaranteed, room);
      }
      if (!Vec.anyPositive(guaranteed)) {
        return null;
      }
      long[] additional = unreserved;
      Vec.subtract(additional, guaranteed);
      if (room != null) {
        Vec.min(additional, Vec.positiveDifference(room, guaranteed));
      }
      Vec.min(additional, ledger.surplusHeadroom());
      Vec.add(additional, guaranteed);
      unreserved = additional;
      any = true;
    } else if (stage == Stage.FAIR) {
      if (room != null) {
        Vec.min(unreserved, room);
      }
      if (Vec.anyPositive(ledger.requiredHeadroom)) {
        Vec.min(unreserved, ledger.surplusHeadroom());
      }
      any = Vec.anyPositive(unreserved);
    } else {
      if (room != null) {
        Vec.min(unreserved, room);
      }
      Vec.min(unreserved, ledger.lendableHeadroom());
      any = Vec.anyPositive(unreserved);
    }
    long[] roomLeft = room == null ? null : Vec.positiveDifference(room, unreserved);
    // Owned reservations come root first (sorted paths of one chain), so what the grant already
    // takes counts against every role below the next one.
    long[] taken = unreserved.clone();
    for (int i = 0; i < a.reservations.length; i++) {
      Reservation res = a.reservations[i];
      boolean owned = RolePaths.isSelfOrDescendant(r.path, res.role);
      if (owned == (stage == Stage.BORROW)) {
        continue;
      }
      long[] free = res.free();
      if (stage == Stage.BORROW && roomLeft != null) {
        Vec.min(free, roomLeft);
        Vec.subtract(roomLeft, free);
      } else if (stage != Stage.BORROW) {
        long[] below = RoleTree.limitRoomBelow(r, res.role);
        if (below != null) {
          Vec.subtractClamped(below, taken);
          Vec.min(free, below);
        }
      }
      if (Vec.anyPositive(free)) {
        reserved[i] = free;
        Vec.add(taken, free);
        any = true;
      }
    }
    if (!any) {
      return null;
    }
    if (f.min != null && !minFits(f.min, unreserved, reserved)) {
      return null;
    }
    if (f.shapes != null && !holdsAShape(f, a.info, unreserved, reserved)) {
      return null;
    }
    return new Grant(f, a, unreserved, reserved, stage == Stage.BORROW);
  }

  /** Whether unreserved plus the reserved portions hold at least one of the framework's shapes that may run on the agent. */
  private boolean holdsAShape(Fw f, AgentInfo agent, long[] unreserved, long[][] reserved) {
    long[][] shapes = f.shapes;
    if (shapes.length == 0) {
      return false;
    }
    long[] total = unreserved.clone();
    for (long[] portion : reserved) {
      if (portion != null) {
        Vec.add(total, portion);
      }
    }
    for (int i = 0; i < shapes.length; i++) {
      if (Vec.fits(shapes[i], total) && (f.shapeAgents == null || f.shapeAgents[i].allows(agent))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code min} fits in unreserved plus the reserved portions: fits(min, total) without the total. */
  private boolean minFits(long[] min, long[] unreserved, long[][] reserved) {
    for (int k = 0; k < size; k++) {
      long total = unreserved[k];
      for (long[] portion : reserved) {
        if (portion != null) {
          total = Vec.plus(total, portion[k]);
        }
      }
      if (min[k] > total) {
        return false;
      }
    }
    return true;
  }
}
