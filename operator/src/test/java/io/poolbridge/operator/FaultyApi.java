package io.poolbridge.operator;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The embedded API server's dispatcher with a request log and injected faults, composed around
 * {@link ValidatingCrudDispatcher}: a {@link #fault} may answer a request in the API server's place
 * (a 409, a 500) or act before it is served (a concurrent writer), and {@link #dropWatches} closes
 * every open watch connection, as an API server restart or a load balancer does.
 */
final class FaultyApi extends Dispatcher {
  /** One request as served: method, path (with query) and the code answered. */
  record Served(String method, String path, int code, long seq, String agent) {
    boolean statusWrite() {
      String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      return p.endsWith("/status") && (method.equals("PATCH") || method.equals("PUT"));
    }

    boolean workloadStatusWrite() {
      return statusWrite() && path.contains("/workloads/");
    }
  }

  private final ValidatingCrudDispatcher crud = new ValidatingCrudDispatcher();
  private final List<Served> log = new CopyOnWriteArrayList<>();
  private final Set<WebSocket> watches = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
  /** Answers a request in the server's place when it returns a response; null lets the server serve it. */
  volatile Function<RecordedRequest, MockResponse> fault = r -> null;

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse injected = fault.apply(request);
    if (injected == null && rulesReview(request)) {
      injected = new MockResponse().setResponseCode(201).setBody(RULES);
    }
    MockResponse response = injected != null ? injected : crud.dispatch(request);
    log.add(new Served(request.getMethod(), request.getPath(), response.code(), seq.incrementAndGet(),
        request.getHeader("User-Agent")));
    WebSocketListener listener = response.getWebSocketListener();
    if (listener != null) {
      response.withWebSocketUpgrade(new Tracked(listener));
    }
    return response;
  }

  /**
   * The mock stores a SelfSubjectRulesReview as sent, without the rules a real API server computes
   * (JOSDK checks them before leader election): answer it as for an operator allowed its Lease.
   */
  private static boolean rulesReview(RecordedRequest request) {
    return request.getMethod().equals("POST") && request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews");
  }

  private static final String RULES = "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
      + "\"metadata\":{},\"spec\":{},\"status\":{\"incomplete\":false,\"nonResourceRules\":[],\"resourceRules\":["
      + "{\"apiGroups\":[\"coordination.k8s.io\"],\"resources\":[\"leases\"],\"verbs\":[\"create\",\"update\",\"get\"]}]}}";

  @Override
  public void shutdown() {
    crud.shutdown();
  }

  /** Serves a request straight from the store, as another client of the API server would be served. */
  MockResponse serve(String method, String path, String contentType, String body) {
    RecordedRequest request = new RecordedRequest("HTTP/1.1", io.fabric8.mockwebserver.dsl.HttpMethod.valueOf(method), path,
        io.fabric8.mockwebserver.http.Headers.builder().add("Content-Type", contentType).build(),
        new io.fabric8.mockwebserver.http.Buffer(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    MockResponse response = crud.dispatch(request);
    log.add(new Served(method, path, response.code(), seq.incrementAndGet(), "concurrent-writer"));
    return response;
  }

  List<Served> log() {
    return List.copyOf(log);
  }

  /** The sequence number of the last request served so far (to count what comes after it). */
  long mark() {
    return seq.get();
  }

  List<Served> since(long mark) {
    return log.stream().filter(s -> s.seq() > mark).toList();
  }

  /** Closes every open watch connection; returns how many were open. */
  int dropWatches() {
    int n = 0;
    for (WebSocket ws : List.copyOf(watches)) {
      ws.close(1001, "going away");
      watches.remove(ws);
      n++;
    }
    return n;
  }

  int openWatches() {
    return watches.size();
  }

  static MockResponse status(int code, String reason, String message) {
    return new MockResponse().setResponseCode(code).setBody(
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message
            + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
  }

  /** Delegates to the server's watch listener and remembers the socket, to close it on demand. */
  private final class Tracked extends WebSocketListener {
    private final WebSocketListener inner;

    Tracked(WebSocketListener inner) {
      this.inner = inner;
    }

    @Override
    public void onBeforeAccept(WebSocket ws, Response response) {
      inner.onBeforeAccept(ws, response);
    }

    @Override
    public void onOpen(WebSocket ws, Response response) {
      watches.add(ws);
      inner.onOpen(ws, response);
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      inner.onMessage(ws, text);
    }

    @Override
    public void onMessage(WebSocket ws, io.fabric8.mockwebserver.http.ByteString bytes) {
      inner.onMessage(ws, bytes);
    }

    @Override
    public void onMessage(WebSocket ws, byte[] bytes) {
      inner.onMessage(ws, bytes);
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      watches.remove(ws);
      inner.onClosing(ws, code, reason);
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
      watches.remove(ws);
      inner.onClosed(ws, code, reason);
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, Response response) {
      watches.remove(ws);
      inner.onFailure(ws, t, response);
    }
  }
}
