package io.poolbridge.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoints, on the JDK's HTTP server:
 *
 * <ul>
 *   <li>{@code /metrics}: every metric in the Prometheus text format;
 *   <li>{@code /healthz}: 200 while the allocation loop's thread is alive, else 503 (the liveness probe);
 *   <li>{@code /readyz}: 200 when the operator is ready, else 503 with the reason as plain text (the
 *       readiness probe).
 * </ul>
 *
 * Only {@code GET} and {@code HEAD} are answered (405 otherwise). Two daemon threads serve them.
 */
public final class OperatorHttpServer implements AutoCloseable {
  /** The Prometheus text format (0.0.4), as a scraper expects it without content negotiation. */
  public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final String TEXT = "text/plain; charset=utf-8";

  /** Whether the operator is ready, and if not why (in a user's words). */
  public record Readiness(boolean isReady, String reason) {
    public static final Readiness READY = new Readiness(true, "ready");

    public Readiness {
      java.util.Objects.requireNonNull(reason, "reason");
    }

    /** Not ready, because of {@code reason} (in a user's words). */
    public static Readiness notReady(String reason) {
      return new Readiness(false, reason);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private OperatorHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts the server.
   *
   * @param address where to listen; port 0 takes a free port ({@link #port})
   * @param registry the metrics served on {@code /metrics}
   * @param alive whether the allocation loop's thread is alive
   * @param readiness whether the operator is ready, and why not
   * @throws IOException when the address cannot be bound
   */
  public static OperatorHttpServer start(
      InetSocketAddress address, PrometheusMeterRegistry registry, BooleanSupplier alive, Supplier<Readiness> readiness)
      throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "poolbridge-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> serve(exchange, () -> new Response(200, METRICS_CONTENT_TYPE, registry.scrape())));
    server.createContext("/healthz", exchange -> serve(exchange,
        () -> alive.getAsBoolean() ? new Response(200, TEXT, "ok\n")
            : new Response(503, TEXT, "the allocation loop is not running\n")));
    server.createContext("/readyz", exchange -> serve(exchange, () -> {
      Readiness r = readiness.get();
      return r.isReady() ? new Response(200, TEXT, "ok\n") : new Response(503, TEXT, r.reason() + "\n");
    }));
    server.start();
    return new OperatorHttpServer(server, executor);
  }

  /** The address the server listens on (with the port taken when 0 was asked). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting, lets exchanges in progress finish for up to a second, and stops the threads. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private record Response(int status, String contentType, String body) {}

  private static void serve(HttpExchange exchange, Supplier<Response> handler) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = method.equals("HEAD");
      if (!head && !method.equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      Response r;
      try {
        r = handler.get();
      } catch (RuntimeException e) {
        r = new Response(500, TEXT, "internal error\n");
      }
      byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", r.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (head) {
        exchange.sendResponseHeaders(r.status(), -1);
        return;
      }
      exchange.sendResponseHeaders(r.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
