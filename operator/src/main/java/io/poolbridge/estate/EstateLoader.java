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
 * Reads what users {@code kubectl apply -f}: YAML and JSON files, directories, the standard input
 * (see {@link Documents} for the syntax and its limits). It keeps ResourcePools, Frameworks and
 * Workloads, each validated first as the API server would ({@link ApiServerValidator}), Kubernetes
 * {@code Node}s standing for the nodes of Kubernetes-source pools, the labels of Namespaces (which
 * Framework namespace selectors match), and the items of a {@code v1 List} (what {@code kubectl get
 * -o yaml} prints). Other built-in Kubernetes kinds are skipped; an unknown API group or version is
 * an error. Every error names the file, the document (and List item), the object and the field.
 */
public final class EstateLoader {
  private static final String API_VERSION = ResourcePool.GROUP + "/" + ResourcePool.VERSION;

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .findAndAddModules()
          .build();

  /**
   * Where an object was read from, for messages: {@code samples/20-frameworks.yaml: document 2}, or
   * {@code ...: document 1, items[3]} for an item of a {@code List}. {@code file} is null for the
   * standard input, which messages call {@code STDIN} as kubectl does.
   */
  public record Origin(Path file, int document, int item) {
    public Origin(Path file, int document) {
      this(file, document, -1);
    }

    Origin item(int index) {
      return new Origin(file, document, index);
    }

    @Override
    public String toString() {
      return (file == null ? STDIN : file.toString()) + ": document " + document + (item < 0 ? "" : ", items[" + item + "]");
    }
  }

  /** How messages name the standard input ({@code -f -}). */
  public static final String STDIN = "STDIN";

  /** An object read from a file. */
  public record Loaded<T>(T object, Origin origin) {}

  /** Everything read. */
  public record Input(
      List<Loaded<ResourcePool>> pools,
      List<Loaded<Framework>> frameworks,
      List<Loaded<Workload>> workloads,
      List<Loaded<Node>> nodes,
      Map<String, Map<String, String>> namespaceLabels,
      Settings settings,
      List<String> skipped) {

    /** An input with settings, nothing skipped. */
    public Input(
        List<Loaded<ResourcePool>> pools,
        List<Loaded<Framework>> frameworks,
        List<Loaded<Workload>> workloads,
        List<Loaded<Node>> nodes,
        Map<String, Map<String, String>> namespaceLabels,
        Settings settings) {
      this(pools, frameworks, workloads, nodes, namespaceLabels, settings, List.of());
    }

    /** An input without operator settings (no {@code poolbridge} ConfigMap). */
    public Input(
        List<Loaded<ResourcePool>> pools,
        List<Loaded<Framework>> frameworks,
        List<Loaded<Workload>> workloads,
        List<Loaded<Node>> nodes,
        Map<String, Map<String, String>> namespaceLabels) {
      this(pools, frameworks, workloads, nodes, namespaceLabels, null, List.of());
    }

    /**
     * The same objects in canonical order, whatever the order of files and documents: pools,
     * frameworks and nodes by name, workloads by namespace then name. Two objects of one kind with
     * the same (namespace and) name are an error naming both documents.
     */
    public Input canonical() {
      return new Input(sorted(pools, "ResourcePool"), sorted(frameworks, "Framework"), sorted(workloads, "Workload"),
          sorted(nodes, "Node"), new TreeMap<>(namespaceLabels), settings, skipped);
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

  /** Where {@code -f -} reads from. */
  private final java.util.function.Supplier<java.io.InputStream> stdin;

  private boolean recursive;

  public EstateLoader() {
    this(() -> System.in);
  }

  /** A loader reading {@code -f -} from {@code stdin}. */
  public EstateLoader(java.util.function.Supplier<java.io.InputStream> stdin) {
    this.stdin = stdin;
  }

  /** Whether directories are read with their subdirectories ({@code -R}). */
  public EstateLoader recursive(boolean recursive) {
    this.recursive = recursive;
    return this;
  }

  /** The file extensions read in a directory, as kubectl reads them. */
  static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

  /**
   * Reads files, {@code -} (the standard input), and the {@code .yaml}, {@code .yml} and
   * {@code .json} files of directories (of their subdirectories too when {@link #recursive}), in
   * name order, as {@code kubectl apply -f} does. An input without any object is an error.
   */
  public Input load(List<Path> paths) {
    Input input = new Input(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new TreeMap<>());
    settingsRead = null;
    skippedRead = new ArrayList<>();
    Map<String, Origin> namespaces = new TreeMap<>();
    int objects = 0;
    boolean stdinRead = false;
    for (Path path : paths) {
      if (path.toString().equals("-")) {
        if (stdinRead) {
          throw new InvalidInputException("-f -: the standard input can be read only once");
        }
        stdinRead = true;
        objects += loadStdin(input, namespaces);
        continue;
      }
      for (Path file : files(path)) {
        objects += loadFile(file, input, namespaces);
      }
    }
    if (objects == 0) {
      throw new InvalidInputException(String.join(", ", paths.stream().map(p -> p.toString().equals("-") ? STDIN : p.toString()).toList())
          + ": no objects in the input (kubectl would say: no objects passed to apply)");
    }
    Input canonical = new Input(input.pools(), input.frameworks(), input.workloads(), input.nodes(),
        input.namespaceLabels(), settingsRead, List.copyOf(skippedRead)).canonical();
    if (checked) {
      EstateChecks.check(canonical);
    }
    return canonical;
  }

  /** Whether {@link #load} checks what needs the whole estate (see {@link #check}). */
  private boolean checked = true;

  /**
   * Reads a part of an estate, e.g. the change {@code simulate --cluster} applies to the live one:
   * each object is read and validated as by {@link #load}, but what needs the rest of the estate (a
   * Workload's Framework, reservations against the Nodes) is not checked: against the live estate
   * a missing Framework is what the operator would refuse the Workload for, not an input error.
   */
  public Input loadPart(List<Path> paths) {
    checked = false;
    try {
      return load(paths);
    } finally {
      checked = true;
    }
  }

  private List<Path> files(Path path) {
    if (!Files.exists(path)) {
      throw new InvalidInputException(path + ": " + missing(path));
    }
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    List<Path> found = new ArrayList<>();
    boolean subdirectories;
    try (Stream<Path> list = recursive ? Files.walk(path, java.nio.file.FileVisitOption.FOLLOW_LINKS) : Files.list(path)) {
      List<Path> entries = list.filter(p -> !p.equals(path)).sorted().toList();
      subdirectories = entries.stream().anyMatch(Files::isDirectory);
      for (Path p : entries) {
        if (!EXTENSIONS.stream().anyMatch(e -> p.getFileName().toString().endsWith(e))) {
          continue;
        }
        if (!Files.exists(p)) {
          throw new InvalidInputException(p + ": " + missing(p));
        }
        if (Files.isRegularFile(p)) {
          found.add(p);
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new InvalidInputException(path + ": cannot be read: " + e.getMessage());
    }
    if (found.isEmpty()) {
      throw new InvalidInputException(path + ": no .yaml, .yml or .json files in this directory"
          + (subdirectories && !recursive ? " (its subdirectories are read with -R)" : ""));
    }
    return found;
  }

  /** Why {@code path}, which does not exist, cannot be read: missing, or a link to something missing. */
  private static String missing(Path path) {
    if (Files.isSymbolicLink(path)) {
      try {
        return "a symbolic link to " + Files.readSymbolicLink(path) + ", which does not exist";
      } catch (IOException e) {
        return "a symbolic link to something that does not exist";
      }
    }
    return "no such file or directory";
  }

  private int loadStdin(Input input, Map<String, Origin> namespaces) {
    byte[] bytes;
    try (java.io.InputStream in = stdin.get()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, Documents.MAX_INPUT_BYTES + 1));
    } catch (IOException e) {
      throw new InvalidInputException(STDIN + ": cannot be read: " + e.getMessage());
    }
    if (bytes.length > Documents.MAX_INPUT_BYTES) {
      throw new InvalidInputException(STDIN + ": more than " + Documents.MAX_INPUT_MIB + " MiB: split the input into several files");
    }
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw Documents.notUtf8(STDIN);
    }
    boolean json = text.stripLeading().startsWith("{");
    return add(Documents.read(STDIN, new java.io.StringReader(text), text.length(), json), null, input, namespaces);
  }

  private int loadFile(Path file, Input input, Map<String, Origin> namespaces) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot be read: " + e.getMessage());
    }
    if (size > Documents.MAX_INPUT_BYTES) {
      throw new InvalidInputException(file + ": " + (size >> 20) + " MiB, more than " + Documents.MAX_INPUT_MIB
          + " MiB: split the input into several files");
    }
    boolean json = file.getFileName().toString().endsWith(".json");
    try (java.io.Reader reader = new org.yaml.snakeyaml.reader.UnicodeReader(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      java.io.Reader in = reader;
      if (!json) {
        // kubectl reads a file of any extension that starts with '{' as JSON.
        in = new java.io.BufferedReader(reader, 1 << 16);
        in.mark(1 << 16);
        char[] head = new char[1024];
        int n = in.read(head);
        json = n > 0 && new String(head, 0, n).stripLeading().startsWith("{");
        in.reset();
      }
      return add(Documents.read(file.toString(), in, size, json), file, input, namespaces);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw Documents.notUtf8(file.toString());
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot be read: " + e.getMessage());
    }
  }

  /** Adds the objects of {@code documents}; returns how many there were. */
  private int add(List<Documents.Document> documents, Path file, Input input, Map<String, Origin> namespaces) {
    int objects = 0;
    for (Documents.Document d : documents) {
      if (d.content() != null) {
        objects += add(d.content(), new Origin(file, d.number()), input, namespaces);
      }
    }
    return objects;
  }

  /** Kubernetes API groups and versions whose objects simulate skips (kubectl would apply them elsewhere). */
  /** The name of the ConfigMap that holds the operator's settings (the Helm chart renders it). */
  public static final String SETTINGS_NAME = "poolbridge";

  /** The settings read by the current {@link #load}, if a {@code poolbridge} ConfigMap was given. */
  private Settings settingsRead;

  /** What the current {@link #load} skipped (built-in kinds simulate does not read), for a warning each. */
  private List<String> skippedRead = new ArrayList<>();

  /**
   * The operator's settings that change decisions, from the {@code poolbridge} ConfigMap: {@code
   * data.currency}, the base currency prices are compared in, and {@code data.exchangeRates}, what
   * one unit of another currency is worth in it ({@code "EUR=1.08, GBP=1.27"}, commas or new
   * lines between). {@code simulate}'s {@code --currency} and {@code --exchange-rate} take
   * precedence over them.
   */
  public record Settings(String currency, List<String> exchangeRates, Origin origin) {
    static Settings read(JsonNode data, Origin origin) {
      String where = origin + " (ConfigMap " + SETTINGS_NAME + "): ";
      if (!data.isMissingNode() && !data.isNull() && !data.isObject()) {
        throw new InvalidInputException(where + "data: Invalid value: a map of strings was expected");
      }
      JsonNode currency = data.path("currency");
      JsonNode rates = data.path("exchangeRates");
      if (!currency.isMissingNode() && !currency.isTextual()) {
        throw new InvalidInputException(where + "data.currency: Invalid value: a currency code such as USD was expected");
      }
      if (!rates.isMissingNode() && !rates.isTextual()) {
        throw new InvalidInputException(where + "data.exchangeRates: Invalid value: a string such as \"EUR=1.08, GBP=1.27\" was expected");
      }
      List<String> list = new ArrayList<>();
      if (rates.isTextual()) {
        for (String part : rates.textValue().split("[,\\n]")) {
          if (!part.isBlank()) {
            list.add(part.trim());
          }
        }
      }
      String base = currency.isTextual() && !currency.textValue().isBlank() ? currency.textValue().trim() : null;
      if (base == null && !list.isEmpty()) {
        throw new InvalidInputException(where + "data.currency: Required value: the base currency the exchange rates convert to, e.g. USD");
      }
      Settings settings = new Settings(base, List.copyOf(list), origin);
      try {
        settings.rates();
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(where + "data.exchangeRates: Invalid value: " + e.getMessage());
      }
      return settings;
    }

    /** The exchange rates these settings give. */
    public io.poolbridge.scheduler.ExchangeRates rates() {
      return currency == null ? io.poolbridge.scheduler.ExchangeRates.NONE
          : io.poolbridge.scheduler.ExchangeRates.parse(currency, exchangeRates);
    }
  }

  private static final java.util.Set<String> BUILT_IN = java.util.Set.of(
      "v1", "apps/v1", "batch/v1", "autoscaling/v1", "autoscaling/v2", "policy/v1", "networking.k8s.io/v1",
      "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1", "scheduling.k8s.io/v1", "coordination.k8s.io/v1",
      "discovery.k8s.io/v1", "node.k8s.io/v1", "apiextensions.k8s.io/v1", "admissionregistration.k8s.io/v1",
      "certificates.k8s.io/v1", "events.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1", "apiregistration.k8s.io/v1");

  /** Adds one object (or the items of a List); returns how many objects it held. */
  private int add(JsonNode doc, Origin origin, Input input, Map<String, Origin> namespaces) {
    if (!doc.isObject()) {
      throw new InvalidInputException(origin + ": not a Kubernetes object: a mapping with apiVersion, kind and metadata was expected, "
          + "not " + (doc.isArray() ? "a list" : "a scalar"));
    }
    JsonNode apiVersionNode = doc.path("apiVersion");
    JsonNode kindNode = doc.path("kind");
    if (!kindNode.isTextual() || kindNode.textValue().isEmpty()) {
      throw new InvalidInputException(origin + ": kind: Required value" + (kindNode.isMissingNode() ? "" : ": must be a non-empty string"));
    }
    if (!apiVersionNode.isTextual() || apiVersionNode.textValue().isEmpty()) {
      throw new InvalidInputException(origin + ": apiVersion: Required value" + (apiVersionNode.isMissingNode() ? "" : ": must be a non-empty string"));
    }
    String apiVersion = apiVersionNode.textValue();
    String kind = kindNode.textValue();
    if ("v1".equals(apiVersion) && "List".equals(kind)) {
      if (origin.item() >= 0) {
        throw new InvalidInputException(origin + ": a List inside a List: kubectl does not read one");
      }
      JsonNode items = doc.path("items");
      if (!items.isArray() && !items.isMissingNode() && !items.isNull()) {
        throw new InvalidInputException(origin + ": items: Invalid value: must be a list of objects");
      }
      int objects = 0;
      for (int i = 0; i < items.size(); i++) {
        JsonNode item = items.get(i);
        if (item != null && !item.isNull()) {
          objects += add(item, origin.item(i), input, namespaces);
        }
      }
      return objects;
    }
    if ("v1".equals(apiVersion) && "Namespace".equals(kind)) {
      JsonNode name = doc.path("metadata").path("name");
      if (!name.isTextual() || name.textValue().isEmpty()) {
        throw new InvalidInputException(origin + " (Namespace): metadata.name: Required value");
      }
      Origin first = namespaces.putIfAbsent(name.textValue(), origin);
      if (first != null) {
        throw new InvalidInputException(origin + " (Namespace " + name.textValue() + "): metadata.name: Duplicate value: \""
            + name.textValue() + "\": already defined in " + first);
      }
      String problem = kubernetesShape(doc);
      if (problem != null) {
        throw new InvalidInputException(origin + " (Namespace " + name.textValue() + "): " + problem);
      }
      Map<String, String> labels = new TreeMap<>();
      doc.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      input.namespaceLabels().put(name.textValue(), labels);
      return 1;
    }
    if ("v1".equals(apiVersion) && "Node".equals(kind)) {
      input.nodes().add(new Loaded<>(read(doc, Node.class, origin, ""), origin));
      return 1;
    }
    if ("v1".equals(apiVersion) && "ConfigMap".equals(kind) && SETTINGS_NAME.equals(doc.path("metadata").path("name").asText())) {
      if (settingsRead != null) {
        throw new InvalidInputException(origin + " (ConfigMap " + SETTINGS_NAME + "): metadata.name: Duplicate value: \""
            + SETTINGS_NAME + "\": the operator's settings are also in " + settingsRead.origin());
      }
      settingsRead = Settings.read(doc.path("data"), origin);
      return 1;
    }
    if (!API_VERSION.equals(apiVersion)) {
      if (apiVersion.startsWith(ResourcePool.GROUP + "/")) {
        throw new InvalidInputException(origin + ": apiVersion: Unsupported value: \"" + apiVersion
            + "\": supported values: \"" + API_VERSION + "\"");
      }
      if (!BUILT_IN.contains(apiVersion)) {
        throw new InvalidInputException(origin + ": apiVersion: Unsupported value: \"" + apiVersion + "\": simulate reads "
            + API_VERSION + " objects, v1 Nodes, Namespaces and Lists, and skips the built-in Kubernetes kinds; "
            + "leave this file out (-f) or fix the apiVersion");
      }
      skippedRead.add(describe(origin, kind, doc) + " skipped: simulate reads " + API_VERSION
          + " objects, v1 Nodes, Namespaces, Lists and the " + SETTINGS_NAME + " ConfigMap");
      return 0;
    }
    switch (kind) {
      case "ResourcePool" -> input.pools().add(new Loaded<>(read(validated(doc, origin), ResourcePool.class, origin, ""), origin));
      case "Framework" -> input.frameworks().add(new Loaded<>(read(validated(doc, origin), Framework.class, origin, ""), origin));
      case "Workload" -> input.workloads().add(new Loaded<>(read(validated(doc, origin), Workload.class, origin, ""), origin));
      default -> throw new InvalidInputException(origin + ": kind: Unsupported value: \"" + kind
          + "\": supported values: \"Framework\", \"ResourcePool\", \"Workload\"");
    }
    return 1;
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
    if (type == Node.class) {
      String problem = kubernetesShape(doc);
      if (problem != null) {
        throw new InvalidInputException(what + ": " + problem);
      }
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

  /**
   * What the API server's own types would refuse in the parts of a Node or Namespace simulate reads
   * (labels, allocatable, conditions, addresses): a null or a value of the wrong type; null when
   * there is nothing to refuse.
   */
  static String kubernetesShape(JsonNode doc) {
    JsonNode labels = doc.path("metadata").path("labels");
    if (labels.isObject()) {
      for (var e : labels.properties()) {
        String problem = stringValue("metadata.labels." + e.getKey(), e.getValue(), false);
        if (problem != null) {
          return problem;
        }
      }
    }
    JsonNode allocatable = doc.path("status").path("allocatable");
    if (allocatable.isObject()) {
      for (var e : allocatable.properties()) {
        String problem = stringValue("status.allocatable." + e.getKey(), e.getValue(), true);
        if (problem != null) {
          return problem;
        }
      }
    }
    for (String list : List.of("conditions", "addresses")) {
      JsonNode items = doc.path("status").path(list);
      for (int i = 0; items.isArray() && i < items.size(); i++) {
        if (items.get(i).isNull()) {
          return "status." + list + "[" + i + "]: Required value: an object, not null";
        }
      }
    }
    return null;
  }

  private static String stringValue(String field, JsonNode value, boolean numberToo) {
    if (value.isNull()) {
      return field + ": Required value: a string, not null";
    }
    if (!value.isTextual() && !(numberToo && value.isNumber())) {
      return field + ": Invalid value: must be a string";
    }
    return null;
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
