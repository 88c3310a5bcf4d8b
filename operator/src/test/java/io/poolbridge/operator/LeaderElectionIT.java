package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.poolbridge.reconciler.workload.WorkloadReconciler;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two operators against one API server, both electing a leader through a coordination Lease: one
 * acts, the other waits; when the leader stops, the other takes over within the lease duration,
 * keeps what was recorded and carries on.
 */
class LeaderElectionIT {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final Duration RENEW = Duration.ofSeconds(2);
  private static final Duration RETRY = Duration.ofMillis(400);
  private FaultyEstate estate;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<PoolbridgeOperator> operators = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    estate = new FaultyEstate();
  }

  @AfterEach
  void stop() {
    operators.forEach(PoolbridgeOperator::close);
    clients.forEach(KubernetesClient::close);
    estate.close();
  }

  /** An operator with its own client, whose requests the API server's log tells apart by user agent. */
  private PoolbridgeOperator replica(String identity) {
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(estate.client.getConfiguration()).withUserAgent(identity).build())
        .withHttpClientFactory(new JdkHttpClientFactory()).build();
    clients.add(client);
    PoolbridgeOperator op = new PoolbridgeOperator(client,
        estate.config().withLeaderElection("poolbridge-system", identity).withLeaseTimings(LEASE, RENEW, RETRY),
        Clock.systemUTC(), WorkloadReconciler.Materializer.NONE);
    operators.add(op);
    return op;
  }

  @Test
  void theEmbeddedApiRefusesAStaleLeaseUpdate() {
    var leases = estate.client.leases().inNamespace("poolbridge-system");
    leases.resource(new LeaseBuilder().withNewMetadata().withName("probe").endMetadata()
        .withNewSpec().withHolderIdentity("a").withLeaseDurationSeconds(3).endSpec().build()).create();
    Lease first = leases.withName("probe").get();
    Lease second = leases.withName("probe").get();
    first.getSpec().setHolderIdentity("b");
    leases.resource(first).update();
    second.getSpec().setHolderIdentity("c");
    assertThatThrownBy(() -> leases.resource(second).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(leases.withName("probe").get().getSpec().getHolderIdentity()).isEqualTo("b");
  }

  @Test
  void oneActsThenTheOtherTakesOverAndCarriesOn() {
    PoolbridgeOperator a = replica("replica-a");
    PoolbridgeOperator b = replica("replica-b");
    long mark = estate.api.mark();
    a.start();
    b.start();

    await().atMost(Duration.ofSeconds(60)).until(() -> (a.leader() || b.leader())
        && (a.leader() ? a : b).loop().state().settled());
    PoolbridgeOperator leader = a.leader() ? a : b;
    PoolbridgeOperator follower = leader == a ? b : a;
    String leaderId = leader == a ? "replica-a" : "replica-b";
    String followerId = leader == a ? "replica-b" : "replica-a";
    assertThat(follower.leader()).isFalse();
    assertThat(follower.loop().running()).as("the follower's loop").isFalse();
    assertThat(follower.loop().state().snapshot()).as("the follower built no engine").isNull();
    assertThat(estate.api.since(mark).stream().filter(FaultyApi.Served::workloadStatusWrite)
        .map(FaultyApi.Served::agent).collect(Collectors.toSet())).as("who wrote Workload statuses").isEqualTo(Set.of(leaderId));
    assertThat(estate.recorded()).isEqualTo(estate.predicted());
    Map<String, Map<String, String>> before = estate.recorded();

    long handOver = estate.api.mark();
    long stopped = System.nanoTime();
    leader.close();
    // Released on stop or expired: either way within the lease duration (plus a retry to notice).
    await().atMost(LEASE.plus(RETRY).plus(RETRY).plusSeconds(2)).until(() -> follower.leader() && follower.loop().running());
    Duration took = Duration.ofNanos(System.nanoTime() - stopped);
    await().atMost(Duration.ofSeconds(30)).until(() -> follower.loop().state().settled());
    assertThat(estate.recorded()).as("placements kept across the hand-over").isEqualTo(before);

    estate.client.resource(workload("kafka-mirror")).create();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Map<String, String> mirror = estate.placed().get("streaming/kafka-mirror");
      return mirror != null && mirror.size() == 1;
    });
    assertThat(estate.api.since(handOver).stream().filter(FaultyApi.Served::workloadStatusWrite)
        .map(FaultyApi.Served::agent).collect(Collectors.toSet())).as("who wrote Workload statuses after the hand-over")
        .isEqualTo(Set.of(followerId));
    estate.assertValidRecord();
    System.out.printf("hand-over took %d ms%n", took.toMillis());
  }

  private io.fabric8.kubernetes.api.model.HasMetadata workload(String name) {
    String yaml = """
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata:
          name: %s
          namespace: streaming
        spec:
          framework: kafka
          kind: Service
          instances: 1
          resources: {cpu: 1, memory: 2Gi}
        """.formatted(name);
    return estate.client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items().get(0);
  }
}
