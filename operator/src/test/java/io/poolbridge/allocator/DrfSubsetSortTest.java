package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link DrfSorter#sort(Set)} yields the clients of the subset in exactly the order {@link
 * DrfSorter#sort()} yields them, the others left out: the allocator visits only the roles that can
 * be offered anything that way, and its offers must not change. Seeded random nested trees,
 * weights, allocations (ties included), deactivations and removals.
 */
class DrfSubsetSortTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpus", "mem");

  @Test
  void aSubsetIsSortedAsTheWholeTreeSortsIt() {
    for (long seed = 0; seed < 300; seed++) {
      Random random = new Random(seed);
      DrfSorter s = new DrfSorter(SCHEMA);
      s.updateTotal(new long[] {100_000, 100_000});
      List<String> clients = new ArrayList<>();
      String[] parts = {"a", "b", "c", "d"};
      for (int i = 0; i < 40; i++) {
        int depth = 1 + random.nextInt(3);
        StringBuilder path = new StringBuilder();
        for (int d = 0; d < depth; d++) {
          path.append(d == 0 ? "" : "/").append(parts[random.nextInt(parts.length)]);
        }
        String client = path.toString();
        if (!clients.contains(client)) {
          s.add(client);
          clients.add(client);
        }
        if (random.nextInt(5) == 0) {
          s.updateWeight(client, 1 + random.nextInt(3));
        }
      }
      for (int step = 0; step < 200; step++) {
        String c = clients.get(random.nextInt(clients.size()));
        switch (random.nextInt(6)) {
          case 0 -> s.deactivate(c);
          case 1 -> s.activate(c);
          case 2 -> s.unallocated(c, new long[] {random.nextInt(3) * 1_000, 0});
          default -> s.allocated(c, new long[] {random.nextInt(3) * 1_000, random.nextInt(2) * 1_000});
        }
        if (random.nextInt(50) == 0 && clients.size() > 5) {
          s.remove(c);
          clients.remove(c);
        }
        if (random.nextInt(40) == 0) {
          s.updateTotal(new long[] {100_000 + random.nextInt(50_000), 100_000});
        }
        Set<String> subset = new HashSet<>();
        for (String client : clients) {
          if (random.nextInt(4) == 0) {
            subset.add(client);
          }
        }
        subset.add("not-a-client");
        List<String> expected = new ArrayList<>();
        for (String client : s.sort()) {
          if (subset.contains(client)) {
            expected.add(client);
          }
        }
        assertThat(s.sort(subset)).as("seed %d step %d", seed, step).containsExactlyElementsOf(expected);
      }
    }
  }
}
