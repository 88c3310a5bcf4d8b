package io.poolbridge.estate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every poolbridge document is checked by the API server's validator before anything else: the
 * message is kubectl's, prefixed by the file, the document and the object.
 */
class EstateValidationTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("in.yaml"), yaml);
  }

  private static final String FRAMEWORK = """
      apiVersion: poolbridge.io/v1alpha1
      kind: Framework
      metadata: {name: spark}
      spec:
        type: External
        role: eng/analytics
      """;

  @Test
  void aGuaranteeAboveItsLimitIsRefusedInKubectlsWords() throws IOException {
    Path file = write("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n" + FRAMEWORK
        + "  quota: {guarantee: {cpu: 64}, limit: {cpu: 32}}\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 2 (Framework spark): The Framework \"spark\" is invalid: spec.quota: Invalid value: \"object\": "
            + "quota.guarantee must not exceed quota.limit for any resource");
  }

  @Test
  void severalErrorsAreListedOnePerLineAsKubectlDoes() throws IOException {
    Path file = write(FRAMEWORK.replace("eng/analytics", "eng//x") + "  weight: 0\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessageStartingWith(file + ": document 1 (Framework spark): The Framework \"spark\" is invalid: \n* ")
        .hasMessageContaining("\n* spec.weight: Invalid value: 0: spec.weight in body should be greater than 0")
        .hasMessageContaining("\n* spec.role: Invalid value: \"eng//x\": ");
  }

  @Test
  void anUnknownFieldIsRefusedAsKubectlsStrictValidationDoes() throws IOException {
    Path file = write(FRAMEWORK + "  wieght: 2\n  colour: red\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1 (Framework spark): Framework in version \"v1alpha1\" cannot be handled as a Framework: "
            + "strict decoding error: unknown field \"spec.wieght\", unknown field \"spec.colour\"");
  }

  @Test
  void aWorkloadWithoutAName() throws IOException {
    Path file = write("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {namespace: ns}
        spec: {framework: spark, kind: Service, instances: 1, resources: {cpu: 1}}
        """);
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1 (Workload): The Workload \"\" is invalid: \n"
            + "* metadata.name: Required value: name or generateName is required\n"
            + "* <nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; "
            + "correct the existing errors to complete validation");
  }

  private static final String POOL = """
      apiVersion: poolbridge.io/v1alpha1
      kind: ResourcePool
      metadata: {name: metal}
      spec:
        provider: colo
        region: ams
        source: {static: {nodes: [{name: n1, capacity: {cpu: 4, memory: 16Gi}}, {name: n2, capacity: {cpu: 16, memory: 64Gi}}]}}
      """;

  @Test
  void reservationsLargerThanTheirNodeAreRefused() throws IOException {
    // 3 cpu for eng and 2 for ops on every node: 5 cpu on n1, which has 4.
    Path file = write(POOL + "  reservations: [{role: eng, resources: {cpu: 3}}, {role: ops, resources: {cpu: 2, memory: 1Gi}}]\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1 (ResourcePool metal): spec.reservations: Invalid value: \"n1\": "
            + "the reservations on node n1 (cpu 5) exceed its capacity (cpu 4)");
  }

  @Test
  void aReservationOfAResourceTheNodeLacksIsRefused() throws IOException {
    Path file = write(POOL + "  reservations: [{role: eng, nodes: [n2], resources: {nvidia.com/gpu: 1}}]\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1 (ResourcePool metal): spec.reservations: Invalid value: \"n2\": "
            + "the reservations on node n2 (nvidia.com/gpu 1) exceed its capacity (nvidia.com/gpu 0)");
  }

  @Test
  void reservationsOnAKubernetesNodeAreCheckedAgainstItsAllocatable() throws IOException {
    Path file = write("""
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: cloud}
        spec:
          provider: aws
          region: eu-west-1
          source: {kubernetes: {nodeSelector: {}}}
          reservations: [{role: eng, resources: {memory: 20Gi}}]
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: k1}
        status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}}
        """);
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1 (ResourcePool cloud): spec.reservations: Invalid value: \"k1\": "
            + "the reservations on node k1 (memory 20Gi) exceed its capacity (memory 16Gi)");
  }

  @Test
  void aWorkloadThroughAFrameworkNotInTheInputIsRefused() throws IOException {
    Path file = write(POOL + "---\n" + FRAMEWORK + """
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: ns}
        spec: {framework: sprak, kind: Service, instances: 1, resources: {cpu: 1}}
        """);
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 3 (Workload ns/web): spec.framework: Not found: \"sprak\": "
            + "no Framework of that name in the input (it has: spark)");
  }
}
