package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Kubernetes Node that stops being Ready keeps its instances through a grace period (a kubelet
 * that misses a few heartbeats loses nothing); past it, or when the Node is deleted, its instances
 * are lost, their allocation released, and the Service instances placed again elsewhere. The
 * operator's clock runs ahead on demand, so the test does not wait out the grace period.
 */
class NodeLossIT {
  private static final Duration GRACE = Duration.ofSeconds(40);
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private FaultyEstate estate;
  private final AheadClock clock = new AheadClock();
  private PoolbridgeOperator operator;

  @BeforeEach
  void start() throws Exception {
    estate = new FaultyEstate();
    operator = estate.operator(estate.config().withNodeGrace(GRACE), clock);
    operator.start();
    await().atMost(SETTLE).until(() -> operator.loop().state().settled());
  }

  @AfterEach
  void stop() {
    estate.close();
  }

  /** The Kubernetes node (of the aws pool) holding the most kafka-connect instances: a Service there. */
  private String nodeOfConnect() {
    Map<String, String> connect = estate.placed().get("streaming/kafka-connect");
    assertThat(connect).isNotEmpty();
    return connect.values().iterator().next();
  }

  private void setReady(String node, boolean ready) {
    NodeCondition condition = new NodeConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
        .withReason(ready ? "KubeletReady" : "NodeStatusUnknown").withLastTransitionTime(clock.instant().toString()).build();
    // The operator writes the Node too (its pool's taint): retried on a conflict, as a kubelet does.
    await().atMost(SETTLE).ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class).until(() -> {
      estate.client.nodes().withName(node).editStatus(n -> {
        n.getStatus().setConditions(List.of(condition));
        return n;
      });
      return true;
    });
  }

  private void ticks(int n) {
    long from = operator.loop().state().generation();
    await().atMost(SETTLE).until(() -> operator.loop().state().generation() >= from + n);
  }

  private long onNode(String poolNode) {
    return estate.placed().values().stream().flatMap(m -> m.values().stream()).filter(poolNode::equals).count();
  }

  @Test
  void aNodeNotReadyWithinTheGracePeriodKeepsItsInstances() {
    String poolNode = nodeOfConnect();
    Map<String, Map<String, String>> before = estate.recorded();
    setReady(poolNode.substring(poolNode.indexOf('/') + 1), false);
    clock.setAhead(GRACE.minusSeconds(5));
    ticks(3);
    assertThat(estate.recorded()).as("nothing moved within the grace period").isEqualTo(before);
  }

  @Test
  void aNodeNotReadyPastTheGracePeriodIsLostAndItsServiceInstancesPlacedElsewhere() {
    String poolNode = nodeOfConnect();
    long there = onNode(poolNode);
    int connect = estate.placed().get("streaming/kafka-connect").size();
    setReady(poolNode.substring(poolNode.indexOf('/') + 1), false);
    ticks(2);
    clock.setAhead(GRACE.plusSeconds(1));

    await().atMost(SETTLE).until(() -> onNode(poolNode) == 0 && operator.loop().state().settled());
    assertThat(there).isPositive();
    assertThat(estate.placed().get("streaming/kafka-connect")).as("every kafka-connect instance placed again")
        .hasSize(connect).doesNotContainValue(poolNode);
    estate.assertValidRecord();
  }

  @Test
  void aDeletedNodeIsLostAndItsServiceInstancesPlacedElsewhere() {
    String poolNode = nodeOfConnect();
    int connect = estate.placed().get("streaming/kafka-connect").size();
    estate.client.nodes().withName(poolNode.substring(poolNode.indexOf('/') + 1)).delete();

    await().atMost(SETTLE).until(() -> onNode(poolNode) == 0 && operator.loop().state().settled());
    assertThat(estate.placed().get("streaming/kafka-connect")).hasSize(connect).doesNotContainValue(poolNode);
    estate.assertValidRecord();
  }

  @Test
  void aNodeThatWentNotReadyWhileNoOperatorRanIsHeldThroughItsGracePeriodAfterRestart() {
    String poolNode = nodeOfConnect();
    Map<String, Map<String, String>> before = estate.recorded();
    operator.close();
    setReady(poolNode.substring(poolNode.indexOf('/') + 1), false);

    operator = estate.operator(estate.config().withNodeGrace(GRACE), clock);
    operator.start();
    await().atMost(SETTLE).until(() -> operator.loop().state().settled());
    ticks(3);
    assertThat(estate.recorded()).as("restored, not drained").isEqualTo(before);

    clock.setAhead(GRACE.plusSeconds(1));
    await().atMost(SETTLE).until(() -> onNode(poolNode) == 0 && operator.loop().state().settled());
    estate.assertValidRecord();
  }

  @Test
  void aNodeDeletedWhileNoOperatorRanLosesItsInstancesOnStart() {
    String poolNode = nodeOfConnect();
    int connect = estate.placed().get("streaming/kafka-connect").size();
    operator.close();
    estate.client.nodes().withName(poolNode.substring(poolNode.indexOf('/') + 1)).delete();

    operator = estate.operator(estate.config().withNodeGrace(GRACE), clock);
    operator.start();
    await().atMost(SETTLE).until(() -> operator.loop().state().settled() && onNode(poolNode) == 0);
    assertThat(estate.placed().get("streaming/kafka-connect")).hasSize(connect).doesNotContainValue(poolNode);
    estate.assertValidRecord();
  }
}
