package io.poolbridge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolbridge.metrics.OperatorHttpServer.Readiness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The operator's HTTP endpoints on loopback: status codes, content types and bodies. */
@Timeout(30)
class OperatorHttpServerIT {
  private final OperatorMetrics metrics = new OperatorMetrics();
  private final AtomicBoolean alive = new AtomicBoolean(true);
  private final AtomicReference<Readiness> readiness =
      new AtomicReference<>(Readiness.notReady("waiting for the informers' first sync"));
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private OperatorHttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = OperatorHttpServer.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics.registry(), alive::get, readiness::get);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void metricsAreServedInThePrometheusTextFormat() throws Exception {
    metrics.recordCreateToPlaced(Duration.ofMillis(120));
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body()).contains("# TYPE poolbridge_instance_create_to_placed_seconds histogram")
        .contains("poolbridge_instance_create_to_placed_seconds_count 1")
        .contains("poolbridge_instances_stopped_total{reason=\"preempted\"} 0");
  }

  @Test
  void healthzFollowsTheLoopThread() throws Exception {
    HttpResponse<String> up = get("/healthz");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(up.body()).isEqualTo("ok\n");

    alive.set(false);
    HttpResponse<String> down = get("/healthz");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).isEqualTo("the allocation loop is not running\n");
  }

  @Test
  void readyzSaysWhyItIsNotReady() throws Exception {
    HttpResponse<String> waiting = get("/readyz");
    assertThat(waiting.statusCode()).isEqualTo(503);
    assertThat(waiting.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(waiting.body()).isEqualTo("waiting for the informers' first sync\n");

    readiness.set(Readiness.READY);
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ok\n");
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/metricsx").statusCode()).isEqualTo(404);
    assertThat(get("/healthz/deep").statusCode()).isEqualTo(404);
    HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void closingFreesThePort() throws Exception {
    int port = server.port();
    assertThat(port).isPositive();
    server.close();
    assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(uri("/healthz")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    // The same port can be bound again.
    server = OperatorHttpServer.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), metrics.registry(), alive::get, readiness::get);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }
}
