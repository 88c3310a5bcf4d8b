package io.poolbridge.scheduler;

import io.poolbridge.allocator.Resources;

/**
 * An instance placed out of an offer.
 *
 * @param resources what it takes (for a node lease, the whole node)
 * @param revocable whether it runs on revocable (borrowed) capacity
 * @param pricePerHour the price of its resources in its pool, or {@code null} when the pool has none
 */
public record Assignment(
    String instanceId,
    String workloadKey,
    long offerId,
    String agentId,
    String pool,
    Resources resources,
    int priority,
    boolean revocable,
    Double pricePerHour) {}
