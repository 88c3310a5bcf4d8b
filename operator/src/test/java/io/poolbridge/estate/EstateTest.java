package io.poolbridge.estate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EstateTest {
  private static final ResourcePool POOL = Serialization.unmarshal("""
      apiVersion: poolbridge.io/v1alpha1
      kind: ResourcePool
      metadata: {name: ams-metal}
      spec:
        provider: equinix-metal
        region: ams
        zone: ams1
        attributes: {tier: gold}
        source:
          static:
            nodes:
              - name: ams-m1
                capacity: {cpu: 64, memory: 512Gi, nvidia.com/gpu: 4}
                attributes: {rack: r1}
              - name: ams-m2
                zone: ams2
                capacity: {cpu: "32", memory: 256Gi}
        reservations:
          - role: data/storage
            resources: {cpu: 8, memory: 64Gi}
            nodes: [ams-m2]
        maintenance:
          - nodes: [ams-m1]
            start: "2026-12-01T02:00:00Z"
            duration: 4h
      """, ResourcePool.class);

  private final List<PoolNode> nodes = Estate.staticNodes(POOL);
  private final ResourceSchema schema = Estate.schema(nodes);

  @Test
  void theSchemaPutsCpuAndMemoryFirstAndLeavesGpusOutOfFairness() {
    assertThat(schema.names()).containsExactly("cpu", "memory", "nvidia.com/gpu");
    assertThat(schema.fairnessExcluded(schema.indexOf("nvidia.com/gpu"))).isTrue();
    assertThat(schema.fairnessExcluded(schema.indexOf("cpu"))).isFalse();
  }

  @Test
  void aResourceOnlyAQuotaNamesJoinsTheSchemaSoTheQuotaKeepsIt() {
    Framework ml = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: ml}
        spec:
          type: External
          role: ml
          quota:
            guarantee: {cpu: 4, example.com/fpga: 2}
            limit: {example.com/tpu: 8}
        """, Framework.class);
    List<PoolNode> cpuOnly = List.of(new PoolNode("n1", null, null,
        Map.of("cpu", new io.fabric8.kubernetes.api.model.Quantity("8")), Map.of(), true));
    assertThat(Estate.resourcesNamed(List.of(ml), List.of())).containsExactly("cpu", "example.com/fpga", "example.com/tpu");
    ResourceSchema withQuota = Estate.schema(cpuOnly, Estate.resourcesNamed(List.of(ml), List.of()));
    assertThat(withQuota.names()).containsExactly("cpu", "memory", "example.com/fpga", "example.com/tpu");
    assertThat(Estate.quota(withQuota, ml.getSpec().quota()))
        .isEqualTo(new Quota(Map.of("cpu", 4_000L, "example.com/fpga", 2L), Map.of("example.com/tpu", 8L)));
  }

  @Test
  void aNodeBecomesAnAgentWithTheAttributesConstraintsMatch() {
    AgentInfo m1 = Estate.agent(schema, POOL, nodes.get(0));
    assertThat(m1.id()).isEqualTo("ams-metal/ams-m1");
    assertThat(m1.pool()).isEqualTo("ams-metal");
    assertThat(m1.total()).isEqualTo(Resources.of(schema, "cpu", 64_000, "memory", 512L << 30, "nvidia.com/gpu", 4));
    assertThat(m1.attributes())
        .containsEntry("hostname", "ams-m1")
        .containsEntry("pool", "ams-metal")
        .containsEntry("provider", "equinix-metal")
        .containsEntry("region", "ams")
        .containsEntry("zone", "ams1")
        .containsEntry("tier", "gold")
        .containsEntry("rack", "r1");
    assertThat(m1.reservations()).isEmpty();
  }

  @Test
  void aNodesOwnZoneAndTheReservationsNamingItApply() {
    AgentInfo m2 = Estate.agent(schema, POOL, nodes.get(1));
    assertThat(m2.attributes()).containsEntry("zone", "ams2");
    assertThat(m2.reservations())
        .containsExactly(Map.entry("data/storage", Resources.of(schema, "cpu", 8_000, "memory", 64L << 30)));
  }

  @Test
  void aNodeIsUnderMaintenanceOnlyInsideItsWindow() {
    PoolNode m1 = nodes.get(0);
    assertThat(Estate.state(POOL, m1, Instant.parse("2026-12-01T01:59:59Z"))).isEqualTo(AgentState.ACTIVE);
    assertThat(Estate.state(POOL, m1, Instant.parse("2026-12-01T02:00:00Z"))).isEqualTo(AgentState.MAINTENANCE);
    assertThat(Estate.state(POOL, m1, Instant.parse("2026-12-01T05:59:59Z"))).isEqualTo(AgentState.MAINTENANCE);
    assertThat(Estate.state(POOL, m1, Instant.parse("2026-12-01T06:00:00Z"))).isEqualTo(AgentState.ACTIVE);
    assertThat(Estate.state(POOL, nodes.get(1), Instant.parse("2026-12-01T03:00:00Z"))).isEqualTo(AgentState.ACTIVE);
  }

  @Test
  void anUnreadyNodeIsDown() {
    PoolNode sick = new PoolNode("k1", null, null, Map.of(), Map.of(), false);
    assertThat(Estate.state(POOL, sick, Instant.EPOCH)).isEqualTo(AgentState.DOWN);
  }

  @Test
  void aFrameworkBringsItsRoleOfferSettingsAndQuota() {
    Framework spark = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: spark}
        spec:
          type: External
          role: eng/analytics
          weight: 2
          quota:
            guarantee: {cpu: 32, memory: 128Gi}
            limit: {cpu: 96}
          offers:
            refuseSeconds: 2.5
            minAllocatable: {cpu: 1, memory: 2Gi}
          capabilities: {revocable: true}
        """, Framework.class);
    FrameworkInfo info = Estate.framework(schema, spark);
    assertThat(info.id()).isEqualTo("spark");
    assertThat(info.role()).isEqualTo("eng/analytics");
    assertThat(info.revocable()).isTrue();
    assertThat(info.refuse()).isEqualTo(Duration.ofMillis(2500));
    assertThat(info.minAllocatable()).isEqualTo(Resources.of(schema, "cpu", 1_000, "memory", 2L << 30));
    assertThat(Estate.quota(schema, spark.getSpec().quota()))
        .isEqualTo(new Quota(Map.of("cpu", 32_000L, "memory", 128L << 30), Map.of("cpu", 96_000L)));
  }

  @Test
  void aFrameworksOfferTimeoutIsItsOwnOrTheAllocatorsDefault() {
    Framework quick = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: quick}
        spec:
          type: External
          role: eng
          offers: {timeoutSeconds: 30}
        """, Framework.class);
    Framework usual = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: usual}
        spec:
          type: External
          role: eng
          offers: {refuseSeconds: 2}
        """, Framework.class);
    assertThat(Estate.framework(schema, quick).offerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(Estate.framework(schema, usual).offerTimeout()).isNull();
  }

  @Test
  void durationsAreReadAsGoWritesThem() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThatThrownBy(() -> Durations.parse("10 minutes"))
        .hasMessage("'10 minutes' is not a duration such as 90s, 15m or 1h30m");
  }

  @Test
  void aKubernetesPoolTakesTheNodesItsSelectorPicks() {
    ResourcePool aws = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: aws}
        spec:
          provider: aws
          region: eu-west-1
          source:
            kubernetes:
              nodeSelector:
                matchLabels: {poolbridge.io/pool: aws}
                matchExpressions:
                  - {key: node.kubernetes.io/instance-type, operator: In, values: [m7i.4xlarge]}
                  - {key: spot, operator: DoesNotExist}
        """, ResourcePool.class);
    List<io.fabric8.kubernetes.api.model.Node> nodes = List.of(
        node("a", Map.of("poolbridge.io/pool", "aws", "node.kubernetes.io/instance-type", "m7i.4xlarge",
            "topology.kubernetes.io/zone", "eu-west-1b"), "True"),
        node("b", Map.of("poolbridge.io/pool", "aws", "node.kubernetes.io/instance-type", "t3.medium"), "True"),
        node("c", Map.of("poolbridge.io/pool", "aws", "node.kubernetes.io/instance-type", "m7i.4xlarge", "spot", "yes"), "True"),
        node("d", Map.of("poolbridge.io/pool", "aws", "node.kubernetes.io/instance-type", "m7i.4xlarge"), "False"));
    List<PoolNode> selected = Estate.selectedNodes(aws, nodes);
    assertThat(selected).extracting(PoolNode::name).containsExactly("a", "d");
    assertThat(selected.get(0).capacity()).containsOnlyKeys("cpu", "memory");
    assertThat(selected.get(1).ready()).isFalse();
    ResourceSchema cloud = Estate.schema(selected);
    AgentInfo a = Estate.agent(cloud, aws, selected.get(0));
    assertThat(a.attributes()).containsEntry("zone", "eu-west-1b").containsEntry("region", "eu-west-1");
    assertThat(a.total()).isEqualTo(Resources.of(cloud, "cpu", 15_890, "memory", 59L << 30));
  }

  @Test
  void aKubernetesNodesReadyConditionIsItsAgentsState() {
    ResourcePool k8s = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: aws}
        spec:
          provider: aws
          region: eu-west-1
          source: {kubernetes: {nodeSelector: {}}}
        """, ResourcePool.class);
    PoolNode ready = Estate.kubernetesNode(node("a", Map.of(), "True"));
    PoolNode notReady = Estate.kubernetesNode(node("b", Map.of(), "False"));
    PoolNode unknown = Estate.kubernetesNode(node("c", Map.of(), "Unknown"));
    assertThat(Estate.state(k8s, ready, Instant.EPOCH)).isEqualTo(AgentState.ACTIVE);
    assertThat(Estate.state(k8s, notReady, Instant.EPOCH)).isEqualTo(AgentState.DOWN);
    assertThat(Estate.state(k8s, unknown, Instant.EPOCH)).isEqualTo(AgentState.DOWN);
  }

  private static io.fabric8.kubernetes.api.model.Node node(String name, Map<String, String> labels, String ready) {
    return new io.fabric8.kubernetes.api.model.NodeBuilder()
        .withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withNewStatus()
        .addToAllocatable("cpu", new io.fabric8.kubernetes.api.model.Quantity("15890m"))
        .addToAllocatable("memory", new io.fabric8.kubernetes.api.model.Quantity("59Gi"))
        .addToAllocatable("pods", new io.fabric8.kubernetes.api.model.Quantity("110"))
        .addToAllocatable("hugepages-1Gi", new io.fabric8.kubernetes.api.model.Quantity("0"))
        .addNewCondition().withType("Ready").withStatus(ready).endCondition()
        .endStatus()
        .build();
  }
}
