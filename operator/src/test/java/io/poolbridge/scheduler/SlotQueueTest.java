package io.poolbridge.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The index's heap against a sorted set holding the same slots under the same ranking. */
class SlotQueueTest {

  @Test
  void itsBestSlotIsAlwaysTheFirstInRankingOrder() {
    for (long seed = 0; seed < 50; seed++) {
      Random r = new Random(seed);
      int n = 1 + r.nextInt(200);
      SlotQueue.Ranks ranks = new SlotQueue.Ranks(n, r.nextBoolean());
      for (int p = 0; p < n; p++) {
        ranks.revocable[p] = r.nextInt(5) == 0;
        ranks.price[p] = r.nextInt(3) * 0.5;
        ranks.load[p] = r.nextInt(4) / 4.0;
      }
      SlotQueue queue = new SlotQueue(ranks);
      TreeSet<Integer> reference = new TreeSet<>(ranks::compare);
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
          ranks.load[p] = r.nextInt(4) / 4.0;
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
