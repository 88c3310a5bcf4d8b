package io.poolbridge.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.api.v1alpha1.WorkloadStatus.InstanceStatus;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.EngineSnapshot.WorkloadView;
import io.poolbridge.estate.ResourceUnits;
import io.poolbridge.reconciler.workload.WorkloadStatusFactory;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Reason;
import io.poolbridge.scheduler.Unplaced;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A Workload's status, the record of every placement, stays at most 1.05 MiB (30% under etcd's
 * 1.5 MiB object limit, the rest for spec, metadata and managed fields) in the worst case the CRDs
 * allow, at the most instances a Workload may have. Every length is read from the generated CRDs, so
 * the test follows the schema when it changes; the status is built by {@link WorkloadStatusFactory}
 * from an engine view and serialized as the Fabric8 client sends it.
 *
 * <p>The worst case, per instance entry, in bytes of JSON (with the bounds of today's CRDs):
 *
 * <pre>
 *   id           &lt;name&gt;-&lt;ordinal&gt; = 59 + 4 = 63          {"id":"...",           63 +  8 =   71
 *   node         253 (a Node name, a static node name)  "node":"...",          253 + 10 =  263
 *   pool         63                                     "pool":"...",           63 + 10 =   73
 *   resources    32 names of 63, amounts of 15 digits   "resources":{...},     32 x 84 + 14 = 2702
 *                (it was placed before the spec changed, or a NodeLease holds a whole node)
 *   state, revocable, since (RFC 3339)                                         17 + 17 + 31 =  65
 *   reason       256 bytes (the factory's cut)          "reason":"...",       256 + 12 =  268
 *   costPerHour  "999999999999.9999 USD"                "costPerHour":"..."}, 21 + 17 =   38
 *                                                                                     about 3480
 * </pre>
 *
 * 250 entries are about 870,000 bytes (0.83 MiB); with {@code status.resources} (2.7 KB) and the two
 * conditions (messages cut to 1 KiB) the status measures 872,408 bytes, and 803,857 when placed
 * instances carry no reason, as the factory writes them today. The same entries at 2000 instances,
 * the former maximum, would be 6.6 MiB, and about 315 is the most that fits in 1.05 MiB: that is why
 * {@link WorkloadSpec#MAX_INSTANCES} is 250.
 */
class WorkloadStatusSizeTest {
  private static final int LIMIT = (int) (1.05 * 1024 * 1024);
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T23:00:00Z"), ZoneOffset.UTC);

  private static JsonNode crd(String kind) {
    return ApiServerValidator.generatedCrds().stream().filter(c -> c.at("/spec/names/kind").asText().equals(kind)).findFirst().orElseThrow();
  }

  private static JsonNode schema(String kind) {
    return crd(kind).at("/spec/versions/0/schema/openAPIV3Schema");
  }

  /** The number {@code rule} compares with, from the first rule of {@code rules} that matches {@code rule}. */
  private static int bound(JsonNode rules, String rule) {
    Pattern p = Pattern.compile(Pattern.quote(rule) + "\\s*<=\\s*([0-9]+)");
    for (JsonNode r : rules) {
      Matcher m = p.matcher(r.path("rule").asText());
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("no rule bounds " + rule + " in " + rules);
  }

  private static String name(String prefix, int index, int length) {
    String suffix = Integer.toString(index);
    return prefix + "a".repeat(length - prefix.length() - suffix.length()) + suffix;
  }

  /** The status of every instance placed, each at its longest, through the factory. */
  private static WorkloadStatus worstCase(boolean lastPendingWithALongReason) {
    JsonNode workloads = schema("Workload");
    JsonNode pools = schema("ResourcePool");
    int instances = workloads.at("/properties/spec/properties/instances/maximum").asInt();
    int workloadName = bound(workloads.path("x-kubernetes-validations"), "size(self.metadata.name)");
    int poolName = bound(pools.path("x-kubernetes-validations"), "size(self.metadata.name)");
    int nodeName = pools.at("/properties/spec/properties/source/properties/static/properties/nodes/items/properties/name/maxLength").asInt();
    int currency = pools.at("/properties/spec/properties/cost/properties/currency/maxLength").asInt();
    int resourceCount = workloads.at("/properties/spec/properties/resources/maxProperties").asInt();
    int resourceName = bound(workloads.at("/properties/spec/x-kubernetes-validations"), "size(k)");
    int frameworkName = workloads.at("/properties/spec/properties/framework/maxLength").asInt();
    assertThat(List.of(instances, workloadName, poolName, nodeName, currency, resourceCount, resourceName)).allMatch(n -> n > 0);

    // 32 resources with the longest names (not cpu: its amounts are shorter), the spec asking for the
    // longest amount an instance may hold (below 10^15 units, 15 digits).
    List<String> names = new ArrayList<>();
    for (int i = 0; i < resourceCount; i++) {
      names.add(name("example.com/", i, resourceName));
    }
    ResourceSchema schema = ResourceSchema.of(names);
    long most = ResourceUnits.LIMIT.longValueExact() - 1;
    Map<String, Quantity> asked = new LinkedHashMap<>();
    names.forEach(n -> asked.put(n, ResourceUnits.toQuantity(n, most)));
    String workloadNameText = "w".repeat(workloadName);
    Workload workload = new Workload();
    workload.setMetadata(new ObjectMetaBuilder().withName(workloadNameText).withNamespace("n".repeat(63)).withGeneration(1L).build());
    workload.setSpec(new WorkloadSpec("f".repeat(frameworkName), WorkloadSpec.WorkloadKind.Service, instances, asked,
        null, null, null, null, null, null, null, null, null));
    String key = workload.getMetadata().getNamespace() + "/" + workloadNameText;
    String pool = "p".repeat(poolName);
    String currencyText = "U".repeat(currency);

    List<EngineSnapshot.Placed> placed = new ArrayList<>();
    List<Unplaced> pending = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      String instanceId = key + "-" + i;
      if (lastPendingWithALongReason && i == instances - 1) {
        // Four bytes a character, far longer than any cut: the reason and the Placed message at their caps.
        pending.add(new Unplaced(instanceId, key, new Reason(Reason.Code.CONSTRAINT, "\uD83D\uDE80".repeat(100_000))));
        continue;
      }
      // Instance 0 holds what the spec asks for (so status.resources is written); every other one
      // holds amounts of the same length that differ (it was placed before the spec changed).
      long amount = i == 0 ? most : most - 1;
      Map<String, Long> amounts = new LinkedHashMap<>();
      names.forEach(n -> amounts.put(n, amount));
      // The longest price the factory writes: just under 10^12, to four places, 17 characters.
      Assignment a = new Assignment(instanceId, key, i, pool + "/" + name("n", i, nodeName), pool, Resources.of(schema, amounts), 0, true,
          999_999_999_999.9999);
      placed.add(new EngineSnapshot.Placed(a, Map.of(), true));
    }
    WorkloadView view = new WorkloadView(key, workload.getSpec().framework(), instances, placed, pending);
    return new WorkloadStatusFactory(CLOCK).of(workload, view, p -> currencyText, null);
  }

  private static int bytes(Object o) {
    return Serialization.asJson(o).getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void everyInstancePlacedWithItsOwnResourcesAndTheLongestNamesFitsWithAThirdToSpare() {
    WorkloadStatus status = worstCase(false);
    assertThat(status.instances()).hasSize(WorkloadSpec.MAX_INSTANCES)
        .allSatisfy(i -> assertThat(i.costPerHour()).isEqualTo("999999999999.9999 UUU"));
    assertThat(status.instances().subList(1, WorkloadSpec.MAX_INSTANCES)).allSatisfy(i ->
        assertThat(i.resources()).as("each but the first lists its own map").isNotNull());
    assertThat(status.instances().get(1).resources()).as("a differing map of the most resources").hasSize(32);
    assertThat(status.resources()).as("written once for those holding the spec's").hasSize(32);

    int bytes = bytes(status);
    assertThat(bytes).as("bytes of the status at %d instances (%.3f MiB)", WorkloadSpec.MAX_INSTANCES, bytes / 1048576.0)
        .isLessThanOrEqualTo(LIMIT);
  }

  /**
   * Every field of every entry at its bound at once, a reason included (a writer may one day keep a
   * reason for a placed instance, e.g. a lost one), and the conditions' messages at their cap.
   */
  @Test
  void evenWithEveryFieldOfEveryEntryAtItsBoundAtOnceTheStatusFits() {
    WorkloadStatus withReasons = worstCase(true);
    String reason = withReasons.instances().get(withReasons.instances().size() - 1).reason();
    assertThat(reason.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(WorkloadStatusFactory.MAX_REASON_BYTES - 4);
    assertThat(withReasons.conditions()).anySatisfy(c ->
        assertThat(c.getMessage().getBytes(StandardCharsets.UTF_8).length).isGreaterThan(WorkloadStatusFactory.MAX_MESSAGE_BYTES - 4));

    WorkloadStatus placed = worstCase(false);
    List<InstanceStatus> entries = new ArrayList<>();
    for (InstanceStatus i : placed.instances()) {
      entries.add(new InstanceStatus(i.id(), i.node(), i.pool(), i.resources(), WorkloadStatus.InstanceState.Preempted, i.revocable(),
          i.since(), reason, i.costPerHour(), null, null, null, "0123456789abcdef")); // a revision: 16 hex digits
    }
    WorkloadStatus all = new WorkloadStatus(placed.observedGeneration(), placed.phase(), placed.placed(), entries,
        withReasons.conditions(), "2026-12-05T23:00:00Z", placed.resources());

    int bytes = bytes(all);
    assertThat(bytes).as("bytes of the status at %d instances (%.3f MiB)", WorkloadSpec.MAX_INSTANCES, bytes / 1048576.0)
        .isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void theWorkloadNameLeavesRoomForTheLargestOrdinalInALabelValue() {
    int workloadName = bound(schema("Workload").path("x-kubernetes-validations"), "size(self.metadata.name)");
    String longestInstanceId = "w".repeat(workloadName) + "-" + (WorkloadSpec.MAX_INSTANCES - 1);
    assertThat(longestInstanceId).hasSize(63).matches("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
    assertThat(workloadName).isEqualTo(Workload.MAX_NAME_LENGTH);
  }
}
