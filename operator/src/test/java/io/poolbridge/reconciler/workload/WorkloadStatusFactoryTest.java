package io.poolbridge.reconciler.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceState;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.Phase;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.EngineSnapshot.WorkloadView;
import io.poolbridge.estate.Refusal;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Reason;
import io.poolbridge.scheduler.Unplaced;
import io.poolbridge.time.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A Workload's status, the record of its placements, from the engine's view of it. */
class WorkloadStatusFactoryTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory");
  private static final Function<String, String> CURRENCY = pool -> pool.equals("aws-eu-west-1") ? "USD" : null;

  private final ManualClock clock = new ManualClock();
  private final WorkloadStatusFactory factory = new WorkloadStatusFactory(clock);

  private static Workload workload(int instances, long generation) {
    Workload w = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: shop}
        spec:
          framework: marathon
          kind: Service
          instances: %d
          resources: {cpu: 1500m, memory: 2Gi}
        """.formatted(instances), Workload.class);
    w.getMetadata().setGeneration(generation);
    return w;
  }

  private static EngineSnapshot.Placed placed(String id, String pool, String node, Double price, boolean revocable) {
    return placed(id, pool, node, price, revocable, Resources.of(SCHEMA, "cpu", 1500, "memory", 2L << 30));
  }

  private static EngineSnapshot.Placed placed(String id, String pool, String node, Double price, boolean revocable, Resources r) {
    return new EngineSnapshot.Placed(
        new Assignment("shop/" + id, "shop/web", 1, pool + "/" + node, pool, r, 0, revocable, price), Map.of(), true);
  }

  private static Unplaced pending(String id, Reason.Code code, String message) {
    return new Unplaced("shop/" + id, "shop/web", new Reason(code, message));
  }

  private static Condition condition(WorkloadStatus s, String type) {
    return s.conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void aWorkloadPartlyPlacedRecordsEachInstanceAndSaysWhyTheRestWaits() {
    WorkloadView view = new WorkloadView("shop/web", "marathon", 3,
        List.of(placed("web-0", "aws-eu-west-1", "ip-10-0-1-7", 0.07, false), placed("web-2", "metal-fra", "fra-n03", null, true)),
        List.of(pending("web-1", Reason.Code.INSUFFICIENT_RESOURCES, "Insufficient cpu on every offered node")));
    WorkloadStatus s = factory.of(workload(3, 4), view, CURRENCY, null);

    assertThat(s.phase()).isEqualTo(Phase.Partial);
    assertThat(s.placed()).isEqualTo(2);
    assertThat(s.observedGeneration()).isEqualTo(4);
    assertThat(s.instances()).extracting(InstanceStatus::id).containsExactly("web-0", "web-1", "web-2");
    InstanceStatus web0 = s.instances().get(0);
    assertThat(web0.node()).isEqualTo("ip-10-0-1-7");
    assertThat(web0.pool()).isEqualTo("aws-eu-west-1");
    assertThat(web0.state()).isEqualTo(InstanceState.Placed);
    assertThat(web0.resources()).as("it holds what the spec asks for, written once for all").isNull();
    assertThat(s.resources()).containsExactly(Map.entry("cpu", new Quantity("1500m")), Map.entry("memory", new Quantity("2Gi")));
    assertThat(web0.costPerHour()).isEqualTo("0.0700 USD");
    assertThat(web0.revocable()).isNull();
    assertThat(web0.since()).isEqualTo("1970-01-01T00:00:00Z");
    InstanceStatus web1 = s.instances().get(1);
    assertThat(web1.state()).isEqualTo(InstanceState.Pending);
    assertThat(web1.node()).isNull();
    assertThat(web1.reason()).isEqualTo("Insufficient cpu on every offered node");
    assertThat(s.instances().get(2).revocable()).isTrue();
    assertThat(s.instances().get(2).costPerHour()).isNull();

    Condition placedCondition = condition(s, "Placed");
    assertThat(placedCondition.getStatus()).isEqualTo("False");
    assertThat(placedCondition.getReason()).isEqualTo("InsufficientResources");
    assertThat(placedCondition.getMessage()).isEqualTo("1 of 3 instances pending: Insufficient cpu on every offered node");
    assertThat(placedCondition.getObservedGeneration()).isEqualTo(4);
    assertThat(condition(s, "Admitted").getStatus()).isEqualTo("True");
  }

  @Test
  void timestampsMoveOnlyWhenWhatTheyDateChanges() {
    WorkloadView pendingView = new WorkloadView("shop/web", "marathon", 2,
        List.of(placed("web-0", "metal-fra", "fra-n01", null, false)),
        List.of(pending("web-1", Reason.Code.NO_OFFERS, "No offers with room for it")));
    WorkloadStatus first = factory.of(workload(2, 1), pendingView, CURRENCY, null);

    clock.advance(Duration.ofSeconds(30));
    WorkloadStatus same = factory.of(workload(2, 1), pendingView, CURRENCY, first);
    assertThat(same).as("nothing changed: the same status, so no write").isEqualTo(first);

    clock.advance(Duration.ofSeconds(30));
    WorkloadView allPlaced = new WorkloadView("shop/web", "marathon", 2,
        List.of(placed("web-0", "metal-fra", "fra-n01", null, false), placed("web-1", "metal-fra", "fra-n02", null, false)),
        List.of());
    WorkloadStatus later = factory.of(workload(2, 1), allPlaced, CURRENCY, first);
    assertThat(later.phase()).isEqualTo(Phase.Running);
    assertThat(later.instances().get(0).since()).as("web-0 did not move").isEqualTo("1970-01-01T00:00:00Z");
    assertThat(later.instances().get(1).since()).as("web-1 was just placed").isEqualTo("1970-01-01T00:01:00Z");
    assertThat(condition(later, "Placed").getStatus()).isEqualTo("True");
    assertThat(condition(later, "Placed").getReason()).isEqualTo("AllPlaced");
    assertThat(condition(later, "Placed").getLastTransitionTime()).isEqualTo("1970-01-01T00:01:00Z");
    assertThat(condition(later, "Admitted").getLastTransitionTime()).as("Admitted stayed True").isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void aPreemptedInstanceSaysSo() {
    WorkloadView view = new WorkloadView("shop/web", "marathon", 1, List.of(),
        List.of(pending("web-0", Reason.Code.PREEMPTED, "Preempted by shop/db-0 (priority 100)")));
    WorkloadStatus s = factory.of(workload(1, 1), view, CURRENCY, null);
    assertThat(s.phase()).isEqualTo(Phase.Pending);
    assertThat(s.instances().get(0).state()).isEqualTo(InstanceState.Preempted);
    assertThat(condition(s, "Placed").getReason()).isEqualTo("Preempted");
  }

  @Test
  void aRefusedWorkloadHasNothingPlacedAndNamesTheRefusal() {
    Refusal refusal = new Refusal(Refusal.Reason.NamespaceNotAllowed, "framework marathon does not list namespace shop");
    WorkloadStatus s = factory.refused(workload(2, 3), refusal, null);
    assertThat(s.phase()).isEqualTo(Phase.Pending);
    assertThat(s.placed()).isZero();
    assertThat(s.instances()).extracting(InstanceStatus::id).containsExactly("web-0", "web-1");
    assertThat(s.instances()).allSatisfy(i -> {
      assertThat(i.node()).isNull();
      assertThat(i.state()).isEqualTo(InstanceState.Pending);
      assertThat(i.reason()).isEqualTo("framework marathon does not list namespace shop");
    });
    Condition accepted = condition(s, "Admitted");
    assertThat(accepted.getStatus()).isEqualTo("False");
    assertThat(accepted.getReason()).isEqualTo("NamespaceNotAllowed");
    assertThat(accepted.getObservedGeneration()).isEqualTo(3);
    assertThat(condition(s, "Placed").getReason()).isEqualTo("NotAdmitted");
  }

  /** What the status records is what a restart restores: the same instances, nodes, resources and flags. */
  @Test
  void theRecordReadBackGivesThePlacementsToRestore() {
    WorkloadView view = new WorkloadView("shop/web", "marathon", 3,
        List.of(placed("web-0", "aws-eu-west-1", "ip-10-0-1-7", 0.07, false), placed("web-2", "metal-fra", "fra-n03", null, true)),
        List.of(pending("web-1", Reason.Code.NO_OFFERS, "No offers with room for it")));
    Workload w = workload(3, 1);
    w.setStatus(factory.of(w, view, CURRENCY, null));
    // Through JSON, as the operator reads it from the API server.
    Workload read = Serialization.unmarshal(Serialization.asJson(w), Workload.class);
    List<io.poolbridge.engine.RecordedPlacement> records = io.poolbridge.estate.Workloads.recorded(SCHEMA, read);
    assertThat(records).extracting(io.poolbridge.engine.RecordedPlacement::instanceId).containsExactly("shop/web-0", "shop/web-2");
    for (int i = 0; i < records.size(); i++) {
      Assignment a = view.placed().get(i).assignment();
      assertThat(records.get(i).agentId()).isEqualTo(a.agentId());
      assertThat(records.get(i).workloadKey()).isEqualTo("shop/web");
      assertThat(records.get(i).resources()).isEqualTo(a.resources());
      assertThat(records.get(i).revocable()).isEqualTo(a.revocable());
    }
  }

  @Test
  void anInstanceHoldingTheSpecsResourcesListsNoneOfItsOwnAndTheStatusSaysWhatTheyAre() {
    WorkloadView view = new WorkloadView("shop/web", "marathon", 1,
        List.of(placed("web-0", "metal-fra", "fra-n01", null, false)), List.of());
    WorkloadStatus s = factory.of(workload(1, 1), view, CURRENCY, null);

    assertThat(s.instances().get(0).resources()).as("the normal case writes no map per instance").isNull();
    assertThat(s.resources()).containsExactly(Map.entry("cpu", new Quantity("1500m")), Map.entry("memory", new Quantity("2Gi")));
  }

  @Test
  void anInstancePlacedBeforeTheResourcesChangedKeepsItsOwnAndTheRecordRestoresEach() {
    // web-0 was placed when the Workload asked for 1 cpu and 1Gi; the spec now asks for 1500m and 2Gi.
    Resources before = Resources.of(SCHEMA, "cpu", 1000, "memory", 1L << 30);
    WorkloadView view = new WorkloadView("shop/web", "marathon", 2,
        List.of(placed("web-0", "metal-fra", "fra-n01", null, false, before), placed("web-1", "metal-fra", "fra-n02", null, false)),
        List.of());
    Workload w = workload(2, 2);
    w.setStatus(factory.of(w, view, CURRENCY, null));

    assertThat(w.getStatus().instances().get(0).resources())
        .containsExactly(Map.entry("cpu", new Quantity("1")), Map.entry("memory", new Quantity("1Gi")));
    assertThat(w.getStatus().instances().get(1).resources()).isNull();
    Workload read = Serialization.unmarshal(Serialization.asJson(w), Workload.class);
    assertThat(io.poolbridge.estate.Workloads.recorded(SCHEMA, read)).extracting(io.poolbridge.engine.RecordedPlacement::resources)
        .containsExactly(before, Resources.of(SCHEMA, "cpu", 1500, "memory", 2L << 30));
  }

  @Test
  void theRecordKeepsItsMeaningWhenTheSpecChangesBeforeTheNextStatusWrite() {
    WorkloadView view = new WorkloadView("shop/web", "marathon", 1,
        List.of(placed("web-0", "metal-fra", "fra-n01", null, false)), List.of());
    Workload w = workload(1, 1);
    w.setStatus(factory.of(w, view, CURRENCY, null));
    // The tenant edits the resources; the operator restarts before it writes the status again.
    Workload edited = Serialization.unmarshal(Serialization.asJson(w).replace("\"1500m\"", "\"4\""), Workload.class);
    assertThat(edited.getSpec().resources()).containsEntry("cpu", new Quantity("4"));

    assertThat(io.poolbridge.estate.Workloads.recorded(SCHEMA, edited)).extracting(io.poolbridge.engine.RecordedPlacement::resources)
        .as("web-0 still holds what it was placed with").containsExactly(Resources.of(SCHEMA, "cpu", 1500, "memory", 2L << 30));
  }

  @Test
  void aRecordWithoutCommonResourcesTakesTheSpecsForInstancesThatListNone() {
    Workload w = workload(1, 1);
    w.setStatus(new WorkloadStatus(1L, Phase.Running, 1, List.of(new InstanceStatus("web-0", "fra-n01", "metal-fra", null,
        InstanceState.Running, null, "1970-01-01T00:00:00Z", null, null)), List.of(), null));
    assertThat(io.poolbridge.estate.Workloads.recorded(SCHEMA, w)).extracting(io.poolbridge.engine.RecordedPlacement::resources)
        .containsExactly(Resources.of(SCHEMA, "cpu", 1500, "memory", 2L << 30));
  }

  @Test
  void aLongReasonIsCutToItsBoundOnACharacterBoundaryWithAnEllipsis() {
    // 300 characters of four bytes each in UTF-8 (a surrogate pair each in Java): 1200 bytes.
    String reason = "\uD83D\uDE80".repeat(300);
    WorkloadView view = new WorkloadView("shop/web", "marathon", 1, List.of(),
        List.of(pending("web-0", Reason.Code.CONSTRAINT, reason)));
    WorkloadStatus s = factory.of(workload(1, 1), view, CURRENCY, null);

    String cut = s.instances().get(0).reason();
    assertThat(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(WorkloadStatusFactory.MAX_REASON_BYTES);
    assertThat(cut).endsWith("\u2026");
    String kept = cut.substring(0, cut.length() - 1);
    assertThat(reason).startsWith(kept);
    assertThat(kept.length() % 2).as("no surrogate pair split").isZero();
    assertThat(kept.codePointCount(0, kept.length())).as("as many whole characters as fit: (256 - 3) / 4").isEqualTo(63);

    String message = condition(s, "Placed").getMessage();
    assertThat(message.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(WorkloadStatusFactory.MAX_MESSAGE_BYTES);
    assertThat(message).startsWith("1 of 1 instances pending: \uD83D\uDE80").endsWith("\u2026");
  }

  @Test
  void aShortReasonIsKeptWhole() {
    String reason = "x".repeat(WorkloadStatusFactory.MAX_REASON_BYTES);
    WorkloadView view = new WorkloadView("shop/web", "marathon", 1, List.of(), List.of(pending("web-0", Reason.Code.CONSTRAINT, reason)));
    assertThat(factory.of(workload(1, 1), view, CURRENCY, null).instances().get(0).reason()).isEqualTo(reason);
  }

  @Test
  void aRefusalsMessageIsCutToo() {
    Refusal refusal = new Refusal(Refusal.Reason.ResourceNotOffered, "no pool has " + "r".repeat(5000));
    WorkloadStatus s = factory.refused(workload(1, 1), refusal, null);
    assertThat(s.instances().get(0).reason()).hasSize(WorkloadStatusFactory.MAX_REASON_BYTES - 2).endsWith("\u2026");
    assertThat(condition(s, "Admitted").getMessage()).hasSize(WorkloadStatusFactory.MAX_MESSAGE_BYTES - 2).startsWith("no pool has r");
  }

  @Test
  void anAstronomicalPriceIsWrittenInScientificNotationNotAsFiftyDigits() {
    // A pool may price a unit at up to 32 digits and an instance may hold 10^15 units of 32 resources.
    WorkloadView view = new WorkloadView("shop/web", "marathon", 2,
        List.of(placed("web-0", "aws-eu-west-1", "n1", 3.2e51, false), placed("web-1", "aws-eu-west-1", "n2", 123.456789, false)),
        List.of());
    WorkloadStatus s = factory.of(workload(2, 1), view, CURRENCY, null);
    assertThat(s.instances().get(0).costPerHour()).isEqualTo("3.2E+51 USD");
    assertThat(s.instances().get(1).costPerHour()).isEqualTo("123.4568 USD");
  }
}
