package io.poolbridge.allocator;

/**
 * Resources of one agent offered to one framework. Until accepted or declined they count as
 * allocated to the framework.
 *
 * @param id unique within the allocator
 * @param revocable whether the resources are borrowed and may be taken back (see {@link Revocation})
 */
public record Offer(long id, String frameworkId, String agentId, String pool, Resources resources, boolean revocable) {}
