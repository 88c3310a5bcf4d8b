package io.poolbridge.engine;

import io.poolbridge.allocator.Resources;

/**
 * An instance the engine stopped: its resources are released in the allocator already, and the
 * instance is pending again unless its workload no longer wants it ({@link StopReason#SCALED_DOWN},
 * {@link StopReason#DELETED}).
 *
 * @param message why, in a user's words (for events and status)
 */
public record Stopped(
    String instanceId, String workloadKey, String frameworkId, String agentId, Resources resources,
    StopReason reason, String message) {}
