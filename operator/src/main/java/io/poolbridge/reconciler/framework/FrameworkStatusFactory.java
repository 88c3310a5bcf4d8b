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
 * <p>Conditions: {@code Ready} ({@code True}, {@code Registered}: the allocator offers to it) and
 * {@code GuaranteeMet} ({@code True} when its role has no guarantee or it is met; {@code False},
 * {@code GuaranteeShort}, naming what it is short of).
 */
public final class FrameworkStatusFactory {
  private final StatusConditions conditions;

  public FrameworkStatusFactory(Clock clock) {
    this.conditions = new StatusConditions(clock);
  }

  public FrameworkStatus of(Framework framework, EngineSnapshot.FrameworkView view, FrameworkStatus previous) {
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(framework, previous, "Ready", true, "Registered", "Offered capacity in role " + view.role()));
    if (view.guaranteeMet()) {
      conditions.add(condition(framework, previous, "GuaranteeMet", true, "GuaranteeMet",
          "Role " + view.role() + " has no guarantee, or holds all of it"));
    } else {
      conditions.add(condition(framework, previous, "GuaranteeMet", false, "GuaranteeShort",
          "Role " + view.role() + " is short of " + ResourceUnits.describe(view.guaranteeShortfall()) + " of its guarantee"));
    }
    return new FrameworkStatus(framework.getMetadata().getGeneration(), conditions, ResourceUnits.toQuantities(view.placed()),
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
