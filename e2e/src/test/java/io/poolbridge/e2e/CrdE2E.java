package io.poolbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.e2e.Manifests.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The committed CRDs against a real API server: they install and become Established, every sample
 * a user would {@code kubectl apply} is accepted and reads back unchanged, every malformed document
 * is rejected with the message a user would see, and {@code kubectl get} shows the printer columns.
 */
@ExtendWith(K3sExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrdE2E {

  private static final Path ROOT = ProjectRoot.path();
  private static final Path CRDS = ROOT.resolve("crds");
  private static final Path SAMPLES = ROOT.resolve("samples");
  private static final Path MALFORMED = ROOT.resolve("operator/src/test/resources/malformed");
  private static final String EXPECT_PREFIX = "# expect:";

  private static final Map<String, Class<? extends CustomResource<?, ?>>> MODEL = Map.of(
      "ResourcePool", ResourcePool.class,
      "Framework", Framework.class,
      "Workload", Workload.class);

  @BeforeAll
  static void installCrds(KubernetesClient client) {
    for (CustomResourceDefinition crd : committedCrds(client)) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd)
          .createOr(NonDeletingOperation::update);
    }
    for (CustomResourceDefinition crd : committedCrds(client)) {
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
              .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              60, TimeUnit.SECONDS);
    }
    // Another E2E class may have run an estate on this cluster: start from none.
    Estate.reset(client);
  }

  @Test
  @Order(1)
  void everyCommittedCrdIsEstablishedWithItsNames(KubernetesClient client) {
    List<CustomResourceDefinition> committed = committedCrds(client);
    assertThat(committed).extracting(crd -> crd.getMetadata().getName()).containsExactlyInAnyOrder(
        "resourcepools.poolbridge.io", "frameworks.poolbridge.io", "workloads.poolbridge.io");
    for (CustomResourceDefinition crd : committed) {
      CustomResourceDefinition served = client.apiextensions().v1().customResourceDefinitions()
          .withName(crd.getMetadata().getName()).get();
      assertThat(served.getStatus().getConditions())
          .filteredOn(c -> "True".equals(c.getStatus()))
          .extracting(c -> c.getType())
          .contains("Established", "NamesAccepted");
      assertThat(served.getStatus().getAcceptedNames().getShortNames())
          .isEqualTo(crd.getSpec().getNames().getShortNames());
    }
  }

  @TestFactory
  @Order(2)
  Stream<DynamicTest> everySampleIsAcceptedAndReadsBackUnchanged(KubernetesClient client) {
    List<Document> documents = Manifests.yamlFiles(SAMPLES).stream()
        .flatMap(file -> Manifests.read(file).stream())
        .toList();
    assertThat(documents).filteredOn(Document::isPoolbridge)
        .as("%s must hold at least one poolbridge.io document", ROOT.relativize(SAMPLES))
        .isNotEmpty();
    return documents.stream().map(doc -> DynamicTest.dynamicTest(doc.describe(ROOT), () -> {
      GenericKubernetesResource sent = toResource(client, doc);
      ensureNamespace(client, doc.namespace());
      client.resource(sent).createOr(NonDeletingOperation::update);

      GenericKubernetesResource stored = client.resource(sent).get();
      assertThat(stored).as("%s after apply", doc.describe(ROOT)).isNotNull();
      for (Map.Entry<String, Object> field : doc.body().entrySet()) {
        if (!List.of("apiVersion", "kind", "metadata", "status").contains(field.getKey())) {
          assertKept(field.getKey(), field.getValue(), stored.getAdditionalProperties().get(field.getKey()));
        }
      }
      if (doc.isPoolbridge()) {
        assertReadableByTheOperatorModel(client, doc);
      }
    }));
  }

  @TestFactory
  @Order(3)
  Stream<DynamicTest> everyMalformedDocumentIsRejectedWithItsMessage(KubernetesClient client) {
    List<Path> files = Manifests.yamlFiles(MALFORMED);
    assertThat(files).as("%s must hold malformed documents", ROOT.relativize(MALFORMED)).isNotEmpty();
    return files.stream().map(file -> DynamicTest.dynamicTest(ROOT.relativize(file).toString(), () -> {
      List<String> expected = expectedMessages(file);
      List<Document> documents = Manifests.read(file);
      assertThat(expected).as("%s needs at least one '%s <message>' line", file, EXPECT_PREFIX).isNotEmpty();
      assertThat(documents).as("%s must hold exactly one document", file).hasSize(1);

      Document doc = documents.get(0);
      ensureNamespace(client, doc.namespace());
      KubernetesClientException rejection = catchThrowableOfType(KubernetesClientException.class,
          () -> client.resource(toResource(client, doc)).dryRun().create());

      assertThat(rejection).as("%s was accepted by the API server", doc.describe(ROOT)).isNotNull();
      assertThat(rejection.getCode()).as("HTTP status of %s: %s", doc.describe(ROOT), rejection.getMessage())
          .isEqualTo(422);
      String message = rejection.getStatus() != null && rejection.getStatus().getMessage() != null
          ? rejection.getStatus().getMessage() : rejection.getMessage();
      assertThat(message).as("API server message for %s", doc.describe(ROOT)).contains(expected);
    }));
  }

  /** What {@code kubectl get rpool,fw,wl} prints: the columns of the Table API, in CRD order. */
  @Test
  @Order(4)
  void kubectlGetShowsThePrinterColumns(KubernetesClient client) throws Exception {
    for (CustomResourceDefinition crd : committedCrds(client)) {
      String plural = crd.getSpec().getNames().getPlural();
      String version = crd.getSpec().getVersions().get(0).getName();
      HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
          .uri(URI.create(client.getMasterUrl().toString().replaceAll("/$", "")
              + "/apis/" + crd.getSpec().getGroup() + "/" + version + "/" + plural))
          .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
          .build();
      HttpResponse<String> response = client.getHttpClient().sendAsync(request, String.class)
          .get(30, TimeUnit.SECONDS);
      assertThat(response.code()).as("GET %s as Table: %s", plural, response.body()).isEqualTo(200);

      Map<?, ?> table = new ObjectMapper().readValue(response.body(), Map.class);
      assertThat(table.get("kind")).as("GET %s as Table: %s", plural, response.body()).isEqualTo("Table");
      List<String> columns = ((List<?>) table.get("columnDefinitions")).stream()
          .map(c -> (String) ((Map<?, ?>) c).get("name"))
          .toList();
      List<String> expected = new ArrayList<>(List.of("Name"));
      crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
          .map(CustomResourceColumnDefinition::getName)
          .forEach(expected::add);
      assertThat(columns).as("kubectl get %s columns", plural).isEqualTo(expected);

      long samples = Manifests.yamlFiles(SAMPLES).stream()
          .flatMap(file -> Manifests.read(file).stream())
          .filter(doc -> doc.isPoolbridge() && crd.getSpec().getNames().getKind().equals(doc.kind()))
          .map(doc -> doc.namespace() + "/" + doc.name())
          .distinct()
          .count();
      assertThat((List<?>) table.get("rows")).as("kubectl get %s -A rows", plural).hasSize((int) samples);
    }
  }

  private static List<CustomResourceDefinition> committedCrds(KubernetesClient client) {
    return Manifests.yamlFiles(CRDS).stream()
        .flatMap(file -> Manifests.read(file).stream())
        .map(doc -> client.getKubernetesSerialization().convertValue(doc.body(), CustomResourceDefinition.class))
        .toList();
  }

  private static GenericKubernetesResource toResource(KubernetesClient client, Document doc) {
    return client.getKubernetesSerialization().convertValue(doc.body(), GenericKubernetesResource.class);
  }

  /** Samples and malformed documents may name a tenant namespace; a user would have created it. */
  private static void ensureNamespace(KubernetesClient client, String namespace) {
    if (namespace != null && client.namespaces().withName(namespace).get() == null) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
  }

  /** The operator reads what the API server stored into its own model without losing the spec. */
  private static void assertReadableByTheOperatorModel(KubernetesClient client, Document doc) {
    Class<? extends CustomResource<?, ?>> type = MODEL.get(doc.kind());
    assertThat(type).as("%s is a poolbridge.io kind the operator knows", doc.describe(ROOT)).isNotNull();
    String namespace = doc.namespace() == null ? client.getNamespace() : doc.namespace();
    HasMetadata read = Namespaced.class.isAssignableFrom(type)
        ? client.resources(type).inNamespace(namespace).withName(doc.name()).get()
        : client.resources(type).withName(doc.name()).get();
    assertThat(read).as("%s read through %s", doc.describe(ROOT), type.getSimpleName()).isNotNull();
    assertThat(((CustomResource<?, ?>) read).getSpec()).as("spec of %s", doc.describe(ROOT)).isNotNull();
  }

  /**
   * Every field the sample sets is stored with the same value: the API server may add defaults but
   * must not prune or rewrite anything a user wrote.
   */
  private static void assertKept(String path, Object sent, Object stored) {
    if (sent instanceof Map<?, ?> sentMap) {
      assertThat(stored).as("%s was pruned or is no longer an object", path).isInstanceOf(Map.class);
      Map<?, ?> storedMap = (Map<?, ?>) stored;
      sentMap.forEach((key, value) -> assertKept(path + "." + key, value, storedMap.get(key)));
    } else if (sent instanceof List<?> sentList) {
      assertThat(stored).as("%s was pruned or is no longer a list", path).isInstanceOf(List.class);
      List<?> storedList = (List<?>) stored;
      assertThat(storedList).as("%s length", path).hasSameSizeAs(sentList);
      for (int i = 0; i < sentList.size(); i++) {
        assertKept(path + "[" + i + "]", sentList.get(i), storedList.get(i));
      }
    } else if (sent instanceof Number sentNumber) {
      assertThat(stored).as("%s was pruned or is no longer a number", path).isInstanceOf(Number.class);
      assertThat(new BigDecimal(stored.toString())).as(path).isEqualByComparingTo(new BigDecimal(sentNumber.toString()));
    } else if (sent != null) {
      assertThat(stored).as(path).isEqualTo(sent);
    }
  }

  /** The {@code # expect: <message>} lines heading a malformed document. */
  private static List<String> expectedMessages(Path file) {
    try {
      List<String> expected = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(EXPECT_PREFIX)) {
          expected.add(line.substring(EXPECT_PREFIX.length()).strip());
        } else if (!line.startsWith("#") && !line.isBlank()) {
          break;
        }
      }
      return expected;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
