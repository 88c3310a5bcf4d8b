package io.poolbridge.engine;

import io.poolbridge.allocator.Offer;
import io.poolbridge.allocator.OfferCounts;
import io.poolbridge.scheduler.Assignment;
import java.time.Instant;
import java.util.List;

/**
 * What one {@link Engine#tick} decided, together with what the events since the last tick
 * decided (an agent that left, a workload scaled down).
 *
 * @param round the engine's round counter: how many ticks did work
 * @param placed instances to start, each with its node, pool, resources, revocable flag and
 *     price; the allocator has accounted them already, and they wait for {@link Engine#commit}
 *     (or {@link Engine#rollBack})
 * @param stopped instances to stop, with the reason; their resources are released already
 * @param rescinded offers taken back (an agent left, a limit was lowered, an offer timed out)
 * @param settled whether the estate is settled after this tick: nothing changed for long enough
 *     that every refuse filter expired, and no preemption was planned. Ticks after that are idle
 *     until the next event.
 * @param idle whether this tick did no work at all (settled, and no event since)
 * @param offers the offers made, accepted, declined and rescinded since the previous tick (for metrics)
 */
public record Tick(
    long round, Instant at, List<Assignment> placed, List<Stopped> stopped, List<Offer> rescinded, boolean settled,
    boolean idle, OfferCounts offers) {
  public Tick {
    placed = List.copyOf(placed);
    stopped = List.copyOf(stopped);
    rescinded = List.copyOf(rescinded);
    offers = offers == null ? OfferCounts.ZERO : offers;
  }

  /** A tick without offer counts. */
  public Tick(
      long round, Instant at, List<Assignment> placed, List<Stopped> stopped, List<Offer> rescinded, boolean settled,
      boolean idle) {
    this(round, at, placed, stopped, rescinded, settled, idle, OfferCounts.ZERO);
  }

  /** Whether the tick placed or stopped anything. */
  public boolean changed() {
    return !placed.isEmpty() || !stopped.isEmpty();
  }
}
