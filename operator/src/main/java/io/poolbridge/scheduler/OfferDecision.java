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
 *     refuse duration; {@link Duration#ZERO} only for an offer a gang that can complete gathered
 *     and holds (it comes back at the next cycle, so the gang's nodes can be offered together),
 *     for a bounded number of cycles. Every other decline filters the agent, so that what this
 *     framework cannot use is offered to the next one.
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
