package io.poolbridge.scheduler;

import java.util.Arrays;

/**
 * A binary heap of slot positions, best first under {@link Ranks}: the queue of the per-workload
 * index of {@link FrameworkScheduler}. It knows where each of its slots is, so that a slot whose
 * rank changed moves in place and any slot can leave, both in O(log n), without allocating.
 */
final class SlotQueue {
  /**
   * The ranking keys of every slot of one scheduling call, by position, shared by the queues of
   * one workload: non-revocable first, then the cheapest, then the least (SPREAD) or most
   * (BIN_PACK) loaded node, then the position (agent id, then offer id).
   */
  static final class Ranks {
    private final boolean[] revocable;
    private final double[] price;
    /**
     * The load as a number that orders like the ranking: the bits of the load (a finite double of
     * 0 or more orders as its bits do), negated for BIN_PACK. One comparison of longs, then.
     */
    private final long[] load;
    private final boolean spread;
    /** Whether some slot is revocable or priced: the keys before the load are only compared then. */
    private boolean tiered;
    /** The queue each slot is in, or {@code null}; and its index in that queue's heap. */
    final SlotQueue[] queueOf;
    final int[] where;

    Ranks(int slots, boolean spread) {
      this.revocable = new boolean[slots];
      this.price = new double[slots];
      this.load = new long[slots];
      this.spread = spread;
      this.queueOf = new SlotQueue[slots];
      this.where = new int[slots];
    }

    /** Sets the keys of slot {@code p}; {@code price} and {@code load} are finite and never negative. */
    void set(int p, boolean revocable, double price, double load) {
      this.revocable[p] = revocable;
      this.price[p] = price;
      tiered |= revocable || price != 0;
      load(p, load);
    }

    /** Sets the load of slot {@code p}; move it in its queue with {@link SlotQueue#changed} after. */
    void load(int p, double load) {
      long bits = Double.doubleToLongBits(load + 0.0); // -0.0 becomes 0.0
      this.load[p] = spread ? bits : -bits;
    }

    /** Negative when slot {@code a} ranks before slot {@code b}; never 0 for two slots. */
    int compare(int a, int b) {
      if (tiered) {
        if (revocable[a] != revocable[b]) {
          return revocable[a] ? 1 : -1;
        }
        double x = price[a];
        double y = price[b];
        if (x != y) {
          return x < y ? -1 : 1;
        }
      }
      long x = load[a];
      long y = load[b];
      if (x != y) {
        return x < y ? -1 : 1;
      }
      return a < b ? -1 : a > b ? 1 : 0;
    }
  }

  private final Ranks ranks;
  private int[] heap = new int[16];
  private int size;

  SlotQueue(Ranks ranks) {
    this.ranks = ranks;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The best slot; the queue must not be empty. */
  int peek() {
    return heap[0];
  }

  void add(int p) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    ranks.queueOf[p] = this;
    heap[size] = p;
    ranks.where[p] = size;
    size++;
    up(size - 1);
  }

  /** Takes slot {@code p}, which is in this queue, out of it. */
  void remove(int p) {
    int i = ranks.where[p];
    ranks.queueOf[p] = null;
    size--;
    if (i != size) {
      int last = heap[size];
      heap[i] = last;
      ranks.where[last] = i;
      if (!up(i)) {
        down(i);
      }
    }
  }

  /** Moves slot {@code p}, which is in this queue, to its place after its keys changed. */
  void changed(int p) {
    int i = ranks.where[p];
    if (!up(i)) {
      down(i);
    }
  }

  /** Moves the slot at heap index {@code i} up while it ranks before its parent; whether it moved. */
  private boolean up(int i) {
    return rise(heap[i], i, 0) != i;
  }

  /**
   * Places slot {@code p}, whose place in the heap is free at index {@code i}, as high as its rank
   * takes it but not above index {@code top}; its index.
   */
  private int rise(int p, int i, int top) {
    while (i > top) {
      int parent = (i - 1) >>> 1;
      int q = heap[parent];
      if (ranks.compare(p, q) >= 0) {
        break;
      }
      heap[i] = q;
      ranks.where[q] = i;
      i = parent;
    }
    heap[i] = p;
    ranks.where[p] = i;
    return i;
  }

  /**
   * Moves the slot at heap index {@code i} down to its place. Bottom-up (Floyd): the better
   * children move up a level all the way to a leaf, one comparison a level, and the slot then
   * rises from there to its place. A slot whose rank just worsened by a placement (the usual
   * case: the best slot, taken) mostly belongs near the bottom, so this makes about half the
   * comparisons of stopping on the way down, and the comparisons of the descent are the ones a
   * branch predictor cannot guess.
   */
  private void down(int i) {
    int p = heap[i];
    int start = i;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && ranks.compare(heap[right], heap[child]) < 0) {
        child = right;
      }
      int q = heap[child];
      heap[i] = q;
      ranks.where[q] = i;
      i = child;
    }
    rise(p, i, start);
  }
}
