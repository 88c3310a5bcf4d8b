package io.poolbridge.estate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.validation.ApiServerValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the multi-document YAML users {@code kubectl apply}: ResourcePools, Frameworks and
 * Workloads, plus Kubernetes {@code Node}s (or a {@code List} of them, as {@code kubectl get nodes
 * -o yaml} prints) standing for the nodes of Kubernetes-source pools, and the labels of Namespaces
 * (which Framework namespace selectors match). Other kinds are skipped. Unknown fields are errors, as with kubectl's strict field validation, and every
 * error names the file, the document and the field.
 */
public final class EstateLoader {
  private static final String API_VERSION = ResourcePool.GROUP + "/" + ResourcePool.VERSION;

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .findAndAddModules()
          .build();
  private final YAMLMapper yaml = new YAMLMapper(new YAMLFactory());

  /** Where an object was read from, for messages. */
  public record Origin(Path file, int document) {
    @Override
    public String toString() {
      return file + ": document " + document;
    }
  }

  /** An object read from a file. */
  public record Loaded<T>(T object, Origin origin) {}

  /** Everything read. */
  public record Input(
      List<Loaded<ResourcePool>> pools,
      List<Loaded<Framework>> frameworks,
      List<Loaded<Workload>> workloads,
      List<Loaded<Node>> nodes,
      Map<String, Map<String, String>> namespaceLabels) {

    /**
     * The same objects in canonical order, whatever the order of files and documents: pools,
     * frameworks and nodes by name, workloads by namespace then name. Two objects of one kind with
     * the same (namespace and) name are an error naming both documents.
     */
    public Input canonical() {
      return new Input(sorted(pools, "ResourcePool"), sorted(frameworks, "Framework"), sorted(workloads, "Workload"),
          sorted(nodes, "Node"), new TreeMap<>(namespaceLabels));
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> List<Loaded<T>> sorted(List<Loaded<T>> objects, String kind) {
      List<Loaded<T>> list = new ArrayList<>(objects);
      list.sort(java.util.Comparator.comparing((Loaded<T> l) -> identity(l.object())));
      for (int i = 1; i < list.size(); i++) {
        if (identity(list.get(i).object()).equals(identity(list.get(i - 1).object()))) {
          Loaded<T> first = list.get(i - 1).origin().toString().compareTo(list.get(i).origin().toString()) <= 0 ? list.get(i - 1) : list.get(i);
          Loaded<T> second = first == list.get(i) ? list.get(i - 1) : list.get(i);
          throw new InvalidInputException(second.origin() + " (" + kind + " " + identity(second.object()) + "): metadata.name: Duplicate value: \""
              + second.object().getMetadata().getName() + "\": already defined in " + first.origin());
        }
      }
      return List.copyOf(list);
    }

    /** {@code namespace/name} for a namespaced object, {@code name} otherwise. */
    static String identity(io.fabric8.kubernetes.api.model.HasMetadata object) {
      String namespace = object.getMetadata().getNamespace();
      return (namespace == null ? "" : namespace + "/") + object.getMetadata().getName();
    }
  }

  /** Input that cannot be read; the message names the file, the document and the field. */
  public static final class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
      super(message);
    }
  }

  /** Reads files, and the {@code .yaml}/{@code .yml} files of directories (not recursively), in name order. */
  public Input load(List<Path> paths) {
    Input input = new Input(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new TreeMap<>());
    for (Path path : paths) {
      for (Path file : files(path)) {
        loadFile(file, input);
      }
    }
    Input canonical = input.canonical();
    EstateChecks.check(canonical);
    return canonical;
  }

  private static List<Path> files(Path path) {
    if (!Files.exists(path)) {
      throw new InvalidInputException(path + ": no such file or directory");
    }
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    try (Stream<Path> list = Files.list(path)) {
      return list.filter(p -> Files.isRegularFile(p))
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new InvalidInputException(path + ": " + e.getMessage());
    }
  }

  private void loadFile(Path file, Input input) {
    List<JsonNode> documents = new ArrayList<>();
    try (var parser = yaml.getFactory().createParser(file.toFile())) {
      var values = yaml.readValues(parser, JsonNode.class);
      while (values.hasNextValue()) {
        documents.add(values.nextValue());
      }
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(file + ": not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw new InvalidInputException(file + ": " + e.getMessage());
    }
    for (int i = 0; i < documents.size(); i++) {
      JsonNode doc = documents.get(i);
      if (doc == null || doc.isNull() || doc.isMissingNode()) {
        continue;
      }
      add(doc, new Origin(file, i + 1), input);
    }
  }

  private void add(JsonNode doc, Origin origin, Input input) {
    String apiVersion = doc.path("apiVersion").asText("");
    String kind = doc.path("kind").asText("");
    if (kind.isEmpty()) {
      throw new InvalidInputException(origin + ": kind: Required value");
    }
    if ("v1".equals(apiVersion) && "List".equals(kind)) {
      JsonNode items = doc.path("items");
      for (int i = 0; i < items.size(); i++) {
        JsonNode item = items.get(i);
        if ("Node".equals(item.path("kind").asText())) {
          input.nodes().add(new Loaded<>(read(item, Node.class, origin, "items[" + i + "]."), origin));
        }
      }
      return;
    }
    if ("v1".equals(apiVersion) && "Namespace".equals(kind)) {
      Map<String, String> labels = new TreeMap<>();
      doc.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      input.namespaceLabels().put(doc.path("metadata").path("name").asText(), labels);
      return;
    }
    if ("v1".equals(apiVersion) && "Node".equals(kind)) {
      input.nodes().add(new Loaded<>(read(doc, Node.class, origin, ""), origin));
      return;
    }
    if (!API_VERSION.equals(apiVersion)) {
      if (apiVersion.startsWith(ResourcePool.GROUP + "/")) {
        throw new InvalidInputException(origin + ": apiVersion: Unsupported value: \"" + apiVersion
            + "\": supported values: \"" + API_VERSION + "\"");
      }
      return;
    }
    switch (kind) {
      case "ResourcePool" -> input.pools().add(new Loaded<>(read(validated(doc, origin), ResourcePool.class, origin, ""), origin));
      case "Framework" -> input.frameworks().add(new Loaded<>(read(validated(doc, origin), Framework.class, origin, ""), origin));
      case "Workload" -> input.workloads().add(new Loaded<>(read(validated(doc, origin), Workload.class, origin, ""), origin));
      default -> throw new InvalidInputException(origin + ": kind: Unsupported value: \"" + kind
          + "\": supported values: \"Framework\", \"ResourcePool\", \"Workload\"");
    }
  }

  /**
   * The document as the API server would store it, after the checks it makes on create (the
   * generated CRD's schema, defaults and CEL rules, see {@link ApiServerValidator}); what it refuses
   * is refused here in kubectl's words: {@code The Framework "spark" is invalid: <cause>}, or one
   * {@code * <cause>} line per cause.
   */
  private static JsonNode validated(JsonNode doc, Origin origin) {
    String kind = doc.path("kind").asText();
    ApiServerValidator.Result result = ApiServerValidator.forKind(kind).validate(doc);
    String what = describe(origin, kind, doc);
    if (!result.unknownFields().isEmpty()) {
      throw new InvalidInputException(what + ": " + result.strictDecodingMessage(ResourcePool.VERSION));
    }
    if (!result.fieldErrors().isEmpty()) {
      throw new InvalidInputException(what + ": " + result.kubectlMessage());
    }
    return result.object();
  }

  /** {@code file: document 2 (Workload ns/name)}: where an object is and what it is. */
  private static String describe(Origin origin, String kind, JsonNode doc) {
    JsonNode metadata = doc.path("metadata");
    String name = metadata.path("name").isTextual() ? metadata.path("name").textValue() : "";
    String namespace = metadata.path("namespace").isTextual() ? metadata.path("namespace").textValue() : "";
    return origin + " (" + kind + (name.isEmpty() ? "" : " " + (namespace.isEmpty() ? "" : namespace + "/") + name) + ")";
  }

  private <T> T read(JsonNode doc, Class<T> type, Origin origin, String prefix) {
    String name = doc.path("metadata").path("name").asText("");
    String namespace = doc.path("metadata").path("namespace").asText("");
    String what = origin + " (" + type.getSimpleName() + (name.isEmpty() ? "" : " " + (namespace.isEmpty() ? "" : namespace + "/") + name) + ")";
    if (name.isEmpty()) {
      throw new InvalidInputException(what + ": " + prefix + "metadata.name: Required value");
    }
    try {
      T object = mapper.treeToValue(doc, type);
      try {
        check(object, prefix);
      } catch (FieldException e) {
        throw new InvalidInputException(what + ": " + e.getMessage());
      }
      return object;
    } catch (JsonMappingException e) {
      throw new InvalidInputException(what + ": " + explain(prefix + path(e), e));
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(what + ": " + e.getOriginalMessage());
    }
  }

  /** A value the core cannot take, with the path of its field. */
  private static final class FieldException extends RuntimeException {
    FieldException(String field, String message) {
      super(field + ": " + message);
    }
  }

  /**
   * What the schema cannot say and the core needs: every quantity within what poolbridge can hold
   * ({@link ResourceUnits#LIMIT}), every constraint well-formed (a LIKE / UNLIKE pattern RE2 can
   * compile, of at most {@value io.poolbridge.scheduler.Constraint#MAX_PATTERN_LENGTH} characters).
   */
  private static void check(Object object, String prefix) {
    if (object instanceof Workload w && w.getSpec() != null) {
      quantities(prefix + "spec.resources", w.getSpec().resources());
      if (w.getSpec().constraints() != null) {
        for (int i = 0; i < w.getSpec().constraints().size(); i++) {
          var c = w.getSpec().constraints().get(i);
          if (c == null || c.attribute() == null || c.operator() == null) {
            continue;
          }
          try {
            io.poolbridge.scheduler.Constraint.of(c.attribute(), io.poolbridge.scheduler.Constraint.Operator.valueOf(c.operator().name()), c.value());
          } catch (IllegalArgumentException e) {
            throw new FieldException(prefix + "spec.constraints[" + i + "].value", e.getMessage());
          }
        }
      }
    } else if (object instanceof Framework f && f.getSpec() != null) {
      if (f.getSpec().quota() != null) {
        quantities(prefix + "spec.quota.guarantee", f.getSpec().quota().guarantee());
        quantities(prefix + "spec.quota.limit", f.getSpec().quota().limit());
      }
      if (f.getSpec().offers() != null) {
        quantities(prefix + "spec.offers.minAllocatable", f.getSpec().offers().minAllocatable());
      }
    } else if (object instanceof ResourcePool p && p.getSpec() != null) {
      var source = p.getSpec().source();
      if (source != null && source.inventory() != null && source.inventory().nodes() != null) {
        for (int i = 0; i < source.inventory().nodes().size(); i++) {
          quantities(prefix + "spec.source.static.nodes[" + i + "].capacity", source.inventory().nodes().get(i).capacity());
        }
      }
      if (p.getSpec().reservations() != null) {
        for (int i = 0; i < p.getSpec().reservations().size(); i++) {
          quantities(prefix + "spec.reservations[" + i + "].resources", p.getSpec().reservations().get(i).resources());
        }
      }
    } else if (object instanceof Node n && n.getStatus() != null) {
      quantities(prefix + "status.allocatable", n.getStatus().getAllocatable());
    }
  }

  private static void quantities(String field, Map<String, io.fabric8.kubernetes.api.model.Quantity> quantities) {
    if (quantities == null) {
      return;
    }
    quantities.forEach((resource, q) -> {
      if (q == null) {
        return;
      }
      try {
        ResourceUnits.check(resource, q);
      } catch (IllegalArgumentException e) {
        throw new FieldException(field + "." + resource, e.getMessage());
      }
    });
  }

  /** A mapping error in the words kubectl uses, without Java class names. */
  private static String explain(String field, JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException) {
      return "unknown field \"" + field + "\"";
    }
    if (e instanceof InvalidFormatException f) {
      Class<?> target = f.getTargetType();
      String value = "\"" + f.getValue() + "\"";
      if (target != null && target.isEnum()) {
        StringBuilder supported = new StringBuilder();
        for (Object constant : target.getEnumConstants()) {
          supported.append(supported.length() == 0 ? "" : ", ").append('"').append(constant).append('"');
        }
        return field + ": Unsupported value: " + value + ": supported values: " + supported;
      }
      return field + ": Invalid value: " + value + ": must be " + typeName(target);
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return field + ": Invalid value: must be " + typeName(m.getTargetType());
    }
    return field + ": " + e.getOriginalMessage();
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type == String.class) {
      return "a string";
    }
    return "an object";
  }

  /** The JSON path of a mapping error as a user writes it: {@code spec.constraints[2].operator}. */
  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
