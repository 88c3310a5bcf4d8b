package io.poolbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.MountableFile;

/**
 * The chart installed with real helm into k3s, running the operator's image: the Deployment becomes
 * available and the operator, with only the permissions the chart grants, places a Workload on a
 * static pool and writes its status, its headless Service and EndpointSlices.
 *
 * <p>Needs an image of the operator, which this suite cannot build: {@code
 * -Dpoolbridge.e2e.image=<repository>:<tag>} names one k3s can pull, and, with {@code
 * -Dpoolbridge.e2e.imageTar=<file>} (an image tarball, e.g. Jib's {@code jibBuildTar} output), the
 * tarball is imported into k3s's containerd instead of pulled. Skipped, saying so, without it.
 */
@ExtendWith(K3sExtension.class)
@EnabledIfSystemProperty(named = HelmInstallE2E.IMAGE_PROPERTY, matches = ".*\\S.*",
    disabledReason = "poolbridge Helm install E2E skipped: no operator image given"
        + " (set -D" + HelmInstallE2E.IMAGE_PROPERTY + "=<repository>:<tag>, and -Dpoolbridge.e2e.imageTar=<file>"
        + " for a tarball to import instead of pulling)")
class HelmInstallE2E {

  static final String IMAGE_PROPERTY = "poolbridge.e2e.image";
  private static final Path CHART = ProjectRoot.resolve("helm/poolbridge");
  private static final String RELEASE = "poolbridge";
  private static final String RELEASE_NAMESPACE = Estate.OPERATOR_NAMESPACE;
  private static final String NAMESPACE = "pb-helm-e2e";
  private static final Duration INSTALLED = Duration.ofMinutes(5);
  private static final Duration DECIDED = Duration.ofMinutes(2);

  private static KubernetesClient client;
  private static String kubeconfig;
  private static boolean installed;

  @BeforeAll
  static void installTheChart(KubernetesClient k3sClient, K3sContainer k3s) throws Exception {
    client = k3sClient;
    kubeconfig = k3s.getKubeConfigYaml();
    Estate.reset(client);
    String image = System.getProperty(IMAGE_PROPERTY).strip();
    String tarball = System.getProperty("poolbridge.e2e.imageTar", "").strip();
    if (!tarball.isEmpty()) {
      importImage(k3s, Path.of(tarball));
    }
    int colon = image.lastIndexOf(':');
    boolean tagged = colon > image.lastIndexOf('/');
    Release release = new Helm(CHART).install()
        .withName(RELEASE)
        .withNamespace(RELEASE_NAMESPACE)
        .createNamespace()
        .withKubeConfigContents(kubeconfig)
        .set("image.repository", tagged ? image.substring(0, colon) : image)
        .set("image.tag", tagged ? image.substring(colon + 1) : "latest")
        .set("image.pullPolicy", tarball.isEmpty() ? "IfNotPresent" : "Never")
        .waitReady()
        .withTimeout((int) INSTALLED.toSeconds())
        .call();
    installed = true;
    assertThat(release.getStatus()).as("helm install status").isEqualTo("deployed");
  }

  @AfterAll
  static void uninstall() {
    try {
      if (installed) {
        // While the operator still runs, so that it removes its finalizers.
        Estate.deleteAll(client, Duration.ofMinutes(2));
        Helm.uninstall(RELEASE).withNamespace(RELEASE_NAMESPACE).withKubeConfigContents(kubeconfig).ignoreNotFound().call();
      }
    } finally {
      if (client != null) {
        Estate.reset(client);
      }
    }
  }

  @Test
  void theInstalledOperatorPlacesAWorkloadWithTheChartsPermissions() {
    List<Deployment> deployments = client.apps().deployments().inNamespace(RELEASE_NAMESPACE).list().getItems();
    assertThat(deployments).singleElement().satisfies(d -> {
      assertThat(d.getStatus().getAvailableReplicas()).as("available replicas").isEqualTo(d.getSpec().getReplicas());
      assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo(System.getProperty(IMAGE_PROPERTY).strip());
    });

    Estate.ensureNamespace(client, NAMESPACE, Map.of());
    Estate.apply(client, """
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: helm-e2e}
        spec:
          type: External
          role: helm-e2e
          namespaces: {names: [%1$s]}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: helm-e2e-static}
        spec:
          provider: onprem
          region: local
          source:
            static:
              nodes:
              - {name: m1, address: 192.0.2.21, capacity: {cpu: 4, memory: 8Gi}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: directory, namespace: %1$s}
        spec:
          framework: helm-e2e
          kind: Service
          instances: 1
          resources: {cpu: 1, memory: 1Gi}
        """.formatted(NAMESPACE));

    await("Workload placed by the installed operator").atMost(DECIDED).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      Workload w = client.resources(Workload.class).inNamespace(NAMESPACE).withName("directory").get();
      assertThat(w.getStatus()).as("status").isNotNull();
      assertThat(w.getStatus().placed()).isEqualTo(1);
      assertThat(w.getStatus().instances()).singleElement().satisfies(i -> {
        assertThat(i.pool()).isEqualTo("helm-e2e-static");
        assertThat(i.node()).isEqualTo("m1");
      });
      assertThat(client.services().inNamespace(NAMESPACE).withName("directory").get()).as("Service").isNotNull();
      assertThat(client.discovery().v1().endpointSlices().inNamespace(NAMESPACE)
          .withLabel("kubernetes.io/service-name", "directory").list().getItems())
          .flatExtracting(s -> s.getEndpoints())
          .extracting(e -> e.getHostname() + "@" + String.join(",", e.getAddresses()))
          .containsExactly("directory-0@192.0.2.21");
    });
  }

  /** Imports an image tarball into the containerd of the k3s node, as {@code k3d image import} does. */
  private static void importImage(K3sContainer k3s, Path tarball) throws IOException, InterruptedException {
    if (!Files.isRegularFile(tarball)) {
      throw new IllegalArgumentException("poolbridge.e2e.imageTar: no such file: " + tarball);
    }
    String inContainer = "/tmp/poolbridge-image.tar";
    k3s.copyFileToContainer(MountableFile.forHostPath(tarball), inContainer);
    ExecResult result = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", inContainer);
    if (result.getExitCode() != 0) {
      throw new IllegalStateException("importing " + tarball + " into k3s failed: " + result.getStderr());
    }
  }
}
