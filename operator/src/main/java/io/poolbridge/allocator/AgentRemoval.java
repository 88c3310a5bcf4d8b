package io.poolbridge.allocator;

import java.util.List;

/**
 * What removing an agent took away.
 *
 * @param rescinded its outstanding offers
 * @param lost the placements it held, now released; their instances must be placed again
 */
public record AgentRemoval(List<Offer> rescinded, List<Placement> lost) {}
