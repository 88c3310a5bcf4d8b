package io.poolbridge.scheduler;

/** An instance left without a node, and why. */
public record Unplaced(String instanceId, String workloadKey, Reason reason) {}
