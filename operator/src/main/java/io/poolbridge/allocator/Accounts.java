package io.poolbridge.allocator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The use accounts: applying a grant (an offer or a placement) to, or releasing it from, every
 * account it counts in — its agent's use and reservations, the ledger's headroom and lent capacity,
 * its role chain's consumption, revocable and ancestor-reservation use — and the sorters, whose
 * updates a cycle defers to the end of each agent (so one agent's loop reads a stable order).
 */
final class Accounts {
  private int size;
  private final Ledger ledger;
  private final RoleTree tree;
  private final Map<String, Agent> agents;
  private final Map<Long, Grant> offers;
  final Sorter roleSorter;
  /** One DRF sorter per role with frameworks, over its frameworks. */
  final Map<String, Sorter> frameworkSorters = new HashMap<>();
  private final List<Pending> pendingSorterUpdates = new ArrayList<>();
  /** While set (during a cycle), sorter updates wait for {@link #flushSorters()}. */
  boolean deferSorters;

  private record Pending(Fw fw, long[] delta) {}

  Accounts(int size, Ledger ledger, RoleTree tree, Map<String, Agent> agents, Map<Long, Grant> offers, Sorter roleSorter) {
    this.size = size;
    this.ledger = ledger;
    this.tree = tree;
    this.agents = agents;
    this.offers = offers;
    this.roleSorter = roleSorter;
  }

  /** Takes on a wider schema: the sorters widen their allocations and totals. */
  void extendSchema(ResourceSchema wider) {
    size = wider.size();
    roleSorter.extendSchema(wider);
    for (Sorter s : frameworkSorters.values()) {
      s.extendSchema(wider);
    }
  }

  /** The cluster total changed: every sorter's shares are of the new one. */
  void totalChanged() {
    roleSorter.updateTotal(ledger.clusterTotal);
    for (Sorter s : frameworkSorters.values()) {
      s.updateTotal(ledger.clusterTotal);
    }
  }

  /** Applies (+1) or releases (-1) a grant's resources in every account, the sorters included. */
  void use(Grant g, int sign) {
    long[] delta = g.total();
    account(g, sign, delta);
    if (sign < 0) {
      for (int k = 0; k < size; k++) {
        delta[k] = -delta[k];
      }
    }
    if (deferSorters) {
      pendingSorterUpdates.add(new Pending(g.fw, delta));
    } else {
      applySorter(g.fw, delta);
    }
  }

  /** Applies (+1) or releases (-1) a grant's resources in every account but the sorters. */
  void account(Grant g, int sign) {
    account(g, sign, g.revocable ? g.total() : null);
  }

  /** {@link #account(Grant, int)} given the grant's total, which it leaves as it is (null: not revocable). */
  private void account(Grant g, int sign, long[] total) {
    Agent a = g.agent;
    boolean active = a.state == AgentState.ACTIVE;
    boolean resync = active
        && (Vec.anySaturated(ledger.availableHeadroom) || (g.revocable && Vec.anySaturated(ledger.lentUnreserved)));
    // An agent's own accounts: plain arithmetic. The cluster-wide ones saturate. The headroom
    // counts the agent's free capacity, which is never negative: an agent shrunk below its
    // placements (updateAgent) frees nothing until they are back within its total.
    for (int i = 0; i < size; i++) {
      long before = a.unreservedTotal[i] - a.unreservedUsed[i];
      a.unreservedUsed[i] += sign * g.unreserved[i];
      if (active) {
        long change = Math.max(0, a.unreservedTotal[i] - a.unreservedUsed[i]) - Math.max(0, before);
        if (change != 0) {
          ledger.availableHeadroom[i] = Math.max(0, Vec.plus(ledger.availableHeadroom[i], change));
        }
      }
    }
    for (int i = 0; i < g.reserved.length; i++) {
      if (g.reserved[i] != null) {
        long[] used = a.reservations[i].used;
        for (int k = 0; k < size; k++) {
          used[k] += sign * g.reserved[i][k];
        }
      }
    }
    if (g.revocable) {
      if (a.state == AgentState.ACTIVE) {
        Vec.addSigned(ledger.lentUnreserved, g.unreserved, sign);
      }
      for (Role r : g.fw.role.chain) {
        Vec.addSigned(r.revocableUse, total, sign);
      }
    } else {
      tree.adjustConsumption(g.fw.role, g.unreserved, false, sign);
      for (int i = 0; i < g.reserved.length; i++) {
        if (g.reserved[i] != null) {
          for (Role r : g.fw.role.chain) {
            if (r.path.equals(a.reservations[i].role())) {
              break;
            }
            Vec.addSigned(r.ancestorReservedUse, g.reserved[i], sign);
          }
        }
      }
    }
    if (resync) {
      ledger.resync(agents.values(), offers);
    }
  }

  void flushSorters() {
    for (Pending p : pendingSorterUpdates) {
      applySorter(p.fw(), p.delta());
    }
    pendingSorterUpdates.clear();
  }

  void applySorter(Fw f, long[] delta) {
    boolean release = false;
    for (long d : delta) {
      if (d < 0) {
        release = true;
        break;
      }
    }
    Sorter fs = frameworkSorters.get(f.role.path);
    if (release) {
      long[] positive = delta.clone();
      for (int k = 0; k < size; k++) {
        positive[k] = -positive[k];
      }
      roleSorter.unallocated(f.role.path, positive);
      fs.unallocated(f.info.id(), positive);
    } else {
      roleSorter.allocated(f.role.path, delta);
      fs.allocated(f.info.id(), delta);
    }
  }

}
