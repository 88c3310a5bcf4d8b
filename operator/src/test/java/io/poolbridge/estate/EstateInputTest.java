package io.poolbridge.estate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs read as kubectl reads them: files, directories, the standard input, Lists, YAML's own features. */
class EstateInputTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private static final String FRAMEWORK = """
      apiVersion: poolbridge.io/v1alpha1
      kind: Framework
      metadata: {name: spark}
      spec: {type: External, role: eng/analytics, namespaces: {names: [data]}}
      """;

  private static final String FRAMEWORK_JSON = """
      {"apiVersion": "poolbridge.io/v1alpha1", "kind": "Framework", "metadata": {"name": "flink"},
       "spec": {"type": "External", "role": "eng/streams"}}
      """;

  private static List<String> frameworks(EstateLoader.Input input) {
    return input.frameworks().stream().map(l -> l.object().getMetadata().getName()).toList();
  }

  @Test
  void jsonFilesAreReadAloneAndInDirectories() throws IOException {
    write("a.yaml", FRAMEWORK);
    Path json = write("b.json", FRAMEWORK_JSON);
    write("notes.txt", "not an input");
    assertThat(frameworks(new EstateLoader().load(List.of(dir)))).containsExactly("flink", "spark");
    assertThat(frameworks(new EstateLoader().load(List.of(json)))).containsExactly("flink");
  }

  @Test
  void jsonInAFileOfAnyNameIsReadAsJson() throws IOException {
    Path file = write("fw.yaml", FRAMEWORK_JSON.replace("\"flink\"", "\"flink\",\t\"labels\": {}"));
    assertThat(frameworks(new EstateLoader().load(List.of(file)))).containsExactly("flink");
  }

  @Test
  void theStandardInputIsReadForADash() {
    EstateLoader loader = new EstateLoader(() -> new ByteArrayInputStream(FRAMEWORK.getBytes(StandardCharsets.UTF_8)));
    EstateLoader.Input input = loader.load(List.of(Path.of("-")));
    assertThat(frameworks(input)).containsExactly("spark");
    assertThat(input.frameworks().get(0).origin()).hasToString("STDIN: document 1");
  }

  @Test
  void subdirectoriesAreReadWithRecursiveOnly() throws IOException {
    write("team-a/fw.yaml", FRAMEWORK);
    write("team-b/deeper/fw.json", FRAMEWORK_JSON);
    assertThatThrownBy(() -> new EstateLoader().load(List.of(dir)))
        .hasMessage(dir + ": no .yaml, .yml or .json files in this directory (its subdirectories are read with -R)");
    assertThat(frameworks(new EstateLoader().recursive(true).load(List.of(dir)))).containsExactly("flink", "spark");
  }

  @Test
  void aListHoldsObjectsOfAnyKindAndMessagesNameTheItem() throws IOException {
    Path file = write("list.yaml", """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: poolbridge.io/v1alpha1
          kind: Framework
          metadata: {name: spark, resourceVersion: "12", uid: 0b6f, creationTimestamp: 2026-12-01T10:00:00Z}
          spec: {type: External, role: eng/analytics}
          status: {}
        - apiVersion: v1
          kind: Node
          metadata: {name: n1}
          status: {allocatable: {cpu: "4"}}
        - apiVersion: poolbridge.io/v1alpha1
          kind: Workload
          metadata: {name: etl, namespace: data}
          spec: {framework: spark, kind: Service, instances: 0, resources: {cpu: 1}}
        """);
    assertThatThrownBy(() -> new EstateLoader().load(List.of(file)))
        .hasMessage(file + ": document 1, items[2] (Workload data/etl): The Workload \"etl\" is invalid: spec.instances: "
            + "Invalid value: \"object\": instances must be at least 1 unless the schedule is suspended");
    Files.writeString(file, Files.readString(file).replace("instances: 0", "instances: 1"));
    EstateLoader.Input input = new EstateLoader().load(List.of(file));
    assertThat(frameworks(input)).containsExactly("spark");
    assertThat(input.nodes()).hasSize(1);
    assertThat(input.workloads()).hasSize(1);
  }

  @Test
  void anchorsAliasesAndMergeKeysWorkAsInKubectl() throws IOException {
    Path file = write("anchors.yaml", """
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: metal}
        spec:
          provider: colo
          region: ams
          source:
            static:
              nodes:
              - &node {name: n1, capacity: &big {cpu: 32, memory: 128Gi}}
              - <<: *node
                name: n2
              - {name: n3, capacity: *big}
        """);
    var pool = new EstateLoader().load(List.of(file)).pools().get(0).object();
    assertThat(pool.getSpec().source().inventory().nodes()).extracting(n -> n.name() + "=" + n.capacity().get("cpu"))
        .containsExactly("n1=32", "n2=32", "n3=32");
  }

  @Test
  void aKeySetTwiceIsRefusedInYamlAndInJson() throws IOException {
    Path yaml = write("dup.yaml", FRAMEWORK + "metadata: {name: other}\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(yaml)))
        .hasMessage(yaml + ": document 1: line 5: key \"metadata\" already set in map (a key may appear once in a mapping)");
    Path json = write("dup.json", "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\",\n \"kind\": \"Namespace\"}");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(json)))
        .hasMessage(json + ": document 1: line 2: key \"kind\" already set in map (a key may appear once in an object)");
  }

  @Test
  void anUnknownApiGroupOrVersionIsRefusedAndBuiltInKindsAreSkipped() throws IOException {
    Path deployment = write("a.yaml", FRAMEWORK + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n");
    assertThat(frameworks(new EstateLoader().load(List.of(deployment)))).containsExactly("spark");
    Path typo = write("b.yaml", FRAMEWORK.replace("poolbridge.io/v1alpha1", "poolbrige.io/v1alpha1"));
    assertThatThrownBy(() -> new EstateLoader().load(List.of(typo)))
        .hasMessage(typo + ": document 1: apiVersion: Unsupported value: \"poolbrige.io/v1alpha1\": simulate reads "
            + "poolbridge.io/v1alpha1 objects, v1 Nodes, Namespaces and Lists, and skips the built-in Kubernetes kinds; "
            + "leave this file out (-f) or fix the apiVersion");
    Path noVersion = write("c.yaml", "kind: Node\nmetadata: {name: n1}\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(noVersion)))
        .hasMessage(noVersion + ": document 1: apiVersion: Required value");
  }

  @Test
  void twoObjectsOfOneKindAndNameAreRefusedNamingBothPlaces() throws IOException {
    Path a = write("a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: data}\n");
    Path b = write("b.yaml", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: data}}\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(dir)))
        .hasMessage(b + ": document 1, items[0] (Namespace data): metadata.name: Duplicate value: \"data\": already defined in "
            + a + ": document 1");
    Files.delete(a);
    write("c.yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(dir)))
        .hasMessage(dir.resolve("c.yaml") + ": document 2 (Node n1): metadata.name: Duplicate value: \"n1\": already defined in "
            + dir.resolve("c.yaml") + ": document 1");
  }

  @Test
  void anEmptyInputAnEmptyDirectoryAndADanglingLinkAreRefused() throws IOException {
    Path empty = write("empty.yaml", "# nothing here\n---\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(empty)))
        .hasMessage(empty + ": no objects in the input (kubectl would say: no objects passed to apply)");
    Path nothing = Files.createDirectories(dir.resolve("nothing"));
    assertThatThrownBy(() -> new EstateLoader().load(List.of(nothing)))
        .hasMessage(nothing + ": no .yaml, .yml or .json files in this directory");
    Path link = Files.createSymbolicLink(dir.resolve("gone.yaml"), dir.resolve("missing.yaml"));
    assertThatThrownBy(() -> new EstateLoader().load(List.of(link)))
        .hasMessage(link + ": a symbolic link to " + dir.resolve("missing.yaml") + ", which does not exist");
    write("ok.yaml", FRAMEWORK);
    assertThatThrownBy(() -> new EstateLoader().load(List.of(dir)))
        .as("a dangling link among the files of a directory")
        .hasMessage(link + ": a symbolic link to " + dir.resolve("missing.yaml") + ", which does not exist");
    EstateLoader noInput = new EstateLoader(() -> new ByteArrayInputStream(new byte[0]));
    assertThatThrownBy(() -> noInput.load(List.of(Path.of("-"))))
        .hasMessage("STDIN: no objects in the input (kubectl would say: no objects passed to apply)");
  }

  @Test
  void deepNestingAndAliasBombsAnswerAtOnceWithWhatToDo() throws IOException {
    Path deep = write("deep.yaml", "a: " + "[".repeat(200) + "]".repeat(200) + "\n");
    assertThatThrownBy(() -> new EstateLoader().load(List.of(deep)))
        .hasMessage(deep + ": document 1: line 1: values nested more than 100 deep: no Kubernetes object is; check the indentation");
    StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 0; i < 9; i++) {
      char c = (char) ('b' + i);
      char p = (char) ('a' + i);
      bomb.append(c).append(": &").append(c).append(" [").append(String.join(", ", java.util.Collections.nCopies(10, "*" + p))).append("]\n");
    }
    Path laughs = write("laughs.yaml", bomb.toString());
    assertThatThrownBy(() -> new EstateLoader().load(List.of(laughs)))
        .hasMessage(laughs + ": document 1: its aliases expand to more values than the input has characters: write the values out");
  }

  @Test
  void aHugeScalarIsRefusedAtOnce() throws IOException {
    Path big = write("big.yaml", FRAMEWORK.replace("spark}", "spark, annotations: {note: " + "x".repeat(8 << 20) + "}}"));
    assertThatThrownBy(() -> new EstateLoader().load(List.of(big)))
        .hasMessage(big + ": line 3: longer than 512 KiB: no Kubernetes object has such a value (the API server stores none over 1.5 MiB); "
            + "break it into lines or give JSON");
    Path folded = write("folded.yaml", FRAMEWORK.replace("spark}", "spark, annotations: {note: \"" + "xxxxxxx\\\n".repeat(200_000) + "\"}}"));
    assertThatThrownBy(() -> new EstateLoader().load(List.of(folded)))
        .hasMessage(folded + ": document 1: line 3: a value of 1400000 characters: the API server stores no object over 1.5 MiB");
  }

  /** A Node as {@code kubectl get nodes -o yaml} prints it on EKS: about 9 KB, most of it images and managed fields. */
  private static void realNode(StringBuilder out, int i) {
    String name = "ip-10-0-" + (i / 250) + "-" + (i % 250) + ".eu-west-1.compute.internal";
    out.append("""
        - apiVersion: v1
          kind: Node
          metadata:
            annotations:
              alpha.kubernetes.io/provided-node-ip: 10.0.0.1
              node.alpha.kubernetes.io/ttl: "0"
              volumes.kubernetes.io/controller-managed-attach-detach: "true"
            creationTimestamp: "2026-11-01T10:00:00Z"
            labels:
              kubernetes.io/arch: amd64
              kubernetes.io/hostname: %1$s
              node.kubernetes.io/instance-type: m6i.2xlarge
              pool: cloud
              topology.kubernetes.io/region: eu-west-1
              topology.kubernetes.io/zone: eu-west-1a
            managedFields:
            - apiVersion: v1
              fieldsType: FieldsV1
              fieldsV1:
                f:metadata: {f:labels: {.: {}, f:kubernetes.io/arch: {}, f:kubernetes.io/hostname: {}, f:pool: {}}}
              manager: kubelet
              operation: Update
              time: "2026-11-01T10:00:00Z"
            name: %1$s
            resourceVersion: "%2$d"
            uid: 3f1c2a8e-0000-4000-8000-%2$012d
          spec:
            providerID: aws:///eu-west-1a/i-0%2$016d
          status:
            addresses:
            - {address: 10.0.0.1, type: InternalIP}
            - {address: %1$s, type: Hostname}
            allocatable: {cpu: 7910m, ephemeral-storage: "95551679124", hugepages-1Gi: "0", hugepages-2Mi: "0", memory: 31792884Ki, pods: "58"}
            capacity: {cpu: "8", ephemeral-storage: 104845292Ki, memory: 32541940Ki, pods: "58"}
            conditions:
            - {lastHeartbeatTime: "2026-12-01T10:00:00Z", lastTransitionTime: "2026-11-01T10:00:00Z", message: kubelet is posting ready status, reason: KubeletReady, status: "True", type: Ready}
            images:
        """.formatted(name, i));
    for (int j = 0; j < 25; j++) {
      out.append("    - names: [123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/service-").append(j)
          .append("@sha256:").append(String.format("%064x", (long) i * 31 + j)).append(", 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/service-")
          .append(j).append(":v1.").append(j).append("]\n      sizeBytes: ").append(100_000_000L + j).append('\n');
    }
    out.append("    nodeInfo: {architecture: amd64, containerRuntimeVersion: containerd://1.7.22, kubeletVersion: v1.31.0, osImage: Amazon Linux 2023}\n");
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS) // a hang guard only
  void theNodesOfAFiveThousandNodeClusterAreRead() throws IOException {
    StringBuilder yaml = new StringBuilder("apiVersion: v1\nitems:\n");
    for (int i = 0; i < 5000; i++) {
      realNode(yaml, i);
    }
    yaml.append("kind: List\nmetadata: {resourceVersion: \"\"}\n");
    Path nodes = write("nodes.yaml", yaml.toString());
    assertThat(Files.size(nodes)).as("bytes, as kubectl prints them").isGreaterThan(25L << 20);
    Path pool = write("pool.yaml", """
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: cloud}
        spec: {provider: aws, region: eu-west-1, source: {kubernetes: {nodeSelector: {matchLabels: {pool: cloud}}}}}
        """);
    EstateLoader.Input input = new EstateLoader().load(List.of(pool, nodes));
    assertThat(input.nodes()).hasSize(5000);
    var last = input.nodes().stream()
        .filter(n -> n.object().getMetadata().getName().equals("ip-10-0-19-249.eu-west-1.compute.internal")).findFirst().orElseThrow();
    assertThat(last.origin()).hasToString(nodes + ": document 1, items[4999]");
    assertThat(last.object().getStatus().getAllocatable()).containsKeys("cpu", "memory");
    assertThat(last.object().getStatus().getImages()).as("what simulate never reads is not kept").isNullOrEmpty();
  }
}
