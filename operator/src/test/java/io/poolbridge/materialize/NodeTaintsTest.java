package io.poolbridge.materialize;

import io.poolbridge.testing.GoldenFiles;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.zjsonpatch.JsonDiff;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NodeTaintsTest {
  private static final GoldenFiles GOLDEN = GoldenFiles.in(Path.of("src/test/resources/golden/materialize"));

  /** An EKS node with a taint of its own and a label. */
  private static Node node() {
    return Fixtures.SERIALIZATION.unmarshal("""
        apiVersion: v1
        kind: Node
        metadata:
          name: ip-10-20-1-7.eu-west-1.compute.internal
          resourceVersion: "41"
          labels: {topology.kubernetes.io/zone: eu-west-1a}
        spec:
          taints:
          - {key: node.kubernetes.io/unschedulable, effect: NoSchedule}
        """, Node.class);
  }

  private static String patch(Node before, Node after) {
    JsonNode diff = JsonDiff.asJson(Fixtures.SERIALIZATION.convertValue(before, JsonNode.class),
        Fixtures.SERIALIZATION.convertValue(after, JsonNode.class));
    return Fixtures.SERIALIZATION.asYaml(diff);
  }

  @Test
  void adoptingANodeTaintsItForItsPoolKeepingItsOtherTaintsAndIsIdempotent() throws Exception {
    Node original = node();
    Node adopted = NodeTaints.adopt(original, "aws-eu-west-1");

    assertThat(adopted.getSpec().getTaints()).containsExactly(
        original.getSpec().getTaints().get(0), new Taint("NoSchedule", "poolbridge.io/pool", null, "aws-eu-west-1"));
    assertThat(original).isEqualTo(node());
    assertThat(NodeTaints.adopt(adopted, "aws-eu-west-1")).isEqualTo(adopted);
    GOLDEN.assertMatches("node-adopt.patch.yaml", patch(original, adopted));
  }

  @Test
  void releasingANodeRemovesOnlyThePoolTaint() {
    Node adopted = NodeTaints.adopt(node(), "aws-eu-west-1");
    assertThat(NodeTaints.release(adopted)).isEqualTo(node());
    assertThat(NodeTaints.release(node())).isEqualTo(node());
  }

  @Test
  void leasingANodeLabelsItAndSwapsThePoolTaintForTheLeaseTaint() throws Exception {
    Node adopted = NodeTaints.adopt(node(), "metal-fra");
    Node leased = NodeTaints.lease(adopted, "retail-k8s");

    assertThat(leased.getMetadata().getLabels()).containsEntry("poolbridge.io/leased-to", "retail-k8s")
        .containsEntry("topology.kubernetes.io/zone", "eu-west-1a");
    assertThat(leased.getSpec().getTaints()).containsExactly(
        adopted.getSpec().getTaints().get(0), new Taint("NoSchedule", "poolbridge.io/leased-to", null, "retail-k8s"));
    assertThat(NodeTaints.lease(leased, "retail-k8s")).isEqualTo(leased);
    GOLDEN.assertMatches("node-lease.patch.yaml", patch(adopted, leased));
  }

  @Test
  void endingALeaseGivesTheAdoptedNodeBack() throws Exception {
    Node adopted = NodeTaints.adopt(node(), "metal-fra");
    Node leased = NodeTaints.lease(adopted, "retail-k8s");
    Node back = NodeTaints.unlease(leased, "metal-fra");

    assertThat(back).isEqualTo(adopted);
    assertThat(NodeTaints.unlease(back, "metal-fra")).isEqualTo(adopted);
    GOLDEN.assertMatches("node-unlease.patch.yaml", patch(leased, back));
  }

  @Test
  void aNodeWithoutTaintsGetsAList() {
    Node bare = new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("n1").endMetadata().build();
    assertThat(NodeTaints.adopt(bare, "p").getSpec().getTaints())
        .containsExactly(new Taint("NoSchedule", "poolbridge.io/pool", null, "p"));
    assertThat(NodeTaints.release(NodeTaints.adopt(bare, "p")).getSpec().getTaints()).isNull();
  }
}
