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
              "Workload.poolbridge.io \"web\" is invalid: spec.instances: Invalid value: 5000: spec.instances in body should be less than or equal to 250");
        });
    assertThat(client.resources(Workload.class).inNamespace("shop").list().getItems()).isEmpty();
  }

  @Test
  void aWorkloadNameTooLongForItsInstancesLabelsIsRefusedAndOneCharacterLessIsStored() {
    // Its instances are named <name>-<ordinal>, up to <name>-249 (instances, with a rollout's surge or
    // a Job's runs alongside, are at most 250), and a Pod carries that id as a label value, at most 63
    // characters: 63 - "-249" leaves 59.
    String sixty = "w".repeat(60);
    Workload tooLong = workload("""
          framework: marathon
          kind: Service
          instances: 2
          resources: {cpu: "1"}
        """);
    tooLong.getMetadata().setName(sixty);
    assertThatThrownBy(() -> client.resources(Workload.class).resource(tooLong).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).isEqualTo("Workload.poolbridge.io \"" + sixty + "\" is invalid: metadata.name: "
              + "Invalid value: \"object\": must be no more than 59 characters: an instance's name, <name>-<ordinal> "
              + "(up to <name>-249), is a label value of its Pod, at most 63 characters");
        });
    Workload longest = workload("""
          framework: marathon
          kind: Service
          instances: 2
          resources: {cpu: "1"}
        """);
    longest.getMetadata().setName("w".repeat(59));
    client.resources(Workload.class).resource(longest).create();
    assertThat(client.resources(Workload.class).inNamespace("shop").list().getItems()).extracting(x -> x.getMetadata().getName())
        .containsExactly("w".repeat(59));
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
