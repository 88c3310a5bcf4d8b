package io.poolbridge.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The *E2E tier's cluster: one k3s container shared by every E2E class of a test run, started on
 * first use and stopped when the run ends. Test methods and {@code @BeforeAll} methods receive a
 * {@link KubernetesClient} for it as a parameter, or the {@link K3sContainer} itself (its kubeconfig
 * for helm, {@code ctr} to import an image).
 *
 * <p>Where no Docker engine is reachable every E2E test is skipped, with a message that says so.
 * Set {@code -Dpoolbridge.e2e.requireDocker=true} (as a CI job with Docker should) to make that a
 * failure instead.
 */
public final class K3sExtension implements ExecutionCondition, ParameterResolver {

  /**
   * The one place the Kubernetes version of the E2E tier is chosen. 1.33, because the malformed
   * catalogue's expected messages are worded as Kubernetes 1.31 to 1.33 word them (1.34 and 1.35
   * reword some; see operator/src/test/resources/malformed/README.md).
   */
  public static final String K3S_IMAGE = "rancher/k3s:v1.33.5-k3s1";

  /** The Kubernetes version that image runs ({@code v1.33.5}); the Helm chart is rendered for it too. */
  public static final String KUBERNETES_VERSION = K3S_IMAGE.replaceAll(".*:(v[0-9.]+)-k3s.*", "$1");

  static final String SKIP_MESSAGE =
      "poolbridge E2E tier skipped: no Docker engine reachable (set DOCKER_HOST or start Docker to run it)";

  /** Docker detection must answer quickly; a daemon that does not answer in this time counts as absent. */
  private static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofSeconds(20);

  private static final Logger LOG = LoggerFactory.getLogger(K3sExtension.class);

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(K3sExtension.class);

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    DockerProbe probe = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(DockerProbe.class, k -> DockerProbe.run(), DockerProbe.class);
    if (probe.available()) {
      return ConditionEvaluationResult.enabled("Docker engine reachable: running against " + K3S_IMAGE);
    }
    if (Boolean.getBoolean("poolbridge.e2e.requireDocker")) {
      throw new IllegalStateException(
          "poolbridge.e2e.requireDocker is set but no Docker engine is reachable: " + probe.detail());
    }
    return ConditionEvaluationResult.disabled(SKIP_MESSAGE + "; " + probe.detail());
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class || type == K3sContainer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Cluster cluster = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Cluster.class, k -> Cluster.start(), Cluster.class);
    return parameter.getParameter().getType() == K3sContainer.class ? cluster.container() : cluster.client();
  }

  /** Whether Docker answered, and what was found. */
  record DockerProbe(boolean available, String detail) {

    /** Probes once per test run and says on the console what it found. */
    static DockerProbe run() {
      DockerProbe probe = probe();
      if (probe.available()) {
        LOG.info("Docker engine reachable ({}): the E2E tier runs against {}", probe.detail(), K3S_IMAGE);
      } else {
        LOG.warn("{}; {}", SKIP_MESSAGE, probe.detail());
      }
      return probe;
    }

    private static DockerProbe probe() {
      long start = System.nanoTime();
      CompletableFuture<Boolean> check =
          CompletableFuture.supplyAsync(() -> DockerClientFactory.instance().isDockerAvailable());
      try {
        boolean available = check.get(DOCKER_PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new DockerProbe(available, "checked in " + millis + " ms");
      } catch (TimeoutException e) {
        check.cancel(true);
        return new DockerProbe(false, "no answer from Docker within " + DOCKER_PROBE_TIMEOUT.toSeconds() + " s");
      } catch (ExecutionException e) {
        return new DockerProbe(false, "Docker detection failed: " + e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new DockerProbe(false, "interrupted while looking for Docker");
      }
    }
  }

  /** The running k3s container and a client for it; JUnit closes it at the end of the run. */
  record Cluster(K3sContainer container, KubernetesClient client) implements AutoCloseable {

    static Cluster start() {
      K3sContainer container = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
      container.start();
      KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(container.getKubeConfigYaml()))
          .build();
      return new Cluster(container, client);
    }

    @Override
    public void close() {
      client.close();
      container.stop();
    }
  }
}
