package io.poolbridge.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The index's heap against a sorted set holding the same slots under the ranking, spelled out here. */
class SlotQueueTest {

  @Test
  void itsBestSlotIsAlwaysTheFirstInRankingOrder() {
    for (long seed = 0; seed < 50; seed++) {
      Random r = new Random(seed);
      int n = 1 + r.nextInt(200);
      boolean spread = r.nextBoolean();
      // Some runs without revocable or priced slots, where the ranking compares loads only.
      boolean tiered = seed % 3 != 0;
      SlotQueue.Ranks ranks = new SlotQueue.Ranks(n, spread);
      boolean[] revocable = new boolean[n];
      double[] price = new double[n];
      double[] load = new double[n];
      for (int p = 0; p < n; p++) {
        revocable[p] = tiered && r.nextInt(5) == 0;
        price[p] = tiered ? r.nextInt(3) * 0.5 : 0;
        load[p] = r.nextInt(4) / 4.0;
        ranks.set(p, revocable[p], price[p], load[p]);
      }
      SlotQueue queue = new SlotQueue(ranks);
      Comparator<Integer> byLoad = Comparator.comparingDouble(p -> load[p]);
      TreeSet<Integer> reference = new TreeSet<>(Comparator.<Integer, Boolean>comparing(p -> revocable[p])
          .thenComparingDouble(p -> price[p])
          .thenComparing(spread ? byLoad : byLoad.reversed())
          .thenComparing(p -> p));
      List<Integer> order = new ArrayList<>();
      for (int step = 0; step < 2_000; step++) {
        int p = r.nextInt(n);
        int op = r.nextInt(3);
        if (ranks.queueOf[p] == null) {
          queue.add(p);
          reference.add(p);
        } else if (op == 0) {
          queue.remove(p);
          reference.remove(p);
          assertThat(ranks.queueOf[p]).isNull();
        } else {
          // A load change, as when an instance lands on (or leaves) the slot's node.
          reference.remove(p);
          load[p] = r.nextInt(4) / 4.0;
          ranks.load(p, load[p]);
          reference.add(p);
          queue.changed(p);
        }
        assertThat(queue.isEmpty()).isEqualTo(reference.isEmpty());
        if (!reference.isEmpty()) {
          assertThat(queue.peek()).as("seed %d step %d", seed, step).isEqualTo(reference.first());
        }
      }
      // Draining it yields the slots in ranking order.
      while (!queue.isEmpty()) {
        int p = queue.peek();
        order.add(p);
        queue.remove(p);
      }
      assertThat(order).containsExactlyElementsOf(reference);
    }
  }
}
