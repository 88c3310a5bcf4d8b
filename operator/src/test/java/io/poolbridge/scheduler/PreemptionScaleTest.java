package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.res;
import static io.poolbridge.scheduler.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.scheduler.Preemption.NodeCapacity;
import io.poolbridge.scheduler.Preemption.Plan;
import io.poolbridge.scheduler.Preemption.Preemptor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Preemption planning for a workload with very many pending instances. Nothing here measures
 * time: the {@link Timeout} only guards against a hang (planning that grows with the square of the
 * pending instances takes over a minute for 100 000 of them; n log n takes well under a second).
 */
class PreemptionScaleTest {
  private static final int PENDING = 100_000;

  private final AgentInfo n1 = node("ams-metal", "n1", 64, 256);
  private final AgentInfo n2 = node("ams-metal", "n2", 64, 256);

  private static List<Preemptor> preemptors(WorkloadDemand w) {
    List<Preemptor> list = new ArrayList<>(w.instanceIds().size());
    for (String id : w.instanceIds()) {
      list.add(new Preemptor(w, id, false));
    }
    return list;
  }

  private static PlacedInstance other(String id, AgentInfo node, double cores, boolean preemptible) {
    return new PlacedInstance(id, "batch/" + id, "other", node, res(cores, 1), 0, preemptible, false, false);
  }

  private static List<NodeCapacity> nodes(List<PlacedInstance> placed, AgentInfo... agents) {
    List<NodeCapacity> list = new ArrayList<>();
    for (AgentInfo a : agents) {
      var free = a.total();
      for (PlacedInstance p : placed) {
        if (p.agent().equals(a)) {
          free = free.minus(p.resources());
        }
      }
      list.add(new NodeCapacity(a, free));
    }
    return list;
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aHundredThousandPendingInstancesWithNothingToEvict() {
    List<PlacedInstance> placed = List.of(other("pinned-1", n1, 64, false), other("pinned-2", n2, 64, false));
    WorkloadDemand db = workload("shop/db", 1, 1).instances(PENDING).priority(100).build();

    assertThat(Preemption.plan(preemptors(db), nodes(placed, n1, n2), placed)).isEmpty();
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aHundredThousandPendingInstancesOfWhichTwoMakeRoom() {
    // Each node runs one preemptible instance as large as the node: the first two pending instances
    // evict one each; the others find no victim left.
    List<PlacedInstance> placed = List.of(other("v1", n1, 64, true), other("v2", n2, 64, true));
    WorkloadDemand db = workload("shop/db", 64, 1).instances(PENDING).priority(100).build();

    List<Plan> plans = Preemption.plan(preemptors(db), nodes(placed, n1, n2), placed);

    assertThat(plans).extracting(Plan::instanceId).containsExactly("db-0", "db-1");
    assertThat(plans).flatExtracting(Plan::evictions).extracting(e -> e.victim().instanceId()).containsExactly("v1", "v2");
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aGangOfAHundredThousandThatNeedsOneEviction() {
    // 100 000 x 1 millicore: n1 holds 64 000 of them, n2 4 000 beside a 60-cpu victim; evicting it
    // makes room for the remaining 32 000.
    List<PlacedInstance> placed = List.of(other("v", n2, 60, true));
    WorkloadDemand gang = WorkloadDemand.builder("hpc/mpi", Fixtures.FW, res(0.001, 0)).instances(PENDING)
        .priority(100).gang().build();

    List<Plan> plans = Preemption.plan(preemptors(gang), nodes(placed, n1, n2), placed);

    assertThat(plans).hasSize(PENDING);
    assertThat(plans).filteredOn(p -> p.agentId().equals(n1.id())).hasSize(64_000);
    assertThat(plans).flatExtracting(Plan::evictions).extracting(e -> e.victim().instanceId()).containsExactly("v");
  }
}
