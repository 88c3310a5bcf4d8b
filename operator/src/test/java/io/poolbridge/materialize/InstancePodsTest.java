package io.poolbridge.materialize;

import io.poolbridge.testing.GoldenFiles;
import static io.poolbridge.materialize.Fixtures.kafkaConnect;
import static io.poolbridge.materialize.Fixtures.placement;
import static io.poolbridge.materialize.Fixtures.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.poolbridge.api.v1alpha1.Workload;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstancePodsTest {
  private static final GoldenFiles GOLDEN = GoldenFiles.in(Path.of("src/test/resources/golden/materialize"));

  private static Toleration noSchedule(String key, String value) {
    return new TolerationBuilder().withKey(key).withOperator("Equal").withValue(value).withEffect("NoSchedule").build();
  }

  @Test
  void aPlacedInstanceIsAPodBoundToItsNodeWithTheAllocationAsRequestsAndLimits() throws Exception {
    Pod pod = InstancePods.pod(kafkaConnect(), placement("kafka-connect-1", "ip-10-20-1-7.eu-west-1.compute.internal"), false);

    assertThat(pod.getMetadata().getName()).isEqualTo("kafka-connect-1");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("streaming");
    assertThat(pod.getSpec().getNodeName()).isEqualTo("ip-10-20-1-7.eu-west-1.compute.internal");
    Container connect = pod.getSpec().getContainers().get(0);
    assertThat(connect.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("2"), "memory", new Quantity("8Gi")));
    assertThat(connect.getResources().getLimits()).isEqualTo(connect.getResources().getRequests());
    // The template's own toleration is kept; the pool's is added.
    assertThat(pod.getSpec().getTolerations()).hasSize(2).contains(noSchedule("poolbridge.io/pool", "aws-eu-west-1"));
    assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "kafka-connect")
        .containsEntry("poolbridge.io/workload", "kafka-connect").containsEntry("poolbridge.io/instance", "kafka-connect-1")
        .containsEntry("poolbridge.io/framework", "kafka").containsEntry("app.kubernetes.io/managed-by", "poolbridge")
        .doesNotContainKey("poolbridge.io/revocable");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true")
        .containsEntry("poolbridge.io/placement", "pool=aws-eu-west-1,node=ip-10-20-1-7.eu-west-1.compute.internal,cpu=2,memory=8Gi");
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("Workload");
      assertThat(o.getApiVersion()).isEqualTo("poolbridge.io/v1alpha1");
      assertThat(o.getName()).isEqualTo("kafka-connect");
      assertThat(o.getUid()).isEqualTo("6f1c1f4e-1111-4a2b-9c3d-000000000001");
      assertThat(o.getController()).isTrue();
      assertThat(o.getBlockOwnerDeletion()).isTrue();
    });
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Always");
    GOLDEN.assertMatches("pod-local.yaml", Fixtures.SERIALIZATION.asYaml(pod));
  }

  @Test
  void theSameWorkloadAndPlacementGiveAnEqualPodAndTheWorkloadIsNotChanged() {
    Workload w = kafkaConnect();
    String before = Fixtures.SERIALIZATION.asJson(w);
    Pod first = InstancePods.pod(w, placement("kafka-connect-0", "n1"), false);
    Pod second = InstancePods.pod(w, placement("kafka-connect-0", "n1"), false);
    assertThat(second).isEqualTo(first);
    assertThat(Fixtures.SERIALIZATION.asJson(w)).isEqualTo(before);
  }

  @Test
  void sidecarsKeepWhatTheyDeclareAndTheFirstContainerGetsTheRestSoThePodTotalsTheAllocation() throws Exception {
    Workload w = kafkaConnect("""
              - name: metrics
                image: prom/jmx-exporter:1.0
                resources:
                  requests: {cpu: 250m, memory: 256Mi}
                  limits: {memory: 512Mi}
        """);
    Pod pod = InstancePods.pod(w, placement("kafka-connect-0", "n1"), false);

    Container connect = pod.getSpec().getContainers().get(0);
    Container metrics = pod.getSpec().getContainers().get(1);
    // 2 cpu - 250m = 1750m; 8Gi - 256Mi = 7936Mi.
    assertThat(connect.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("1.75"), "memory", new Quantity("7936Mi")));
    assertThat(connect.getResources().getLimits()).isEqualTo(connect.getResources().getRequests());
    // The sidecar's limit becomes its request: together the Pod never uses more than its allocation.
    assertThat(metrics.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("256Mi")));
    assertThat(metrics.getResources().getLimits()).isEqualTo(metrics.getResources().getRequests());
    GOLDEN.assertMatches("pod-sidecar.yaml", Fixtures.SERIALIZATION.asYaml(pod));
  }

  @Test
  void aTemplateWhoseSidecarsTakeTheWholeAllocationIsRefusedWithAMessage() {
    Workload w = kafkaConnect("""
              - name: hog
                image: busybox
                resources:
                  requests: {cpu: "2"}
        """);
    assertThatThrownBy(() -> InstancePods.pod(w, placement("kafka-connect-0", "n1"), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the other containers of workload kafka-connect's pod template declare 2 cpu, the whole 2 cpu an instance"
            + " is allocated, leaving none for its first container connect");
  }

  @Test
  void inARemoteClusterThePodHasNoOwnerReferenceButLabelsNamingItsWorkload() throws Exception {
    PodPlacement p = new PodPlacement("streaming/kafka-connect-2", "gke-eu-w4-pool-1-abcd", "gcp-europe-west4",
        resources("cpu", "2", "memory", "8Gi"), true, "kafka", "kafka");
    Pod pod = InstancePods.pod(kafkaConnect(), p, true);

    assertThat(pod.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("poolbridge.io/workload", "kafka-connect")
        .containsEntry("poolbridge.io/workload-namespace", "streaming")
        .containsEntry("poolbridge.io/workload-uid", "6f1c1f4e-1111-4a2b-9c3d-000000000001")
        .containsEntry("poolbridge.io/revocable", "true");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("poolbridge.io/owner", "streaming/kafka-connect");
    assertThat(pod.getSpec().getTolerations()).contains(noSchedule("poolbridge.io/pool", "gcp-europe-west4"),
        noSchedule("poolbridge.io/leased-to", "kafka"));
    GOLDEN.assertMatches("pod-remote-leased.yaml", Fixtures.SERIALIZATION.asYaml(pod));
  }

  @Test
  void aJobsPodIsNotRestartedInPlaceUnlessItsTemplateSaysSo() {
    Workload w = kafkaConnect();
    w.setSpec(new io.poolbridge.api.v1alpha1.WorkloadSpec(w.getSpec().framework(), io.poolbridge.api.v1alpha1.WorkloadSpec.WorkloadKind.Job,
        1, w.getSpec().resources(), null, null, null, null, null, null, null, null, w.getSpec().template()));
    assertThat(InstancePods.pod(w, placement("kafka-connect-0", "n1"), false).getSpec().getRestartPolicy()).isEqualTo("Never");
  }

  @Test
  void placementIsTheAllocatorsSoTheTemplatesNodeSelectorAndNodeAffinityGoAndOnlyContainerResourcesAreRequested() {
    Workload w = Fixtures.SERIALIZATION.unmarshal(Fixtures.SERIALIZATION.asYaml(kafkaConnect()).replace(
        "      tolerations:", "      nodeSelector: {kubernetes.io/arch: arm64}\n"
            + "      affinity:\n"
            + "        nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions:"
            + " [{key: zone, operator: In, values: [a]}]}]}}\n"
            + "        podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: []}\n"
            + "      tolerations:"), Workload.class);
    assertThat(w.getSpec().template().toString()).contains("nodeSelector", "nodeAffinity");
    PodPlacement p = new PodPlacement("streaming/kafka-connect-0", "n1", "aws-eu-west-1",
        resources("cpu", "2", "memory", "8Gi", "pods", "1", "nvidia.com/gpu", "1"), false, "kafka", null);

    Pod pod = InstancePods.pod(w, p, false);

    assertThat(pod.getSpec().getNodeSelector()).isNullOrEmpty();
    assertThat(pod.getSpec().getAffinity().getNodeAffinity()).isNull();
    assertThat(pod.getSpec().getAffinity().getPodAntiAffinity()).isNotNull();
    assertThat(pod.getSpec().getContainers().get(0).getResources().getRequests()).containsOnlyKeys("cpu", "memory", "nvidia.com/gpu");
  }

  @Test
  void theSameAllocationWrittenAnotherWayIsTheSamePlacement() {
    PodPlacement a = new PodPlacement("streaming/kafka-connect-0", "n1", "aws-eu-west-1", resources("cpu", "2", "memory", "8Gi"),
        false, "kafka", null);
    PodPlacement b = new PodPlacement("streaming/kafka-connect-0", "n1", "aws-eu-west-1", resources("memory", "8192Mi", "cpu", "2000m"),
        false, "kafka", null);
    assertThat(b.record()).isEqualTo(a.record()).isEqualTo("pool=aws-eu-west-1,node=n1,cpu=2,memory=8Gi");
  }

  @Test
  void aWorkloadWithoutATemplateHasNoPod() {
    assertThatThrownBy(() -> InstancePods.pod(Fixtures.cassandra(), placement("cassandra-ring-0", "n1"), false))
        .hasMessage("workload cassandra-ring has no pod template");
  }

  @Test
  void aLongNameIsShortenedToALabelValueThatStaysDistinct() {
    String a = "a".repeat(70) + "-x";
    String b = "a".repeat(70) + "-y";
    assertThat(Keys.labelValue(a)).hasSizeLessThanOrEqualTo(63).isNotEqualTo(Keys.labelValue(b)).startsWith("aaaa");
    assertThat(Keys.labelValue("web")).isEqualTo("web");
  }
}
