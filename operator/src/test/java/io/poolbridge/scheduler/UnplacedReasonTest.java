package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Fixtures.FW;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.offers;
import static io.poolbridge.scheduler.Fixtures.res;
import static io.poolbridge.scheduler.Fixtures.schedule;
import static io.poolbridge.scheduler.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every instance left unplaced gets a reason a person can act on, shown in the Workload's status. */
class UnplacedReasonTest {
  private final AgentInfo ams = node("ams-metal", "a1", 4, 8, "zone", "a");
  private final AgentInfo fra = node("fra-metal", "f1", 16, 4, "zone", "b");
  private final AgentInfo par = node("par-cloud", "p1", 2, 64, "zone", "c");

  private static Decisions withRole(String limitedRole, List<NodeOffer> offers, WorkloadDemand w) {
    return new FrameworkScheduler(Prices.NONE).schedule(new SchedulingRequest(FW, limitedRole, offers, List.of(w), List.of()));
  }

  @Test
  void insufficientResourcesNameTheShortResourcesAndThePools() {
    // 8 cpu, 16 GiB: ams lacks both, fra lacks memory, par lacks cpu.
    Decisions d = schedule(offers().whole(ams, fra, par).list(), List.of(), workload("t/big", 8, 16).build());

    assertThat(d.reason("big-0")).hasValueSatisfying(r -> {
      assertThat(r.code()).isEqualTo(Reason.Code.INSUFFICIENT_RESOURCES);
      assertThat(r.code().condition()).isEqualTo("InsufficientResources");
      assertThat(r.message()).isEqualTo("Insufficient cpu,memory in pools ams-metal,fra-metal,par-cloud: "
          + "no offered node is big enough for one instance of cpu 8, memory 16Gi");
    });
  }

  @Test
  void insufficientResourcesOnlyNameThePoolsTheConstraintsAllow() {
    WorkloadDemand w = workload("t/big", 8, 16).constraint(Constraint.of("zone", Constraint.Operator.UNLIKE, "c")).build();

    Decisions d = schedule(offers().whole(ams, fra, par).list(), List.of(), w);

    assertThat(d.reason("big-0")).hasValueSatisfying(r ->
        assertThat(r.message()).isEqualTo("Insufficient cpu,memory in pools ams-metal,fra-metal: "
            + "no offered node is big enough for one instance of cpu 8, memory 16Gi"));
  }

  @Test
  void noOffersSaysTheFrameworkIsSuppressedOrFiltered() {
    Decisions d = schedule(List.of(), List.of(), workload("t/web", 1, 1).instances(2).build());

    assertThat(d.unplaced()).hasSize(2).allSatisfy(u -> {
      assertThat(u.reason().code()).isEqualTo(Reason.Code.NO_OFFERS);
      assertThat(u.reason().message()).isEqualTo("No offers with room for it: the free capacity is in use, held for other roles, or declined recently");
    });
  }

  @Test
  void aReachedRoleLimitIsNamedInsteadOfMissingOffersOrCapacity() {
    assertThat(withRole("eng", List.of(), workload("t/web", 1, 1).build()).reason("web-0"))
        .hasValueSatisfying(r -> {
          assertThat(r.code()).isEqualTo(Reason.Code.ROLE_LIMIT);
          assertThat(r.message()).isEqualTo("Limit of role eng reached");
        });
    // An offer trimmed by the limit looks short of cpu while the node's cpu is idle: the limit is
    // the one cause, and the reason names nothing else (issue 10, defect 10).
    assertThat(withRole("eng", offers().part(ams, res(1, 1)).list(), workload("t/web", 2, 1).build()).reason("web-0"))
        .hasValueSatisfying(r -> {
          assertThat(r.code()).isEqualTo(Reason.Code.ROLE_LIMIT);
          assertThat(r.message()).isEqualTo("Limit of role eng reached");
        });
  }

  @Test
  void aConstraintNoOfferedNodeCanMeetIsNamed() {
    WorkloadDemand w = workload("t/web", 1, 1).constraint(Constraint.of("zone", Constraint.Operator.IS, "d")).build();

    assertThat(schedule(offers().whole(ams, fra).list(), List.of(), w).reason("web-0")).hasValueSatisfying(r -> {
      assertThat(r.code()).isEqualTo(Reason.Code.CONSTRAINT);
      assertThat(r.message()).isEqualTo("Constraint zone IS d matches no offered node");
    });
  }

  @Test
  void everyPendingInstanceIsEitherPlacedOrExplained() {
    WorkloadDemand w = workload("t/web", 2, 2).instances(10).build();

    Decisions d = schedule(offers().whole(ams, fra).list(), List.of(), w);

    assertThat(d.assignments().size() + d.unplaced().size()).isEqualTo(10);
    // ams holds 2 (cpu), fra 2 (memory).
    assertThat(d.assignments()).hasSize(4);
    assertThat(d.unplaced()).allSatisfy(u ->
        assertThat(u.reason().message()).isEqualTo("Insufficient cpu,memory in pools ams-metal,fra-metal"));
  }
}
