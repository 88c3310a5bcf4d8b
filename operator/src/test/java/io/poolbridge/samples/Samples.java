package io.poolbridge.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sample estate under {@code samples/}, read document by document in the order {@code kubectl
 * apply -f samples/} applies it (files by name, documents in file order), and the committed CRDs.
 */
final class Samples {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Map<String, Class<? extends HasMetadata>> MODEL =
      Map.of("ResourcePool", ResourcePool.class, "Framework", Framework.class, "Workload", Workload.class);

  private Samples() {}

  /** One YAML document of a sample file; {@code index} counts from 0 within the file. */
  record Document(Path file, int index, JsonNode tree) {
    String kind() {
      return tree.path("kind").asText();
    }

    boolean isPoolbridge() {
      return tree.path("apiVersion").asText().equals(ResourcePool.GROUP + "/" + ResourcePool.VERSION);
    }

    /** The model class of a poolbridge document. */
    Class<? extends HasMetadata> modelClass() {
      Class<? extends HasMetadata> type = MODEL.get(kind());
      if (!isPoolbridge() || type == null) {
        throw new IllegalStateException(this + " is not a poolbridge.io/v1alpha1 kind");
      }
      return type;
    }

    /** Deserializes the document into its model class, as the Fabric8 client does. */
    HasMetadata typed() {
      Class<? extends HasMetadata> type = isPoolbridge() ? modelClass() : HasMetadata.class;
      try {
        return SERIALIZATION.unmarshal(tree.toString(), type);
      } catch (KubernetesClientException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
          cause = cause.getCause();
        }
        throw new AssertionError(this + " does not read as a " + type.getSimpleName() + ": " + cause.getMessage(), e);
      }
    }

    @Override
    public String toString() {
      return file.getFileName() + " document " + index + " (" + kind() + " "
          + tree.path("metadata").path("name").asText() + ")";
    }
  }

  /** samples/ seen from the operator module (Maven) or from the repository root (an IDE). */
  static Path dir(String name) {
    Path fromModule = Path.of("..", name);
    return Files.isDirectory(fromModule) ? fromModule : Path.of(name);
  }

  static List<Path> yamlFiles(String dirName) {
    try (Stream<Path> files = Files.list(dir(dirName))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documents of samples/ and of samples/lifecycle/ (applied after them). */
  static List<Document> documents() {
    List<Document> documents = new ArrayList<>();
    for (Path file : yamlFiles("samples")) {
      documents.addAll(read(file));
    }
    for (Path file : yamlFiles("samples/lifecycle")) {
      documents.addAll(read(file));
    }
    return documents;
  }

  static List<Document> read(Path file) {
    List<Document> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> trees = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      int index = 0;
      while (trees.hasNext()) {
        JsonNode tree = trees.next();
        if (tree != null && !tree.isEmpty()) {
          documents.add(new Document(file, index, tree));
        }
        index++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  /** Every sample of one type, typed. */
  static <T extends HasMetadata> List<T> all(Class<T> type) {
    return documents().stream()
        .map(Document::typed)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  /** The committed CRD of a kind: {@code crds/<plural>.poolbridge.io.yaml}. */
  static JsonNode crd(String kind) {
    return yamlFiles("crds").stream()
        .flatMap(f -> read(f).stream())
        .map(Document::tree)
        .filter(crd -> crd.path("spec").path("names").path("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no CRD for " + kind + " under crds/"));
  }

  /** Whether a label selector selects an object with these labels (Kubernetes semantics). */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector.getMatchLabels() != null
        && !selector.getMatchLabels().entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
      return false;
    }
    List<LabelSelectorRequirement> expressions =
        selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    return expressions.stream().allMatch(r -> switch (r.getOperator()) {
      case "In" -> r.getValues().contains(labels.get(r.getKey()));
      case "NotIn" -> !r.getValues().contains(labels.get(r.getKey()));
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> throw new IllegalArgumentException("unknown selector operator " + r.getOperator());
    });
  }
}
