package io.poolbridge.allocator;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * The cluster-wide ledger: the total of all agents and the headroom accounts that guarantees are
 * held against. Sums saturate at Long.MAX_VALUE (see {@link #resync}).
 */
final class Ledger {
  private int size;
  long[] clusterTotal;
  /** Σ over guaranteed roles of their slack (see RoleTree.slack): capacity held for guarantees. */
  long[] requiredHeadroom;
  /** Free unreserved capacity of active agents. */
  long[] availableHeadroom;
  /**
   * Unreserved capacity of active agents lent as revocable. It can be taken back, so it still
   * counts as headroom for unmet guarantees.
   */
  long[] lentUnreserved;

  Ledger(int size) {
    this.size = size;
    this.clusterTotal = new long[size];
    this.requiredHeadroom = new long[size];
    this.availableHeadroom = new long[size];
    this.lentUnreserved = new long[size];
  }

  /** Grows every account to {@code size} (zeros for the new resources). */
  void widen(int size) {
    this.size = size;
    clusterTotal = Vec.widen(clusterTotal, size);
    requiredHeadroom = Vec.widen(requiredHeadroom, size);
    availableHeadroom = Vec.widen(availableHeadroom, size);
    lentUnreserved = Vec.widen(lentUnreserved, size);
  }

  /**
   * Recomputes the cluster-wide accounts from the agents. Sums saturate at Long.MAX_VALUE, and a
   * saturated account minus a part is no longer the sum of the rest: an account that may have
   * saturated is recomputed when it shrinks rather than updated (only on estates whose amounts add
   * up beyond a long).
   */
  void resync(Collection<Agent> agents, Map<Long, Grant> offers) {
    Arrays.fill(clusterTotal, 0);
    Arrays.fill(availableHeadroom, 0);
    Arrays.fill(lentUnreserved, 0);
    for (Agent a : agents) {
      Vec.add(clusterTotal, a.total);
      if (a.state == AgentState.ACTIVE) {
        Vec.add(availableHeadroom, a.freeUnreserved());
        Vec.add(lentUnreserved, lentOn(a));
        for (Long id : a.offerIds) {
          Grant g = offers.get(id);
          if (g.revocable) {
            Vec.add(lentUnreserved, g.unreserved);
          }
        }
      }
    }
  }

  /** Unreserved capacity of the agent's revocable placements. */
  long[] lentOn(Agent a) {
    long[] lent = new long[size];
    for (Grant g = a.firstPlaced; g != null; g = g.nextOnAgent) {
      if (g.revocable) {
        Vec.add(lent, g.unreserved);
      }
    }
    return lent;
  }

  /** Headroom beyond what unmet guarantees need; lent capacity counts, as it can be taken back. */
  long[] surplusHeadroom() {
    long[] headroom = availableHeadroom.clone();
    Vec.add(headroom, lentUnreserved);
    return Vec.positiveDifference(headroom, requiredHeadroom);
  }

  long[] lendableHeadroom() {
    return Vec.positiveDifference(requiredHeadroom, lentUnreserved);
  }
}
