package io.poolbridge.scheduler;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of one framework's scheduling call.
 *
 * @param offers one decision per offer, in the order the offers were given
 * @param assignments the instances placed, in placement order
 * @param unplaced every pending instance left without a node, with its reason
 * @param holding gang workloads that could not be placed in this call but can complete, and so
 *     hold the offers they gathered (declined without a filter, to come back at the next cycle)
 * @param cannotComplete gang workloads that gathered part of what they need but that the estate
 *     cannot hold whole now: offering them more changes nothing until the estate does
 */
public record Decisions(
    List<OfferDecision> offers, List<Assignment> assignments, List<Unplaced> unplaced, Set<String> holding,
    Set<String> cannotComplete) {
  public Decisions {
    offers = List.copyOf(offers);
    assignments = List.copyOf(assignments);
    unplaced = List.copyOf(unplaced);
    holding = Set.copyOf(holding);
    cannotComplete = Set.copyOf(cannotComplete);
  }

  public Decisions(List<OfferDecision> offers, List<Assignment> assignments, List<Unplaced> unplaced, Set<String> holding) {
    this(offers, assignments, unplaced, holding, Set.of());
  }

  public Decisions(List<OfferDecision> offers, List<Assignment> assignments, List<Unplaced> unplaced) {
    this(offers, assignments, unplaced, Set.of(), Set.of());
  }

  public Optional<Assignment> assignment(String instanceId) {
    return assignments.stream().filter(a -> a.instanceId().equals(instanceId)).findFirst();
  }

  public Optional<Reason> reason(String instanceId) {
    return unplaced.stream().filter(u -> u.instanceId().equals(instanceId)).map(Unplaced::reason).findFirst();
  }
}
