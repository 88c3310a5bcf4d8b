package io.poolbridge.allocator;

/** Capacity of an agent: total, allocated (offered or placed, revocable included) and free. */
public record AgentUsage(String agentId, AgentState state, Resources total, Resources allocated, Resources free) {}
