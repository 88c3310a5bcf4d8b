package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.operator.EmbeddedEstate;
import io.poolbridge.operator.PoolbridgeOperator;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate --cluster} against the sample estate on the embedded API with the operator
 * running and settled: the kubeconfig reaches the embedded API, the gcp pool's Nodes are read from
 * its remote cluster through the kubeconfig Secret. Applying the samples again changes nothing;
 * scaling the brokers beyond their zones, adding a Workload and deleting one print what a reviewer
 * needs to know, and the exit codes say whether anything would stay pending.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulateClusterIT {
  private EmbeddedEstate estate;
  private PoolbridgeOperator operator;
  @TempDir Path dir;

  @BeforeAll
  void start() throws Exception {
    estate = EmbeddedEstate.samples();
    Path kubeconfig = Files.createTempFile("simulate-cluster-it", ".kubeconfig");
    Files.writeString(kubeconfig, EmbeddedEstate.kubeconfig(estate.client()));
    System.setProperty("kubeconfig", kubeconfig.toString());
    EstateLoader.Input input = new EstateLoader().load(List.of(EmbeddedEstate.dir("samples"), EmbeddedEstate.dir("samples").resolve("simulation")));
    operator = new PoolbridgeOperator(estate.client(), PoolbridgeOperator.Config.defaults().withRates(input.settings().rates()),
        Clock.systemUTC(), null);
    operator.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.loop().state().settled() && recorded());
    // The cluster has no poolbridge ConfigMap: the sample settings are given as the file says.
  }

  /** Every Workload's status records every instance placed (the samples place fully). */
  private boolean recorded() {
    for (Workload w : estate.client().resources(Workload.class).inAnyNamespace().list().getItems()) {
      if (w.getStatus() == null || w.getStatus().placed() == null || w.getStatus().placed() != w.getSpec().instances()) {
        return false;
      }
    }
    return true;
  }

  @AfterAll
  void stop() {
    System.clearProperty("kubeconfig");
    if (operator != null) {
      operator.close();
    }
    estate.close();
  }

  record Run(int exitCode, String out, String err) {}

  private static Run simulate(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("simulate", "--cluster", "--currency", "USD", "--exchange-rate", "EUR=1.08"));
    all.addAll(List.of(args));
    int code = Poolbridge.execute(Poolbridge.commandLine(), out, err, all.toArray(String[]::new));
    if (System.getenv("SIMULATE_CLUSTER_IT_SHOW") != null) {
      System.out.println("$ poolbridge " + String.join(" ", all) + "\n" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8) + "exit " + code);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String samples(String file) {
    return EmbeddedEstate.dir("samples").resolve(file).toString();
  }

  private static final String REMOTE_NOTE = "note: the Nodes of pool gcp-europe-west4 were read from the cluster of kubeconfig"
      + " Secret poolbridge-system/gke-europe-west4-kubeconfig key kubeconfig";

  @Test
  void applyingWhatIsLiveChangesNothing() {
    Run run = simulate("-f", samples(""), "--fail-on-pending");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    // The samples place fully and the operator has placed them: nothing moves, nothing is pending.
    assertThat(run.out()).startsWith("no change\n\n").contains(REMOTE_NOTE)
        .doesNotContain("placed (").doesNotContain("moved (").doesNotContain("stopped (").doesNotContain("pending")
        .doesNotContain("shares (");
  }

  @Test
  void brokersBeyondTheirZonesStayPending() throws Exception {
    // Four brokers, one per metal zone (ams1, ams2, fra1, fra2, zone UNIQUE): a fifth and a sixth have
    // no zone left, and preempting others cannot give them one.
    Path change = dir.resolve("brokers.yaml");
    Files.writeString(change, Files.readString(Path.of(samples("30-workloads-streaming.yaml"))).replace("instances: 4", "instances: 6"));

    Run run = simulate("-f", change.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("pending (2):");
    assertThat(lines.get(1)).startsWith("WORKLOAD").contains("INSTANCE").contains("BEFORE").contains("REASON");
    assertThat(lines.get(2)).startsWith("streaming/kafka-brokers   kafka-brokers-4   (new)   ");
    assertThat(lines.get(3)).startsWith("streaming/kafka-brokers   kafka-brokers-5   (new)   ");
    assertThat(run.out()).doesNotContain("placed (").doesNotContain("moved (").doesNotContain("stopped (").doesNotContain("no change");

    Run failing = simulate("-f", change.toString(), "--fail-on-pending");
    assertThat(failing.exitCode()).isEqualTo(SimulateCommand.PENDING);
    assertThat(failing.out()).isEqualTo(run.out());
    assertThat(failing.err()).isEqualTo("error: 2 instances of 1 workload would stay pending (--fail-on-pending)\n");

    Run json = simulate("-f", change.toString(), "-o", "json");
    JsonNode tree = new ObjectMapper().readTree(json.out());
    assertThat(tree.path("noChange").asBoolean()).isFalse();
    assertThat(tree.path("pending")).hasSize(2);
    assertThat(tree.path("pending").get(0).path("workload").asText()).isEqualTo("streaming/kafka-brokers");
    assertThat(tree.path("pending").get(0).path("instance").asText()).isEqualTo("kafka-brokers-4");
    assertThat(tree.path("pending").get(0).has("before")).isFalse();
    assertThat(tree.path("placed")).isEmpty();
    assertThat(tree.path("notes").get(0).asText()).isEqualTo(REMOTE_NOTE.substring("note: ".length()));
  }

  @Test
  void aNewWorkloadIsPlacedWhereItsConstraintSays() throws Exception {
    Path change = dir.resolve("new.yaml");
    Files.writeString(change, """
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata:
          name: schema-registry
          namespace: streaming
        spec:
          framework: kafka
          kind: Service
          instances: 1
          resources: {cpu: 1, memory: 2Gi}
          constraints:
          - attribute: pool
            operator: IS
            value: metal-ams
        """);

    Run run = simulate("-f", change.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("placed (1):");
    assertThat(lines.get(2)).matches("streaming/schema-registry   schema-registry-0   \\(new\\)    metal-ams/\\S+");
    assertThat(run.out()).doesNotContain("moved (").doesNotContain("stopped (").doesNotContain("pending (");
    // kafka holds one more cpu of the pooled total: its share moves, the others' do not.
    assertThat(run.out()).contains("shares (1 of ").contains("\nkafka ");
  }

  @Test
  void deletingAWorkloadStopsEveryInstanceOfIt() {
    Run run = simulate("--delete", samples("30-workloads-storage.yaml"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> stopped = run.out().lines().filter(l -> l.startsWith("storage/cassandra-ring ")).toList();
    assertThat(stopped).hasSize(6);
    for (int i = 0; i < 6; i++) {
      assertThat(stopped.get(i)).startsWith("storage/cassandra-ring   cassandra-ring-" + i + "   ")
          .endsWith("   Deleted   its Workload is deleted");
    }
    assertThat(run.out()).startsWith("stopped (6):\n").doesNotContain("placed (").doesNotContain("moved (")
        .doesNotContain("pending (").contains("\ncassandra ");
  }

  @Test
  void aRemoteClusterThatCannotBeReadIsSaidSoAndItsPoolHasNoNodes() {
    // The sample gcp pool's Secret names no namespace: in another operator namespace there is none.
    Run run = simulate("-f", samples(""), "--operator-namespace", "elsewhere");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("note: the Nodes of pool gcp-europe-west4 could not be read (Secret"
        + " elsewhere/gke-europe-west4-kubeconfig does not exist): it is simulated without nodes, so what its nodes run shows as"
        + " moved or stopped\n");
    // The records on its nodes cannot be accounted: one note per Workload, not one per instance.
    assertThat(run.out().lines().filter(l -> l.contains("could not be accounted"))).allSatisfy(l ->
        assertThat(l).matches("note: \\S+/\\S+: \\d+ recorded placements could not be accounted in the live estate \\(\\S+: instance"
            + " \\S+ is on unknown agent gcp-europe-west4/\\S+; \\.\\.\\.\\)"));
    // What runs on gcp (as the statuses record) moves to other pools or stops; nothing else changes:
    // nothing is placed that did not run, nothing moves that did not run on gcp.
    assertThat(run.out()).doesNotContain("no change").doesNotContain("placed (").contains("moved (");
    List<String> moved = section(run.out(), "moved");
    assertThat(moved).isNotEmpty().allSatisfy(l -> assertThat(l.split(" {3,}")[2]).startsWith("gcp-europe-west4/"))
        .allSatisfy(l -> assertThat(l.split(" {3,}")[3]).doesNotStartWith("gcp-europe-west4/"));
    assertThat(section(run.out(), "stopped")).allSatisfy(l -> assertThat(l.split(" {3,}")[2]).startsWith("gcp-europe-west4/"));
  }

  /** The rows of a section of the diff ({@code moved (3):}, its header, its rows, an empty line). */
  private static List<String> section(String out, String title) {
    List<String> rows = new ArrayList<>();
    boolean in = false;
    int header = 0;
    for (String line : out.lines().toList()) {
      if (line.startsWith(title + " (")) {
        in = true;
        header = 1;
      } else if (in && header == 1) {
        header = 0;
      } else if (in && line.isEmpty()) {
        break;
      } else if (in) {
        rows.add(line);
      }
    }
    return rows;
  }

  @Test
  void aBadFileIsOneLineNamingIt() throws Exception {
    Path change = dir.resolve("bad.yaml");
    Files.writeString(change, """
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata:
          name: web
          namespace: streaming
        spec:
          framework: kafka
          kind: Service
          instances: many
          resources: {cpu: 1}
        """);

    Run run = simulate("-f", change.toString());

    assertThat(run.exitCode()).isEqualTo(SimulateCommand.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    // simulate's message, in kubectl's words: one cause a line.
    assertThat(run.err()).startsWith("error: " + change + ": document 1 (Workload streaming/web): The Workload \"web\" is invalid")
        .contains("* spec.instances: Invalid value: \"string\"").doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aContextTheKubeconfigLacksOrAClusterThatDoesNotAnswerIsOneLine() throws Exception {
    Run run = simulate("--context", "nope", "-f", samples(""));
    assertThat(run.exitCode()).isEqualTo(SimulateCommand.CLUSTER_UNREADABLE);
    assertThat(run.err()).startsWith("error: the kubeconfig has no context nope (it has: ").hasLineCount(1);
    assertThat(run.out()).isEmpty();

    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path garbled = Files.createTempFile("garbled", ".kubeconfig");
    Files.writeString(garbled, "clusters: [ {name: a\n");
    String kubeconfig = System.getProperty("kubeconfig");
    System.setProperty("kubeconfig", garbled.toString());
    try {
      Run bad = simulate("-f", samples(""));
      assertThat(bad.exitCode()).isEqualTo(SimulateCommand.CLUSTER_UNREADABLE);
      assertThat(bad.err()).startsWith("error: the kubeconfig " + garbled + " cannot be read: ").hasLineCount(1)
          .doesNotContain("Exception");
    } finally {
      System.setProperty("kubeconfig", kubeconfig);
    }

    Path nowhere = Files.createTempFile("nowhere", ".kubeconfig");
    Files.writeString(nowhere, io.poolbridge.embedded.EmbeddedApiServer.kubeconfig("https://127.0.0.1:" + port));
    String was = System.getProperty("kubeconfig");
    System.setProperty("kubeconfig", nowhere.toString());
    try {
      Run down = simulate("-f", samples(""));
      assertThat(down.exitCode()).isEqualTo(SimulateCommand.CLUSTER_UNREADABLE);
      assertThat(down.err()).startsWith("error: cannot reach the Kubernetes API at https://127.0.0.1:" + port + "/")
          .hasLineCount(1).doesNotContain("Exception");
    } finally {
      System.setProperty("kubeconfig", was);
    }
  }
}
