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
  private final Map<String, Resources> nodeLeft = new HashMap<>();
  private final Deque<Step> steps = new ArrayDeque<>();

  OfferBook(List<NodeOffer> offers) {
    for (NodeOffer o : offers) {
      Slot s = new Slot(o);
      slots.add(s);
      nodeLeft.merge(s.agentId(), s.left, Resources::plus);
    }
    slots.sort(Comparator.comparing(Slot::agentId).thenComparingLong(Slot::offerId));
  }

  /** The slots, by agent id then offer id. */
  List<Slot> slots() {
    return slots;
  }

  /**
   * The node's load as the framework sees it: the dominant fraction of its capacity not left in
   * the framework's offers (used by instances, held by other frameworks, or taken in this call).
   */
  double load(Slot s) {
    Resources total = s.agent().total();
    return Amounts.dominantFraction(total.minus(nodeLeft.get(s.agentId())), total);
  }

  void take(Slot s, Resources amount, ConstraintState state) {
    s.left = s.left.minus(amount);
    nodeLeft.merge(s.agentId(), amount, Resources::minus);
    state.add(s.agent());
    steps.push(new Step(s, amount, state));
  }

  int mark() {
    return steps.size();
  }

  /** Undoes every {@link #take} since {@code mark}. */
  void rollback(int mark) {
    while (steps.size() > mark) {
      Step step = steps.pop();
      step.slot.left = step.slot.left.plus(step.taken);
      nodeLeft.merge(step.slot.agentId(), step.taken, Resources::plus);
      step.state.remove(step.slot.agent());
    }
  }
}
