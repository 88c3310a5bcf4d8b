package io.poolbridge.scheduler;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of one framework's scheduling call.
 *
 * @param offers one decision per offer, in the order the offers were given
 * @param assignments the instances placed, in placement order
 * @param unplaced every pending instance left without a node, with its reason
 */
public record Decisions(List<OfferDecision> offers, List<Assignment> assignments, List<Unplaced> unplaced) {
  public Decisions {
    offers = List.copyOf(offers);
    assignments = List.copyOf(assignments);
    unplaced = List.copyOf(unplaced);
  }

  public Optional<Assignment> assignment(String instanceId) {
    return assignments.stream().filter(a -> a.instanceId().equals(instanceId)).findFirst();
  }

  public Optional<Reason> reason(String instanceId) {
    return unplaced.stream().filter(u -> u.instanceId().equals(instanceId)).map(Unplaced::reason).findFirst();
  }
}
