package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Argo CD and Flux compare: a live resource against its manifest in Git. The API server adds
 * the schema's defaults on create (fields the manifest leaves out, which the GitOps tools' diffs
 * ignore) and the operator writes only status, so the spec of every sample, read back after the
 * operator has placed everything, is its manifest plus the defaults of {@code crds/*.yaml}, as
 * worked out here from the CRDs' schemas by hand, and its generation is still 1.
 */
class GitOpsSyncIT {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> PLURALS =
      Map.of("ResourcePool", "resourcepools", "Framework", "frameworks", "Workload", "workloads");

  private EmbeddedEstate estate;
  private KubernetesClient client;
  private PoolbridgeOperator operator;

  @BeforeEach
  void start() {
    estate = EmbeddedEstate.samples();
    client = estate.client();
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    estate.close();
  }

  @Test
  void theLiveSpecIsTheManifestPlusTheSchemaDefaultsBeforeAndAfterTheOperatorRuns() {
    Map<String, JsonNode> expected = new TreeMap<>();
    int defaulted = 0;
    for (JsonNode doc : documents(EmbeddedEstate.dir("samples"))) {
      String kind = doc.path("kind").asText();
      if (!PLURALS.containsKey(kind) || !doc.path("apiVersion").asText().startsWith("poolbridge.io/")) {
        continue;
      }
      JsonNode spec = doc.path("spec").deepCopy();
      JsonNode schema = crdSchema(kind).path("properties").path("spec");
      JsonNode withDefaults = spec.deepCopy();
      applyDefaults(schema, withDefaults);
      defaulted += withDefaults.equals(spec) ? 0 : 1;
      expected.put(key(kind, doc.path("metadata")), normalized(withDefaults));
    }
    assertThat(expected).as("the samples").hasSizeGreaterThan(10);
    assertThat(defaulted).as("samples that leave some defaulted field out (else this test shows nothing)").isPositive();

    assertThat(live()).as("as created: the API server applied every default of the schema, nothing else")
        .isEqualTo(expected);

    operator = new PoolbridgeOperator(client, PoolbridgeOperator.Config.defaults(), Clock.systemUTC(), null);
    operator.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.loop().state().settled()
        && client.resources(Workload.class).inAnyNamespace().list().getItems().stream().allMatch(w -> w.getStatus() != null)
        && client.resources(ResourcePool.class).list().getItems().stream().allMatch(p -> p.getStatus() != null));

    assertThat(live()).as("after the operator placed everything: it wrote no spec").isEqualTo(expected);
    for (String kind : PLURALS.keySet()) {
      for (GenericKubernetesResource r : list(kind)) {
        assertThat(r.getMetadata().getGeneration()).as(kind + " " + r.getMetadata().getName() + " generation").isEqualTo(1L);
      }
    }
  }

  /** Sets each default of {@code schema} that {@code node} leaves out, as the API server does, at every depth. */
  static void applyDefaults(JsonNode schema, JsonNode node) {
    if (node instanceof ObjectNode object) {
      JsonNode properties = schema.path("properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        if (!object.has(p.getKey()) && p.getValue().has("default")) {
          object.set(p.getKey(), p.getValue().get("default").deepCopy());
        }
        if (object.has(p.getKey())) {
          applyDefaults(p.getValue(), object.get(p.getKey()));
        }
      }
      JsonNode additional = schema.path("additionalProperties");
      if (additional.isObject()) {
        object.fields().forEachRemaining(e -> applyDefaults(additional, e.getValue()));
      }
    } else if (node instanceof ArrayNode array && schema.has("items")) {
      array.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  /** {@code node} with every number as a decimal without trailing zeros: 1, 1.0 and 1L are one value in JSON. */
  static JsonNode normalized(JsonNode node) {
    if (node.isNumber()) {
      BigDecimal d = node.decimalValue().stripTrailingZeros();
      return JsonNodeFactory.instance.numberNode(d.scale() < 0 ? d.setScale(0) : d);
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      new TreeMap<String, JsonNode>(toMap(node)).forEach((k, v) -> out.set(k, normalized(v)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> out.add(normalized(e)));
      return out;
    }
    return node;
  }

  private static Map<String, JsonNode> toMap(JsonNode node) {
    Map<String, JsonNode> m = new TreeMap<>();
    node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  private Map<String, JsonNode> live() {
    Map<String, JsonNode> live = new TreeMap<>();
    for (String kind : PLURALS.keySet()) {
      for (GenericKubernetesResource r : list(kind)) {
        JsonNode tree = JSON.valueToTree(r.getAdditionalProperties().get("spec"));
        live.put(key(kind, JSON.valueToTree(r.getMetadata())), normalized(tree));
      }
    }
    return live;
  }

  private List<GenericKubernetesResource> list(String kind) {
    return client.genericKubernetesResources("poolbridge.io/v1alpha1", kind).inAnyNamespace().list().getItems();
  }

  private static String key(String kind, JsonNode metadata) {
    String ns = metadata.path("namespace").asText("");
    return kind + " " + (ns.isEmpty() ? "" : ns + "/") + metadata.path("name").asText();
  }

  private static JsonNode crdSchema(String kind) {
    Path file = EmbeddedEstate.dir("crds").resolve(PLURALS.get(kind) + ".poolbridge.io.yaml");
    return documents(file).get(0).path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
  }

  private static List<JsonNode> documents(Path fileOrDir) {
    List<Path> files = fileOrDir.toFile().isDirectory() ? EmbeddedEstate.yamlFiles(fileOrDir) : List.of(fileOrDir);
    List<JsonNode> out = new java.util.ArrayList<>();
    for (Path f : files) {
      try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
        while (it.hasNext()) {
          JsonNode n = it.next();
          if (n != null && !n.isEmpty()) {
            out.add(n);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
