package io.poolbridge.allocator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** An agent as the allocator keeps it: its capacity, reservations, offers and placements. */
final class Agent {
  final int idx;
  /** What it is now: {@link #reset} changes it in place (see Allocator.updateAgent). */
  AgentInfo info;
  long[] total;
  long[] unreservedTotal;
  /** May exceed {@link #unreservedTotal} after the agent shrank below its placements. */
  long[] unreservedUsed;
  Reservation[] reservations;
  final Set<Long> offerIds = new LinkedHashSet<>();
  /** Its placements, oldest first, linked through {@link Grant#nextOnAgent}: no hashing per launch. */
  Grant firstPlaced;
  Grant lastPlaced;
  AgentState state = AgentState.ACTIVE;

  Agent(int idx, AgentInfo info, int size) {
    this.idx = idx;
    reset(info, size);
  }

  /** Takes on {@code info}'s capacity and reservations, nothing used (the caller re-applies its grants). */
  void reset(AgentInfo info, int size) {
    this.info = info;
    this.total = info.total().toArray();
    this.unreservedTotal = total.clone();
    this.unreservedUsed = new long[size];
    this.reservations = new Reservation[info.reservations().size()];
    int i = 0;
    for (var e : new TreeMap<>(info.reservations()).entrySet()) {
      long[] amount = e.getValue().toArray();
      reservations[i++] = new Reservation(e.getKey(), amount, new long[size]);
      Vec.subtract(unreservedTotal, amount);
    }
  }

  /** Grows every vector to {@code schema} (zeros for the new resources). */
  void widen(ResourceSchema schema) {
    int size = schema.size();
    Map<String, Resources> reserved = new java.util.HashMap<>();
    info.reservations().forEach((role, r) -> reserved.put(role, r.widen(schema)));
    info = new AgentInfo(info.id(), info.pool(), info.attributes(), info.total().widen(schema), reserved);
    total = Vec.widen(total, size);
    unreservedTotal = Vec.widen(unreservedTotal, size);
    unreservedUsed = Vec.widen(unreservedUsed, size);
    for (Reservation r : reservations) {
      r.widen(size);
    }
  }

  void link(Grant g) {
    g.prevOnAgent = lastPlaced;
    g.nextOnAgent = null;
    if (lastPlaced == null) {
      firstPlaced = g;
    } else {
      lastPlaced.nextOnAgent = g;
    }
    lastPlaced = g;
  }

  void unlink(Grant g) {
    if (g.prevOnAgent == null) {
      firstPlaced = g.nextOnAgent;
    } else {
      g.prevOnAgent.nextOnAgent = g.nextOnAgent;
    }
    if (g.nextOnAgent == null) {
      lastPlaced = g.prevOnAgent;
    } else {
      g.nextOnAgent.prevOnAgent = g.prevOnAgent;
    }
    g.prevOnAgent = null;
    g.nextOnAgent = null;
  }

  /** Its placements, oldest first, as a list of their own. */
  List<Grant> placed() {
    List<Grant> list = new ArrayList<>();
    for (Grant g = firstPlaced; g != null; g = g.nextOnAgent) {
      list.add(g);
    }
    return list;
  }

  /** Free unreserved capacity, never negative (placements may use more than a shrunk agent has). */
  long[] freeUnreserved() {
    return Vec.positiveDifference(unreservedTotal, unreservedUsed);
  }

  long[] used() {
    long[] u = unreservedUsed.clone();
    for (Reservation r : reservations) {
      Vec.add(u, r.used);
    }
    return u;
  }

  /** The index of the role's reservation on it, or -1 when it has none. */
  int reservationIndex(String role) {
    for (int i = 0; i < reservations.length; i++) {
      if (reservations[i].role().equals(role)) {
        return i;
      }
    }
    return -1;
  }
}
