package io.poolbridge.allocator;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The role tree and its quota accounts: each role's consumption, guarantee and limit, what the
 * guarantees still claim (kept summed in the ledger's required headroom), and the limit policy.
 */
final class RoleTree {
  private int size;
  private final Ledger ledger;
  final Map<String, Role> roles = new HashMap<>();

  RoleTree(int size, Ledger ledger) {
    this.size = size;
    this.ledger = ledger;
  }

  /** Grows every role's vectors to {@code size}. */
  void widen(int size) {
    this.size = size;
    for (Role r : roles.values()) {
      r.widen(size);
    }
  }

  Role get(String path) {
    return roles.get(path);
  }

  Role role(String path) {
    Role r = roles.get(path);
    if (r == null) {
      String parentPath = RolePaths.parent(path);
      Role parent = parentPath == null ? null : role(parentPath);
      r = new Role(path, parent, size);
      roles.put(path, r);
      if (parent != null) {
        parent.childCount++;
      }
      r.quotaRole = parent == null ? null : parent.quotaRole;
      r.outermostGuaranteed = parent == null ? null : parent.outermostGuaranteed;
    }
    return r;
  }

  /**
   * Drops {@code r}, and then its ancestors, while nothing keeps it: no framework, child role or
   * reservation, no quota, no weight ({@code weighted}) and nothing accounted to it. Returns the
   * paths dropped.
   */
  java.util.List<String> dropUnused(Role r, java.util.function.Predicate<String> weighted) {
    java.util.List<String> dropped = new java.util.ArrayList<>();
    while (r != null && r.frameworkCount == 0 && r.childCount == 0 && r.reservationCount == 0
        && r.guarantee == null && r.limit == null && !weighted.test(r.path)
        && Vec.isZero(r.reserved) && Vec.isZero(r.unreservedUse) && Vec.isZero(r.revocableUse)
        && Vec.isZero(r.ancestorReservedUse) && roles.get(r.path) == r) {
      roles.remove(r.path);
      dropped.add(r.path);
      if (r.parent != null) {
        r.parent.childCount--;
      }
      r = r.parent;
    }
    return dropped;
  }

  /** Relinks every role to its nearest and outermost guarantee after a quota changed. */
  void quotaChanged() {
    for (Role each : roles.values()) {
      each.quotaRole = null;
      each.outermostGuaranteed = null;
      each.guaranteedBelow.clear();
      for (Role c : each.chain) {
        if (c.guarantee != null) {
          if (each.quotaRole == null) {
            each.quotaRole = c;
          }
          each.outermostGuaranteed = c;
        }
      }
    }
    for (Role d : roles.values()) {
      if (d.guarantee != null && d.parent != null && d.parent.quotaRole != null) {
        d.parent.quotaRole.guaranteedBelow.add(d);
      }
    }
    recomputeRequiredHeadroom();
  }

  void recomputeRequiredHeadroom() {
    Arrays.fill(ledger.requiredHeadroom, 0);
    for (Role r : roles.values()) {
      if (r.guarantee != null) {
        Vec.add(ledger.requiredHeadroom, slack(r));
      }
    }
  }

  /** Adds (sign +1) or removes reserved or unreserved non-revocable consumption along a role chain. */
  void adjustConsumption(Role leaf, long[] delta, boolean reservation, int sign) {
    // Only the guaranteed roles of this chain see their slack change.
    long[] before = leaf.quotaRole == null ? null : quotaUnmet(leaf);
    for (Role r : leaf.chain) {
      Vec.addSigned(reservation ? r.reserved : r.unreservedUse, delta, sign);
    }
    if (before != null) {
      long[] after = quotaUnmet(leaf);
      if (Vec.anySaturated(ledger.requiredHeadroom) || Vec.anySaturated(before) || Vec.anySaturated(after)) {
        recomputeRequiredHeadroom(); // a saturated sum cannot be updated by differences
      } else {
        for (int i = 0; i < size; i++) {
          ledger.requiredHeadroom[i] = Math.max(0, Vec.plus(ledger.requiredHeadroom[i], after[i] - before[i]));
        }
      }
    }
  }

  static long[] limitUse(Role r) {
    long[] u = r.consumed();
    Vec.add(u, r.revocableUse);
    Vec.add(u, r.ancestorReservedUse);
    return u;
  }

  /** Room left under the limits of a role and its ancestors; {@code null} when none has a limit. */
  static long[] limitRoom(Role r) {
    return limitRoomBelow(r, null);
  }

  /**
   * Room left under the limits of the roles of {@code r}'s chain strictly below {@code ancestor}
   * (those not charged with {@code ancestor}'s reservation already), or of the whole chain when
   * {@code ancestor} is {@code null}; {@code null} when none of them has a limit.
   */
  static long[] limitRoomBelow(Role r, String ancestor) {
    long[] room = null;
    for (Role c : r.chain) {
      if (c.path.equals(ancestor)) {
        break;
      }
      if (c.limit != null) {
        long[] left = Vec.positiveDifference(c.limit, limitUse(c));
        if (room == null) {
          room = left;
        } else {
          Vec.min(room, left);
        }
      }
    }
    return room;
  }

  /**
   * What the subtree of guaranteed role {@code q} still needs for every guarantee in it to be met:
   * its own unmet guarantee, or what its nearest guaranteed descendants still need, whichever is
   * more (a guarantee covers its descendants' guarantees, as in Mesos; a role that consumes more
   * than its share does not meet its descendants' guarantees).
   */
  long[] claim(Role q) {
    long[] claim = q.unmet();
    long[] below = new long[size];
    for (Role d : q.guaranteedBelow) {
      Vec.add(below, claim(d));
    }
    for (int i = 0; i < size; i++) {
      claim[i] = Math.max(claim[i], below[i]);
    }
    return claim;
  }

  /**
   * The part of guaranteed role {@code q}'s claim that none of its nearest guaranteed descendants
   * makes: what any role whose nearest guarantee is {@code q}, or below it, may take for it. The
   * required headroom is the sum of all slacks.
   */
  long[] slack(Role q) {
    long[] slack = claim(q);
    for (Role d : q.guaranteedBelow) {
      Vec.subtractClamped(slack, claim(d));
    }
    return slack;
  }

  /** What role {@code r} may still receive as guaranteed capacity: the slacks of its chain. */
  long[] quotaUnmet(Role r) {
    long[] total = new long[size];
    for (Role q : r.chain) {
      if (q.guarantee != null) {
        Vec.add(total, slack(q));
      }
    }
    return total;
  }
}
