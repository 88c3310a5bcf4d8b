package io.poolbridge.allocator;

import java.util.ArrayList;
import java.util.List;

/** A role of the tree, with its quota and the accounts its guarantee and limit are checked against. */
final class Role {
  final String path;
  final Role parent;
  final Role[] chain;
  long[] reserved;
  long[] unreservedUse;
  long[] revocableUse;
  /** Non-revocable use of an ancestor's reservation by this subtree: counts towards its limit. */
  long[] ancestorReservedUse;
  long[] guarantee;
  long[] limit;
  Role quotaRole;
  Role outermostGuaranteed;
  /** For a guaranteed role: its nearest guaranteed descendants (kept by setQuota). */
  final List<Role> guaranteedBelow = new ArrayList<>();
  /** Its subtree's pending demand, as of the last cycle that looked at reclaiming (when it had some). */
  long[] demand;
  int frameworkCount;
  /** Agents' reservations for exactly this role, and roles whose parent it is: both keep it in the tree. */
  int reservationCount;
  int childCount;
  /** Placements ever made by frameworks of its subtree. */
  long placed;
  /** When capacity was last taken back for it: its subtree's demand and placement count then, and the cycle. */
  long[] reclaimedForDemand;
  long reclaimedAtPlaced;
  long reclaimedInCycle;

  Role(String path, Role parent, int size) {
    this.path = path;
    this.parent = parent;
    this.reserved = new long[size];
    this.unreservedUse = new long[size];
    this.revocableUse = new long[size];
    this.ancestorReservedUse = new long[size];
    List<Role> c = new ArrayList<>();
    for (Role r = this; r != null; r = r.parent) {
      c.add(r);
    }
    this.chain = c.toArray(Role[]::new);
  }

  /** Grows every vector to {@code size}: zero of the new resources, and no limit on them. */
  void widen(int size) {
    reserved = Vec.widen(reserved, size);
    unreservedUse = Vec.widen(unreservedUse, size);
    revocableUse = Vec.widen(revocableUse, size);
    ancestorReservedUse = Vec.widen(ancestorReservedUse, size);
    guarantee = Vec.widen(guarantee, size);
    limit = Vec.widen(limit, size, Vec.UNLIMITED);
    demand = Vec.widen(demand, size);
    reclaimedForDemand = Vec.widen(reclaimedForDemand, size);
  }

  /** reservations + unreserved non-revocable use: what counts towards the guarantee. */
  long[] consumed() {
    long[] c = reserved.clone();
    Vec.add(c, unreservedUse);
    return c;
  }

  long[] unmet() {
    return Vec.positiveDifference(guarantee, consumed());
  }
}
