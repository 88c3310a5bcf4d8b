package io.poolbridge.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import java.nio.file.Path;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded API server refuses invalid custom resources as a real one does, with the API
 * server's own message, and stores valid ones as it does (defaults applied), so the operator's
 * tests meet what a cluster would give them.
 */
class ValidatingApiServerIT {
  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new ValidatingCrudDispatcher(), false);
    server.init();
    client = server.createClient(new JdkHttpClientFactory());
    for (Path file : Samples.yamlFiles("crds")) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private static Workload workload(String spec) {
    return Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: shop}
        spec:
        """ + spec, Workload.class);
  }

  @Test
  void anInvalidWorkloadIsRefusedWithTheApiServersMessage() {
    Workload w = workload("""
          framework: marathon
          kind: Service
          instances: 5000
          resources: {cpu: "1"}
        """);
    assertThatThrownBy(() -> client.resources(Workload.class).resource(w).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).isEqualTo(
              "Workload.poolbridge.io \"web\" is invalid: spec.instances: Invalid value: 5000: spec.instances in body should be less than or equal to 2000");
        });
    assertThat(client.resources(Workload.class).inNamespace("shop").list().getItems()).isEmpty();
  }

  @Test
  void aValidWorkloadIsStoredWithItsDefaults() {
    Workload w = workload("""
          framework: marathon
          kind: Service
          instances: 2
          resources: {cpu: "1"}
        """);
    client.resources(Workload.class).resource(w).create();
    Workload stored = client.resources(Workload.class).inNamespace("shop").withName("web").get();
    assertThat(stored.getSpec().priority()).as("defaulted as the API server does").isEqualTo(0);
    assertThat(stored.getSpec().instances()).isEqualTo(2);
  }

  @Test
  void anUpdateIsValidatedToo() {
    client.resources(Workload.class).resource(workload("""
          framework: marathon
          kind: Service
          instances: 2
          resources: {cpu: "1"}
        """)).create();
    Workload stored = client.resources(Workload.class).inNamespace("shop").withName("web").get();
    Workload changed = workload("""
          framework: marathon
          kind: Service
          instances: 2
          resources: {}
        """);
    changed.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
    assertThatThrownBy(() -> client.resources(Workload.class).resource(changed).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
  }
}
