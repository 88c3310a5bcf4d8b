package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.Resources;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * The offers of one scheduling call and what is left of them, with an undo log so a gang's
 * tentative placements can be rolled back.
 */
final class OfferBook {
  /** One offer and what is left of it. */
  static final class Slot {
    final NodeOffer offer;
    /** What is left of the offer, in schema order; changed in place. */
    final long[] left;
    /** Its index in {@link #slots()}. */
    int position;
    /** The index of its offer in the request's list. */
    final int requestIndex;
    /** The positions of the first and last slot on the same agent (slots are sorted by agent). */
    int firstOnAgent;
    int lastOnAgent;
    /** Its agent: capacity, what is left of it in all the framework's offers, load; shared by the agent's slots. */
    Node node;

    // The offer's fields the hot paths read, copied here: one load instead of a walk through
    // NodeOffer and Offer for every workload that ranks the slot.
    private final AgentInfo agent;
    private final String agentId;
    private final String pool;
    private final long offerId;
    private final boolean revocable;

    Slot(NodeOffer offer, int requestIndex) {
      this.offer = offer;
      this.left = offer.offer().resources().toArray();
      this.requestIndex = requestIndex;
      this.agent = offer.agent();
      this.agentId = agent.id();
      this.pool = offer.offer().pool();
      this.offerId = offer.offer().id();
      this.revocable = offer.offer().revocable();
    }

    /** What is left of the offer. */
    Resources left() {
      return Resources.ofArray(offer.offer().resources().schema(), left);
    }

    /** Whether what is left of the offer holds {@code need}. */
    boolean holds(Resources need) {
      for (int i = 0; i < left.length; i++) {
        if (need.get(i) > left[i]) {
          return false;
        }
      }
      return true;
    }

    AgentInfo agent() {
      return agent;
    }

    String agentId() {
      return agentId;
    }

    String pool() {
      return pool;
    }

    long offerId() {
      return offerId;
    }

    boolean revocable() {
      return revocable;
    }

    /** Whether the offer holds the node's entire capacity and nothing was taken from it yet. */
    boolean wholeNode() {
      Resources total = agent.total();
      for (int i = 0; i < left.length; i++) {
        if (left[i] != total.get(i)) {
          return false;
        }
      }
      return true;
    }
  }

  private record Step(Slot slot, Resources taken, ConstraintState state) {}

  /** One agent of the offers: its capacity, what is left of it, its load as of the last change. */
  static final class Node {
    final long[] total;
    final long[] left;
    double load;

    Node(long[] total, long[] left) {
      this.total = total;
      this.left = left;
    }

    void update() {
      double max = 0;
      for (int i = 0; i < left.length; i++) {
        long t = total[i];
        if (t > 0) {
          max = Math.max(max, (double) Math.max(0, t - left[i]) / t);
        }
      }
      load = max;
    }
  }

  /** The order of the slots: by agent id, then offer id. */
  private static final Comparator<Slot> BY_AGENT_THEN_OFFER = (a, b) -> {
    int byAgent = a.agentId.compareTo(b.agentId);
    return byAgent != 0 ? byAgent : Long.compare(a.offerId, b.offerId);
  };

  private final List<Slot> slots = new ArrayList<>();
  private final Deque<Step> steps = new ArrayDeque<>();

  OfferBook(List<NodeOffer> offers) {
    for (int r = 0; r < offers.size(); r++) {
      slots.add(new Slot(offers.get(r), r));
    }
    slots.sort(BY_AGENT_THEN_OFFER);
    // The slots of one agent are now together: they share one node.
    for (int first = 0; first < slots.size(); ) {
      Slot s = slots.get(first);
      int last = first;
      while (last + 1 < slots.size() && slots.get(last + 1).agentId.equals(s.agentId)) {
        last++;
      }
      Node node = new Node(s.agent().total().toArray(), new long[s.left.length]);
      for (int i = first; i <= last; i++) {
        Slot t = slots.get(i);
        t.position = i;
        t.firstOnAgent = first;
        t.lastOnAgent = last;
        t.node = node;
        for (int k = 0; k < node.left.length; k++) {
          node.left[k] += t.left[k];
        }
      }
      node.update();
      first = last + 1;
    }
  }

  /** The slots, by agent id then offer id; a slot's {@link Slot#position} is its index here. */
  List<Slot> slots() {
    return slots;
  }

  /**
   * The node's load as the framework sees it: the dominant fraction of its capacity not left in
   * the framework's offers (used by instances, held by other frameworks, or taken in this call).
   */
  double load(Slot s) {
    return s.node.load;
  }

  /**
   * Takes {@code amount} out of slot {@code s} for one more instance of {@code state}'s workload.
   * With {@code undoable}, {@link #rollback} can give it back (a gang's tentative placements);
   * without, it is final for this call.
   */
  void take(Slot s, Resources amount, ConstraintState state, boolean undoable) {
    long[] left = s.node.left;
    for (int i = 0; i < left.length; i++) {
      long a = amount.get(i);
      s.left[i] = Math.max(0, s.left[i] - a);
      left[i] = Math.max(0, left[i] - a);
    }
    s.node.update();
    state.add(s.agent());
    if (undoable) {
      steps.push(new Step(s, amount, state));
    }
  }

  int mark() {
    return steps.size();
  }

  /** Undoes every undoable {@link #take} since {@code mark}. */
  void rollback(int mark) {
    while (steps.size() > mark) {
      Step step = steps.pop();
      long[] left = step.slot.node.left;
      for (int i = 0; i < left.length; i++) {
        long a = step.taken.get(i);
        step.slot.left[i] += a;
        left[i] += a;
      }
      step.slot.node.update();
      step.state.remove(step.slot.agent());
    }
  }
}
