package io.poolbridge.allocator;

import java.util.List;

/**
 * The decisions of one allocation cycle.
 *
 * @param offers new offers, in the order they were made
 * @param rescinded outstanding offers taken back (revocable offers whose capacity its owner needs)
 * @param revocations revocable placements to stop, fewest and lowest priority first
 * @param toMove placements on agents that are draining, under maintenance or down
 */
public record CycleResult(List<Offer> offers, List<Offer> rescinded, List<Revocation> revocations, List<Placement> toMove) {}
