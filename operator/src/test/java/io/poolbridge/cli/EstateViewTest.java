package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's figures as a person reads them: bars, amounts, and why a workload waits. */
class EstateViewTest {
  private static EstateView.PoolBar pool(long cpuAllocated, long cpuTotal) {
    return new EstateView.PoolBar("metal-fra", "digital-realty", "fra", 4, Map.of("cpu", cpuAllocated), Map.of("cpu", cpuTotal));
  }

  @Test
  void aBarFillsInProportionOfTwentyCells() {
    // 224 of 240 cores: 18.67 cells of 20, rounded to 19.
    assertThat(EstateView.bar(pool(224_000, 240_000), "cpu")).isEqualTo("[###################.]");
    assertThat(EstateView.bar(pool(0, 240_000), "cpu")).isEqualTo("[....................]");
    // A sliver shows as one cell, never as nothing.
    assertThat(EstateView.bar(pool(500, 240_000), "cpu")).isEqualTo("[#...................]");
    assertThat(EstateView.bar(pool(0, 0), "cpu")).isEmpty();
  }

  @Test
  void amountsReadAsPeopleWriteThem() {
    assertThat(EstateView.amount("cpu", 95_340)).isEqualTo("95.34");
    assertThat(EstateView.amount("cpu", 224_000)).isEqualTo("224");
    assertThat(EstateView.amount("memory", 543L << 30)).isEqualTo("543Gi");
    // A Node's 16318480Ki is 15.5625Gi.
    assertThat(EstateView.amount("memory", 16_318_480L * 1024)).isEqualTo("15.56Gi");
    assertThat(EstateView.figures(pool(224_000, 240_000), "cpu")).isEqualTo("224/240");
    assertThat(EstateView.figures(pool(224_000, 240_000), "memory")).isEqualTo("-");
  }

  @Test
  void aWaitingWorkloadSaysWhyByItsFirstPendingInstance() {
    Workload w = new Workload();
    w.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("shop").build());
    assertThat(EstateView.waiting(w)).isEqualTo("waiting for the operator");
    w.setStatus(new WorkloadStatus(1L, WorkloadStatus.Phase.Partial, 1, List.of(
        new WorkloadStatus.InstanceStatus("web-0", "n1", "metal-fra", Map.of("cpu", new Quantity("1")), WorkloadStatus.InstanceState.Placed,
            false, null, null, null),
        new WorkloadStatus.InstanceStatus("web-1", null, null, null, WorkloadStatus.InstanceState.Pending, null, null,
            "no node has 64 cpu free", null)), List.of(), null));
    assertThat(EstateView.waiting(w)).isEqualTo("no node has 64 cpu free");
    assertThat(EstateView.placed(w)).isEqualTo(1);
  }
}
