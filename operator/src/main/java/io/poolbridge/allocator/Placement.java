package io.poolbridge.allocator;

/**
 * An instance the allocator accounts for: launched from an accepted offer, or restored from the
 * record (Workload status) after a restart.
 */
public record Placement(
    String instanceId, String frameworkId, String agentId, String pool, Resources resources, boolean revocable, int priority) {}
