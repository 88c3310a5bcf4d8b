package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.Offer;

/** An allocator offer together with the node it is on: attributes for constraints, total for load and leases. */
public record NodeOffer(Offer offer, AgentInfo agent) {
  public NodeOffer {
    if (!offer.agentId().equals(agent.id())) {
      throw new IllegalArgumentException("offer " + offer.id() + " is on " + offer.agentId() + ", not " + agent.id());
    }
  }
}
