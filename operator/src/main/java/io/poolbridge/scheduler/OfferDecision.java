package io.poolbridge.scheduler;

import io.poolbridge.allocator.Launch;
import io.poolbridge.allocator.Offer;
import java.time.Duration;
import java.util.List;

/**
 * What to do with one offer: accept it for the launches (the allocator declines the unused part),
 * or decline it when there are none.
 *
 * @param refuse how long to refuse the agent when declining: {@code null} for the framework's
 *     refuse duration; {@link Duration#ZERO} for an offer on a node a pending instance could use
 *     once it is offered more of it (it passes the instance's constraints and is big enough), so
 *     that the node comes back at the next cycle instead of after the filter. Without that, a
 *     framework near its role's limit, whose limit the offers it cannot use take up, can keep
 *     missing the one node it needs.
 */
public record OfferDecision(Offer offer, List<Launch> launches, Duration refuse) {
  public OfferDecision {
    launches = List.copyOf(launches);
  }

  public OfferDecision(Offer offer, List<Launch> launches) {
    this(offer, launches, null);
  }

  public boolean accepted() {
    return !launches.isEmpty();
  }
}
