package io.poolbridge.reconciler.framework;

import io.fabric8.kubernetes.api.model.Condition;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.FrameworkStatus;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.estate.ResourceUnits;
import io.poolbridge.reconciler.StatusConditions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A Framework's status from the engine's view of it: what its instances hold, its dominant and
 * weighted share, whether its role's guarantee is met, how many of its instances wait. Pure with an
 * injected {@link Clock}: an unchanged framework gives an equal status (shares rounded to four
 * places, so that a change in the last bits of a float does not make a write), and a condition's
 * {@code lastTransitionTime} moves only when its status does.
 *
 * <p>Conditions: {@code GuaranteeMet} ({@code True} when its role has no guarantee or it is met;
 * {@code False}, {@code GuaranteeShort}, naming what it is short of) and the kstatus three: {@code
 * Ready} ({@code True}, {@code Registered}: the allocator offers to it), except while instances
 * of it wait and its role is short of its guarantee: then {@code Reconciling} ({@code True}, {@code
 * GuaranteeShort}: the allocator works toward the guarantee as capacity frees, revoking what other
 * roles borrowed). A guarantee nothing asks for is no work in progress. A Framework does not stall.
 */
public final class FrameworkStatusFactory {
  private final StatusConditions conditions;

  public FrameworkStatusFactory(Clock clock) {
    this.conditions = new StatusConditions(clock);
  }

  public FrameworkStatus of(Framework framework, EngineSnapshot.FrameworkView view, FrameworkStatus previous) {
    List<Condition> conditions = new ArrayList<>();
    StatusConditions.Health health;
    StatusConditions.Health registered = StatusConditions.Health.current("Registered", "Offered capacity in role " + view.role());
    if (view.guaranteeMet()) {
      conditions.add(condition(framework, previous, "GuaranteeMet", true, "GuaranteeMet",
          "Role " + view.role() + " has no guarantee, or holds all of it"));
      health = registered;
    } else {
      String shortOf = "Role " + view.role() + " is short of " + ResourceUnits.describe(view.guaranteeShortfall()) + " of its guarantee";
      conditions.add(condition(framework, previous, "GuaranteeMet", false, "GuaranteeShort", shortOf));
      // Short of a guarantee nothing asks for is no work: the capacity is there when asked (Mesos quota).
      health = view.pendingInstances() > 0
          ? StatusConditions.Health.reconciling("GuaranteeShort", shortOf + " while "
              + view.pendingInstances() + (view.pendingInstances() == 1 ? " instance waits" : " instances wait"))
          : registered;
    }
    List<Condition> all = this.conditions.withHealth(previous == null ? null : previous.conditions(),
        framework.getMetadata().getGeneration(), conditions, health);
    return new FrameworkStatus(framework.getMetadata().getGeneration(), all, ResourceUnits.toQuantities(view.placed()),
        round(view.share()), round(view.weightedShare()), view.guaranteeMet(), view.pendingInstances(),
        view.outstandingOffers());
  }

  private Condition condition(Framework framework, FrameworkStatus previous, String type, boolean status, String reason,
      String message) {
    return conditions.condition(previous == null ? null : previous.conditions(), framework.getMetadata().getGeneration(),
        type, status, reason, message);
  }

  private static double round(double share) {
    return BigDecimal.valueOf(share).setScale(4, RoundingMode.HALF_UP).doubleValue();
  }
}
