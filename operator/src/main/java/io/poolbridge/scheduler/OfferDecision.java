package io.poolbridge.scheduler;

import io.poolbridge.allocator.Launch;
import io.poolbridge.allocator.Offer;
import java.util.List;

/**
 * What to do with one offer: accept it for the launches (the allocator declines the unused part),
 * or decline it when there are none.
 */
public record OfferDecision(Offer offer, List<Launch> launches) {
  public OfferDecision {
    launches = List.copyOf(launches);
  }

  public boolean accepted() {
    return !launches.isEmpty();
  }
}
