package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolbridge.cli.SimulateCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quota may name a resource no node has (yet): as in Mesos, a guarantee of GPUs on a cluster
 * without GPUs is simply unmet, and {@code simulate} must say so rather than drop the entry.
 */
class SimulateQuotaResourcesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  // Two cpu-only nodes; ml guarantees 2 GPUs (and 4 cpu) and is capped at 4 GPUs.
  private static final String ESTATE = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: team}
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: ResourcePool
      metadata: {name: rack}
      spec:
        provider: colo
        region: ams
        source:
          static:
            nodes:
              - {name: n1, capacity: {cpu: 8, memory: 32Gi}}
              - {name: n2, capacity: {cpu: 8, memory: 32Gi}}
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: Framework
      metadata: {name: ml}
      spec:
        type: External
        role: ml
        namespaces: {names: [team]}
        quota:
          guarantee: {cpu: 4, nvidia.com/gpu: 2}
          limit: {nvidia.com/gpu: 4}
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: Workload
      metadata: {name: train, namespace: team}
      spec: {framework: ml, kind: Job, instances: 1, resources: {cpu: 1, nvidia.com/gpu: 1}}
      ---
      apiVersion: poolbridge.io/v1alpha1
      kind: Workload
      metadata: {name: prep, namespace: team}
      spec: {framework: ml, kind: Job, instances: 2, resources: {cpu: 2, memory: 1Gi}}
      """;

  private static Run simulate(Path estate, String... extra) {
    String[] args = new String[6 + extra.length];
    System.arraycopy(new String[] {"simulate", "--at", "2026-12-05T23:00:00Z", "-f", estate.toString()}, 0, args, 0, 5);
    args[5] = "--seed=7";
    System.arraycopy(extra, 0, args, 6, extra.length);
    return SimulateCommandTest.run(args);
  }

  @Test
  void aGuaranteeOfAResourceNoNodeHasStaysUnmetAndIsReported(@TempDir Path dir) throws IOException {
    Path estate = Files.writeString(dir.resolve("estate.yaml"), ESTATE);

    Run json = simulate(estate, "-o", "json");
    assertThat(json.err()).isEmpty();
    JsonNode ml = JSON.readTree(json.out()).get("frameworks").get(0);
    // prep holds 4 cpu, which meets the cpu guarantee; no node has a GPU, so the 2 GPUs are still owed.
    assertThat(ml.get("guaranteeMet").asBoolean()).isFalse();
    assertThat(ml.get("guaranteeShortOf").toString()).isEqualTo("{\"nvidia.com/gpu\":\"2\"}");
    assertThat(JSON.readTree(json.out()).get("warnings").toString()).isEqualTo("[\"framework ml guarantees nvidia.com/gpu 2,"
        + " which no node has: its guarantee stays unmet until a pool offers nvidia.com/gpu\"]");

    String table = simulate(estate).out();
    assertThat(table).containsPattern("(?m)^ml +External +ml +1 +4 +2Gi +\\S+ +\\S+ +no +1$");
    assertThat(simulate(estate, "--explain", "team/train").out())
        .contains("guarantee not met: short of nvidia.com/gpu 2");
  }

  @Test
  void aWorkloadAskingForAResourceOnlyAQuotaNamesIsStillRefused(@TempDir Path dir) throws IOException {
    Path estate = Files.writeString(dir.resolve("estate.yaml"), ESTATE);

    JsonNode out = JSON.readTree(simulate(estate, "-o", "json").out());
    JsonNode train = null;
    for (JsonNode w : out.get("workloads")) {
      if (w.get("name").asText().equals("train")) {
        train = w;
      }
    }
    assertThat(train.get("placed").asInt()).isZero();
    assertThat(train.get("pending").get(0).get("reason").asText()).isEqualTo("ResourceNotOffered");
    assertThat(train.get("pending").get(0).get("message").asText()).isEqualTo("no pool has nvidia.com/gpu");
  }
}
