package io.poolbridge.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.poolbridge.validation.ApiServerValidator;
import java.util.HashMap;

/**
 * A Kubernetes API in this JVM, for {@code poolbridge demo} and the integration tests: Fabric8's
 * mock server in CRUD mode (objects are stored, listed, watched and patched as a real API server
 * does, on a free port of localhost), with {@link ValidatingCrudDispatcher} refusing invalid
 * poolbridge resources as the API server would, and the poolbridge CRDs installed from the class
 * path (the same files as the committed {@code crds/}).
 */
public final class EmbeddedApiServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The mock server logs every request through java.util.logging at INFO: kept quiet (held, so the level stays). */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private EmbeddedApiServer(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /** Starts the API on a free port of localhost, with the poolbridge CRDs installed. */
  public static EmbeddedApiServer start() {
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new ValidatingCrudDispatcher(), false);
    server.init();
    KubernetesClient client = server.createClient(new JdkHttpClientFactory());
    EmbeddedApiServer api = new EmbeddedApiServer(server, client);
    try {
      for (JsonNode crd : ApiServerValidator.generatedCrds()) {
        client.apiextensions().v1().customResourceDefinitions()
            .resource(JSON.convertValue(crd, CustomResourceDefinition.class)).create();
      }
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
    return api;
  }

  /**
   * Starts a plain API (no CRDs, nothing validated): a remote cluster holding Nodes, which pools
   * reach through a kubeconfig Secret ({@link #kubeconfig()}).
   */
  public static EmbeddedApiServer startRemote() {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
    server.init();
    return new EmbeddedApiServer(server, server.createClient(new JdkHttpClientFactory()));
  }

  /** A kubeconfig that reaches this API, as a kubeconfig Secret holds it. */
  public String kubeconfig() {
    return kubeconfig(url());
  }

  /** A kubeconfig that reaches the API server at {@code url} (no TLS verification, a dummy token). */
  public static String kubeconfig(String url) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: embedded
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: poolbridge
          user: {token: embedded}
        contexts:
        - name: embedded
          context: {cluster: embedded, user: poolbridge}
        current-context: embedded
        """.formatted(url);
  }

  /** A client of this API (closed with it). */
  public KubernetesClient client() {
    return client;
  }

  /** The API's URL, e.g. {@code https://localhost:41523/}. */
  public String url() {
    return client.getMasterUrl().toString();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
