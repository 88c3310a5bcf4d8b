package io.poolbridge.allocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who is served first: the allocation policy, kept apart from the allocation mechanism (the
 * allocator), as Mesos keeps its sorters apart from its hierarchical allocator.
 *
 * <p>Clients are named by '/'-separated paths. A hierarchical sorter treats a path as a position in
 * a tree ({@code eng/analytics} is a child of {@code eng}) and orders siblings, so a subtree is
 * served according to everything allocated under it. A client may also be an inner node (a role
 * with frameworks of its own and child roles).
 *
 * <p>Allocations are reported as deltas; implementations update their order incrementally.
 */
public interface Sorter {

  /** Adds an active client. Adding a client twice is an error. */
  void add(String client);

  /** Removes a client and its allocation. */
  void remove(String client);

  /** Includes the client in {@link #sort()} again. */
  void activate(String client);

  /** Leaves the client out of {@link #sort()} (e.g. a suppressed framework); its allocation stays. */
  void deactivate(String client);

  /** Sets the weight of a path (a client or an inner node); 1 when never set. */
  void updateWeight(String path, double weight);

  /** Forgets the weight set for a path: it is 1 again. */
  void clearWeight(String path);

  /** Records that {@code resources} were allocated to the client. */
  void allocated(String client, long[] resources);

  /** Records that {@code resources} allocated to the client were released. */
  void unallocated(String client, long[] resources);

  /**
   * Takes on a wider schema (see {@link ResourceSchema#isPrefixOf}): every allocation and total
   * gains the new resources with amount zero, so no share or order changes.
   */
  void extendSchema(ResourceSchema wider);

  /** Sets the pool totals that shares are fractions of. */
  void updateTotal(long[] total);

  /** The active clients, first-served first. The sequence must not be used across updates. */
  Iterable<String> sort();

  /**
   * The active clients of {@code subset}, in the order {@link #sort()} yields them: what {@link
   * #sort()} gives with the others left out. A sorter may find them without visiting every client.
   */
  default List<String> sort(Set<String> subset) {
    List<String> sorted = new ArrayList<>();
    for (String client : sort()) {
      if (subset.contains(client)) {
        sorted.add(client);
      }
    }
    return sorted;
  }

  /** The client's share of the totals (its dominant share under DRF). */
  double share(String path);

  /** The client's share divided by its weight: what the order is based on. */
  double weightedShare(String path);
}
