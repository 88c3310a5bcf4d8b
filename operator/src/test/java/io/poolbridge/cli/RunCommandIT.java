package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.operator.EmbeddedEstate;
import io.poolbridge.operator.PoolbridgeOperator;
import io.poolbridge.simulate.EstateSimulation;
import io.poolbridge.simulate.SimulationOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code poolbridge run} against the cluster its kubeconfig names (the sample estate on the embedded
 * API, the gcp pool's Nodes in a remote one): it places every instance where {@code simulate}
 * predicts, makes the Pods of the Workload that has a template, serves {@code /readyz} and
 * {@code /metrics}, and stops cleanly with exit code 0.
 */
class RunCommandIT {
  @Test
  @Timeout(120)
  void runPlacesTheSamplesOnTheClusterOfItsKubeconfigAndServesItsEndpoints(@TempDir Path dir) throws Exception {
    try (EmbeddedEstate estate = EmbeddedEstate.samples()) {
      Path kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(kubeconfig, EmbeddedEstate.kubeconfig(estate.client()));
      System.setProperty("kubeconfig", kubeconfig.toString());
      EstateLoader.Input input = new EstateLoader().load(List.of(EmbeddedEstate.dir("samples"),
          EmbeddedEstate.dir("samples").resolve("simulation")));
      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      RunCommand.Settings settings = new RunCommand.Settings(null, Duration.ofSeconds(1), Set.of(), false,
          EmbeddedEstate.OPERATOR_NAMESPACE, "run-it", port, input.settings().rates(), 0);
      CountDownLatch stop = new CountDownLatch(1);
      AtomicReference<PoolbridgeOperator> operator = new AtomicReference<>();
      AtomicInteger exit = new AtomicInteger(-1);
      StringWriter err = new StringWriter();
      Thread run = new Thread(() -> {
        try {
          exit.set(RunCommand.runOperator(settings, new PrintWriter(new StringWriter()), new PrintWriter(err), stop, operator::set));
        } catch (Exception e) {
          exit.set(99);
        }
      });
      run.start();

      await().atMost(Duration.ofSeconds(60)).until(() -> operator.get() != null && operator.get().loop().state().settled());
      SimulationOutcome predicted = new EstateSimulation(input, 0, Instant.now(), input.settings().rates()).run(100);
      Map<String, Integer> expected = new TreeMap<>();
      predicted.workloads().forEach(w -> expected.put(w.key(), w.placed()));
      Map<String, Integer> placed = new TreeMap<>();
      for (Workload w : estate.client().resources(Workload.class).inAnyNamespace().list().getItems()) {
        placed.put(w.getMetadata().getNamespace() + "/" + w.getMetadata().getName(), w.getStatus().placed());
      }
      assertThat(placed).isEqualTo(expected);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(estate.client().pods().inNamespace("streaming")
          .list().getItems()).hasSize(expected.get("streaming/kafka-connect")));

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("poolbridge_pool_capacity").contains("pool=\"metal-fra\"");

      stop.countDown();
      run.join(30_000);
      assertThat(exit.get()).as("exit code; stderr: %s", err).isZero();
      assertThat(err.toString()).contains("poolbridge operator run-it on ");
    } finally {
      System.clearProperty("kubeconfig");
    }
  }
}
