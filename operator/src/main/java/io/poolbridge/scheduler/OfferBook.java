package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.Resources;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The offers of one scheduling call and what is left of them, with an undo log so a gang's
 * tentative placements can be rolled back.
 */
final class OfferBook {
  /** One offer and what is left of it. */
  static final class Slot {
    final NodeOffer offer;
    Resources left;
    /** Its index in {@link #slots()}. */
    int position;
    /** The positions of the first and last slot on the same agent (slots are sorted by agent). */
    int firstOnAgent;
    int lastOnAgent;
    /** What is left of its agent in all the framework's offers; shared by the agent's slots. */
    long[] nodeLeft;

    Slot(NodeOffer offer) {
      this.offer = offer;
      this.left = offer.offer().resources();
    }

    AgentInfo agent() {
      return offer.agent();
    }

    String agentId() {
      return offer.agent().id();
    }

    String pool() {
      return offer.offer().pool();
    }

    long offerId() {
      return offer.offer().id();
    }

    boolean revocable() {
      return offer.offer().revocable();
    }

    /** Whether the offer holds the node's entire capacity and nothing was taken from it yet. */
    boolean wholeNode() {
      return left.equals(offer.agent().total());
    }
  }

  private record Step(Slot slot, Resources taken, ConstraintState state) {}

  private final List<Slot> slots = new ArrayList<>();
  /** Per agent, what is left of it in the framework's offers (amounts of the schema, never negative). */
  private final Map<String, long[]> nodeLeft = new HashMap<>();
  private final Deque<Step> steps = new ArrayDeque<>();

  OfferBook(List<NodeOffer> offers) {
    for (NodeOffer o : offers) {
      Slot s = new Slot(o);
      slots.add(s);
      long[] left = nodeLeft.computeIfAbsent(s.agentId(), k -> new long[s.left.schema().size()]);
      for (int i = 0; i < left.length; i++) {
        left[i] += s.left.get(i);
      }
    }
    slots.sort(Comparator.comparing(Slot::agentId).thenComparingLong(Slot::offerId));
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      s.position = i;
      s.nodeLeft = nodeLeft.get(s.agentId());
      s.firstOnAgent = i > 0 && slots.get(i - 1).agentId().equals(s.agentId()) ? slots.get(i - 1).firstOnAgent : i;
    }
    for (int i = slots.size() - 1; i >= 0; i--) {
      Slot s = slots.get(i);
      s.lastOnAgent = i + 1 < slots.size() && slots.get(i + 1).agentId().equals(s.agentId()) ? slots.get(i + 1).lastOnAgent : i;
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
    Resources total = s.agent().total();
    long[] left = s.nodeLeft;
    double max = 0;
    for (int i = 0; i < left.length; i++) {
      long t = total.get(i);
      if (t > 0) {
        max = Math.max(max, (double) Math.max(0, t - left[i]) / t);
      }
    }
    return max;
  }

  /**
   * Takes {@code amount} out of slot {@code s} for one more instance of {@code state}'s workload.
   * With {@code undoable}, {@link #rollback} can give it back (a gang's tentative placements);
   * without, it is final for this call.
   */
  void take(Slot s, Resources amount, ConstraintState state, boolean undoable) {
    s.left = s.left.minus(amount);
    long[] left = s.nodeLeft;
    for (int i = 0; i < left.length; i++) {
      left[i] = Math.max(0, left[i] - amount.get(i));
    }
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
      step.slot.left = step.slot.left.plus(step.taken);
      long[] left = step.slot.nodeLeft;
      for (int i = 0; i < left.length; i++) {
        left[i] += step.taken.get(i);
      }
      step.state.remove(step.slot.agent());
    }
  }
}
