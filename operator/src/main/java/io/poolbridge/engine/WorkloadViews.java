package io.poolbridge.engine;

import io.poolbridge.engine.EngineSnapshot.WorkloadView;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The workload views of one snapshot: an immutable map in submission order, kept in shards by
 * key hash so that publishing a snapshot copies only the shards whose views changed (and the array
 * of keys when workloads came or went), not every view of a large estate.
 */
final class WorkloadViews extends AbstractMap<String, WorkloadView> {
  static final int SHARDS = 64;

  private final String[] order;
  private final java.util.List<Map<String, WorkloadView>> shards;

  WorkloadViews(String[] order, java.util.List<Map<String, WorkloadView>> shards) {
    this.order = order;
    this.shards = shards;
  }

  static int shard(String key) {
    return Math.floorMod(key.hashCode(), SHARDS);
  }

  @Override
  public WorkloadView get(Object key) {
    return key instanceof String k ? shards.get(shard(k)).get(k) : null;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    return order.length;
  }

  @Override
  public Set<Entry<String, WorkloadView>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return order.length;
      }

      @Override
      public Iterator<Entry<String, WorkloadView>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < order.length;
          }

          @Override
          public Entry<String, WorkloadView> next() {
            if (next >= order.length) {
              throw new NoSuchElementException();
            }
            String key = order[next++];
            return new SimpleImmutableEntry<>(key, get(key));
          }
        };
      }
    };
  }
}
