package io.poolbridge.scheduler;

import io.poolbridge.scheduler.OfferBook.Slot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link FrameworkScheduler}'s index of the slots one workload may use, in the order of {@link
 * FrameworkScheduler#ranking}, kept current while the workload's instances are placed, so that each
 * instance's best slot is found without scanning and ranking every offer again. It finds exactly
 * the slot {@link FrameworkScheduler#match} would: the first in ranking order that is big enough
 * and within the constraints.
 *
 * <p>While one workload is placed, what is left of a slot and the node loads only change by its
 * own placements ({@link #taken}), and its constraint counts only grow. So a slot that is too
 * small, or that a constraint other than {@code GROUP_BY} rejects, stays out for the rest of the
 * workload and is dropped: {@code UNIQUE} and {@code MAX_PER} counts only grow; {@code LIKE},
 * {@code UNLIKE}, {@code IS} and a missing attribute do not depend on counts; {@code CLUSTER}
 * admits a value only while it is the one value used, or none is. A {@code GROUP_BY} value
 * rejected now may be admitted again once the other values catch up: its slots are skipped, not
 * dropped. The {@code GROUP_BY} domain (values of the slots big enough) is counted per value and
 * updated as slots become too small.
 *
 * <p>With one {@code GROUP_BY} attribute of a few values (zones, regions, pools), the slots are
 * queued per value: only the queues of the values it admits are looked at, and the best is the
 * best of their heads. Otherwise one queue holds them all and the slots of values not admitted
 * are stepped over.
 */
final class Candidates {
  /** The most values of a GROUP_BY attribute for which the slots are queued per value. */
  private static final int MAX_PARTITIONS = 64;

  private final Prices prices;
  private final WorkloadDemand d;
  private final ConstraintState state;
  private final OfferBook book;
  private final SlotQueue.Ranks ranks;
  /** The one queue, or {@code null} when the slots are queued per value of a GROUP_BY attribute. */
  private final SlotQueue queue;
  /** The index of the GROUP_BY constraint whose values partition the slots, or -1. */
  private final int partitionBy;
  /** The queues per value of that attribute. */
  private final Map<String, SlotQueue> partitions = new HashMap<>();
  /** The candidate of each slot, by the slot's position in the book; {@code null} where not allowed. */
  private final Candidate[] byPosition;
  private final List<String> groupAttributes = new ArrayList<>();
  /** For each GROUP_BY attribute, the number of big-enough slots per value. */
  private final Map<String, Map<String, Integer>> domainCounts = new HashMap<>();
  /** For each GROUP_BY attribute, the values with a big-enough slot: {@link ConstraintState#domain}. */
  private final Map<String, Set<String>> domain = new HashMap<>();
  /** Slots stepped over by {@link #first}, to queue again. */
  private int[] skipped = new int[16];

  /** A slot allowed to the workload; its ranking keys are in {@link #ranks}. */
  private final class Candidate {
    final Slot slot;
    /** The node's value of each constraint's attribute. */
    final String[] values;
    boolean bigEnough;

    Candidate(Slot slot) {
      this.slot = slot;
      this.values = state.values(slot.agent());
      this.bigEnough = FrameworkScheduler.bigEnough(d, slot);
      ranks.set(slot.position, slot.revocable(), prices.rankingPerHour(slot.pool(), d.resources()), book.load(slot));
    }
  }

  Candidates(Prices prices, WorkloadDemand d, ConstraintState state, OfferBook book) {
    this.prices = prices;
    this.d = d;
    this.state = state;
    this.book = book;
    int groupBy = -1;
    for (int i = 0; i < d.constraints().size(); i++) {
      Constraint c = d.constraints().get(i);
      if (c.operator() == Constraint.Operator.GROUP_BY) {
        if (!domain.containsKey(c.attribute())) {
          groupAttributes.add(c.attribute());
          domain.put(c.attribute(), new HashSet<>());
          domainCounts.put(c.attribute(), new HashMap<>());
        }
        groupBy = groupBy == -1 ? i : groupBy;
      }
    }
    List<Slot> slots = book.slots();
    // The ranking of match(); the book's slots are sorted by agent id then offer id, so a slot's
    // position there is the order of the last two keys.
    ranks = new SlotQueue.Ranks(slots.size(), d.strategy() == Strategy.SPREAD);
    byPosition = new Candidate[slots.size()];
    List<Candidate> big = new ArrayList<>();
    Set<String> values = new HashSet<>();
    for (Slot s : slots) {
      if (!s.revocable() || d.revocableOk()) {
        Candidate c = new Candidate(s);
        byPosition[s.position] = c;
        if (c.bigEnough) {
          countDomain(s, +1);
          big.add(c);
          if (groupBy >= 0) {
            values.add(String.valueOf(c.values[groupBy]));
          }
        }
      }
    }
    this.partitionBy = groupAttributes.size() == 1 && values.size() <= MAX_PARTITIONS ? groupBy : -1;
    this.queue = partitionBy < 0 ? new SlotQueue(ranks) : null;
    for (Candidate c : big) {
      enqueue(c);
    }
  }

  /**
   * Puts a candidate in its queue, unless a constraint keeps it off whatever the counts (a
   * node without the partitioning attribute is such a one).
   */
  private void enqueue(Candidate c) {
    for (int i = 0; i < c.values.length; i++) {
      if (d.constraints().get(i).rejectsAlways(c.values[i])) {
        return;
      }
    }
    SlotQueue q = queue;
    if (q == null) {
      String v = c.values[partitionBy];
      q = partitions.computeIfAbsent(v, k -> new SlotQueue(ranks));
    }
    q.add(c.slot.position);
  }

  private void countDomain(Slot s, int delta) {
    for (String attribute : groupAttributes) {
      String v = s.agent().attributes().get(attribute);
      if (v != null) {
        int n = domainCounts.get(attribute).merge(v, delta, Integer::sum);
        if (n == 0) {
          domain.get(attribute).remove(v);
        } else if (n == delta) {
          domain.get(attribute).add(v);
        }
      }
    }
  }

  /** The best slot for one more instance, or {@code null} when none holds it. */
  Slot best() {
    // Nothing changes the counts or the domain while the slots are checked.
    int[] groupMinimums = state.groupMinimums(domain);
    if (queue != null) {
      int p = first(queue, groupMinimums);
      return p < 0 ? null : byPosition[p].slot;
    }
    int best = -1;
    for (Map.Entry<String, SlotQueue> e : partitions.entrySet()) {
      // The values the GROUP_BY admits: those with the fewest instances.
      if (state.count(partitionBy, e.getKey()) == groupMinimums[partitionBy]) {
        int p = first(e.getValue(), groupMinimums);
        if (p >= 0 && (best < 0 || ranks.compare(p, best) < 0)) {
          best = p;
        }
      }
    }
    return best < 0 ? null : byPosition[best].slot;
  }

  /**
   * The best slot of {@code q} within the constraints, or -1. Slots a constraint other than
   * GROUP_BY rejects leave the queue for good; those a GROUP_BY rejects are stepped over.
   */
  private int first(SlotQueue q, int[] groupMinimums) {
    int found = -1;
    int stepped = 0;
    while (!q.isEmpty()) {
      int p = q.peek();
      // Queued slots pass the count-free constraints (enqueue checked them): only counts can fail.
      Constraint unmet = state.firstUnmetCounted(byPosition[p].values, groupMinimums);
      if (unmet == null) {
        found = p;
        break;
      }
      q.remove(p);
      if (unmet.operator() == Constraint.Operator.GROUP_BY) {
        if (stepped == skipped.length) {
          skipped = Arrays.copyOf(skipped, stepped * 2);
        }
        skipped[stepped++] = p;
      }
    }
    for (int i = 0; i < stepped; i++) {
      q.add(skipped[i]);
    }
    return found;
  }

  /** Brings the index up to date after an instance was placed on {@code slot}. */
  void taken(Slot slot) {
    Candidate taken = byPosition[slot.position];
    if (taken.bigEnough && !FrameworkScheduler.bigEnough(d, slot)) {
      taken.bigEnough = false;
      countDomain(slot, -1);
      SlotQueue q = ranks.queueOf[slot.position];
      if (q != null) {
        q.remove(slot.position);
      }
    }
    // The node's load changed for every slot on it: move them to their new rank.
    for (int p = slot.firstOnAgent; p <= slot.lastOnAgent; p++) {
      if (byPosition[p] == null) {
        continue;
      }
      ranks.load(p, book.load(byPosition[p].slot));
      SlotQueue q = ranks.queueOf[p];
      if (q != null) {
        q.changed(p);
      }
    }
  }
}
