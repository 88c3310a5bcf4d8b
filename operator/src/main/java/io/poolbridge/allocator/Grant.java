package io.poolbridge.allocator;

/** Resources of one agent held by one framework: an outstanding offer or a placement. */
final class Grant {
  /** The reserved portions of a grant on an agent without reservations (never written). */
  static final long[][] NO_PORTIONS = new long[0][];

  final Fw fw;
  final Agent agent;
  /** Replaced (never written in place) when its agent's reservations change: see Allocator.updateAgent. */
  long[] unreserved;
  /** Portions taken from the agent's reservations, by index into {@code agent.reservations}. */
  long[][] reserved;
  final boolean revocable;
  long offerId;
  /** When it was offered (clock millis), for the offer timeout; unused once placed. */
  long offeredAt;
  String instanceId;
  int priority;
  boolean revoking;
  /** The placements before and after it on its agent. */
  Grant prevOnAgent;
  Grant nextOnAgent;

  Grant(Fw fw, Agent agent, long[] unreserved, long[][] reserved, boolean revocable) {
    this.fw = fw;
    this.agent = agent;
    this.unreserved = unreserved;
    this.reserved = reserved;
    this.revocable = revocable;
  }

  void widen(int size) {
    unreserved = Vec.widen(unreserved, size);
    if (reserved.length > 0) {
      long[][] portions = new long[reserved.length][];
      for (int i = 0; i < reserved.length; i++) {
        portions[i] = Vec.widen(reserved[i], size);
      }
      reserved = portions;
    }
  }

  /**
   * Re-splits a placement over its agent's new reservations: what it held of a role's reservation
   * stays reserved as far as the role's new reservation on the agent has room, the rest is
   * unreserved from now on. What it holds in all does not change.
   */
  void resplit(Reservation[] old) {
    if (this.reserved.length == 0 && agent.reservations.length == 0) {
      return;
    }
    long[] unreserved = this.unreserved.clone();
    long[][] reserved = agent.reservations.length == 0 ? Grant.NO_PORTIONS : new long[agent.reservations.length][];
    for (int i = 0; i < this.reserved.length; i++) {
      long[] portion = this.reserved[i];
      if (portion == null) {
        continue;
      }
      long[] rest = portion.clone();
      int j = agent.reservationIndex(old[i].role);
      if (j >= 0) {
        long[] room = agent.reservations[j].free();
        if (reserved[j] != null) {
          Vec.subtractClamped(room, reserved[j]);
        }
        long[] take = rest.clone();
        Vec.min(take, room);
        if (Vec.anyPositive(take)) {
          if (reserved[j] == null) {
            reserved[j] = take;
          } else {
            Vec.add(reserved[j], take);
          }
          Vec.subtract(rest, take);
        }
      }
      Vec.add(unreserved, rest);
    }
    this.unreserved = unreserved;
    this.reserved = reserved;
  }

  long[] total() {
    long[] t = unreserved.clone();
    for (long[] portion : reserved) {
      if (portion != null) {
        Vec.add(t, portion);
      }
    }
    return t;
  }
}
