package io.poolbridge.estate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolbridge.estate.EstateLoader.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The documents of one input, read as kubectl reads them: YAML (several documents separated by
 * {@code ---}) with anchors, aliases and merge keys ({@code <<: *base}), timestamps kept as strings,
 * a key set twice in one mapping refused; or JSON (one or more objects), a field set twice refused.
 *
 * <p>Limits, each answered at once with what to do: an input of at most {@value #MAX_INPUT_MIB}
 * MiB (a {@code kubectl get nodes -o yaml} of 5,000 real Nodes is about 60 MiB), values nested at
 * most {@value #MAX_NESTING} deep, a scalar of at most 1 MiB (the API server stores no object over
 * 1.5 MiB), at most {@value #MAX_ALIASES} aliases of collections in a document and no more values
 * after expanding aliases than the input has characters (so a "billion laughs" costs nothing).
 */
final class Documents {
  static final int MAX_INPUT_MIB = 512;
  static final long MAX_INPUT_BYTES = (long) MAX_INPUT_MIB << 20;
  static final int MAX_NESTING = 100;
  static final int MAX_ALIASES = 100;
  static final int MAX_SCALAR = 1 << 20;
  /**
   * The longest YAML line read, in characters: SnakeYAML's time grows with the square of a run of
   * characters without a space or line break (8 MiB take a minute), so a line over 512 KiB is
   * refused before it costs more than a fraction of a second.
   */
  static final int MAX_LINE = 512 << 10;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Documents() {}

  /** One document: its number in the input (from 1) and its content, {@code null} for an empty document. */
  record Document(int number, JsonNode content) {}

  /**
   * Reads every document of {@code reader}, whose text has at most {@code size} characters;
   * {@code name} starts every message.
   */
  static List<Document> read(String name, Reader reader, long size, boolean json) {
    return json ? readJson(name, reader) : readYaml(name, reader, size);
  }

  private static List<Document> readYaml(String name, Reader reader, long size) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, Math.max(size, 1024) + 1));
    LineLimitReader lines = new LineLimitReader(reader);
    EventBuilder builder = new EventBuilder(name, Math.max(size, 1024) + 100_000);
    try {
      return builder.read(new ParserImpl(new StreamReader(lines), options));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new InvalidInputException(name + ": document " + builder.number + ": not valid YAML: "
          + (mark == null ? "" : "line " + line(mark) + ", column " + (mark.getColumn() + 1) + ": ")
          + (e.getProblem() == null ? e.getContext() : e.getProblem()));
    } catch (org.yaml.snakeyaml.reader.ReaderException e) {
      throw new InvalidInputException(name + ": document " + builder.number + ": not valid YAML: character "
          + String.format("U+%04X", e.getCodePoint()) + (Character.isISOControl(e.getCodePoint()) ? " (a control character)" : "")
          + " at offset " + e.getPosition() + ": YAML allows none");
    } catch (YAMLException e) {
      if (e.getCause() instanceof java.nio.charset.CharacterCodingException) {
        throw notUtf8(name);
      }
      if (lines.tooLong > 0) {
        throw new InvalidInputException(name + ": line " + lines.tooLong + ": longer than " + (MAX_LINE >> 10)
            + " KiB: no Kubernetes object has such a value (the API server stores none over 1.5 MiB); break it into lines or give JSON");
      }
      throw new InvalidInputException(name + ": document " + builder.number + ": " + limitMessage(String.valueOf(e.getMessage())));
    }
  }

  /**
   * Builds JSON values from SnakeYAML's events in one pass, without SnakeYAML's node graph: anchors
   * are shared (an alias costs the size of what it names against the budget, so expanding it later
   * is bounded), merge keys are applied, a key set twice is refused, nesting is bounded, and each
   * Node of a List (or a lone Node) is slimmed to what simulate reads as soon as it is complete, so
   * {@code kubectl get nodes -o yaml} of thousands of Nodes needs little memory.
   */
  private static final class EventBuilder {
    private final String name;
    private final KubectlConstructor constructor = new KubectlConstructor(new LoaderOptions());
    private final Resolver resolver = new Resolver();
    private long budget;
    int number = 1;

    /** An anchored value and how many values it holds. */
    private record Anchored(JsonNode value, long size) {}

    private Map<String, Anchored> anchors = new java.util.HashMap<>();

    /** A collection being built. */
    private static final class Frame {
      final JsonNode node;
      final String anchor;
      final long sizeAtStart;
      String key;
      int keyLine;
      boolean keyIsMerge;
      final java.util.Set<String> explicit = new java.util.HashSet<>();
      final List<JsonNode> merges = new ArrayList<>();

      Frame(JsonNode node, String anchor, long sizeAtStart) {
        this.node = node;
        this.anchor = anchor;
        this.sizeAtStart = sizeAtStart;
      }

      boolean expectsKey() {
        return node.isObject() && key == null && !keyIsMerge;
      }
    }

    private final java.util.ArrayDeque<Frame> stack = new java.util.ArrayDeque<>();
    private long created;

    EventBuilder(String name, long budget) {
      this.name = name;
      this.budget = budget;
    }

    private InvalidInputException error(Event at, String message) {
      return new InvalidInputException(name + ": document " + number + ": "
          + (at == null || at.getStartMark() == null ? "" : "line " + line(at.getStartMark()) + ": ") + message);
    }

    private void spend(Event at, long values) {
      created += values;
      budget -= values;
      if (budget < 0) {
        throw new InvalidInputException(name + ": document " + number
            + ": its aliases expand to more values than the input has characters: write the values out");
      }
    }

    List<Document> read(ParserImpl parser) {
      List<Document> documents = new ArrayList<>();
      JsonNode root = null;
      while (true) {
        Event event = parser.getEvent();
        switch (event.getEventId()) {
          case StreamStart -> { }
          case StreamEnd -> {
            return documents;
          }
          case DocumentStart -> {
            root = null;
            anchors = new java.util.HashMap<>();
          }
          case DocumentEnd -> {
            documents.add(new Document(number, root == null || root.isNull() ? null : slim(root)));
            number++;
          }
          case MappingStart, SequenceStart -> {
            if (stack.size() >= MAX_NESTING) {
              throw error(event, nestingMessage());
            }
            if (!stack.isEmpty() && stack.peek().expectsKey()) {
              throw error(event, "a mapping key that is itself a mapping or a list: JSON keys are strings");
            }
            spend(event, 1);
            JsonNode node = event.getEventId() == Event.ID.MappingStart ? NODES.objectNode() : NODES.arrayNode();
            stack.push(new Frame(node, ((NodeEvent) event).getAnchor(), created));
          }
          case MappingEnd, SequenceEnd -> {
            Frame frame = stack.pop();
            if (frame.node.isObject()) {
              ObjectNode object = (ObjectNode) frame.node;
              for (JsonNode merge : frame.merges) {
                merge.properties().forEach(e -> {
                  if (!object.has(e.getKey())) {
                    object.set(e.getKey(), e.getValue());
                  }
                });
              }
            }
            if (frame.anchor != null) {
              anchors.put(frame.anchor, new Anchored(frame.node, created - frame.sizeAtStart + 1));
            }
            JsonNode done = frame.node;
            if (stack.size() == 2 && done.isObject() && stack.peek().node.isArray() && "items".equals(stack.peekLast().key)) {
              done = slim(done);
            }
            if (stack.isEmpty()) {
              root = done;
            } else {
              add(event, done);
            }
          }
          case Scalar -> {
            ScalarEvent scalar = (ScalarEvent) event;
            spend(event, 1);
            Object value = scalar(scalar);
            if (!stack.isEmpty() && stack.peek().expectsKey()) {
              Frame frame = stack.peek();
              String key = key(event, value);
              if (scalar.isPlain() && "<<".equals(scalar.getValue()) && scalar.getTag() == null) {
                frame.keyIsMerge = true;
                continue;
              }
              if (!frame.explicit.add(key)) {
                throw error(event, "key \"" + key + "\" already set in map (a key may appear once in a mapping)");
              }
              frame.key = key;
              frame.keyLine = line(event.getStartMark());
              if (scalar.getAnchor() != null) {
                anchors.put(scalar.getAnchor(), new Anchored(NODES.textNode(key), 1));
              }
              continue;
            }
            JsonNode node = json(event, value);
            if (scalar.getAnchor() != null) {
              anchors.put(scalar.getAnchor(), new Anchored(node, 1));
            }
            if (stack.isEmpty()) {
              root = node;
            } else {
              add(event, node);
            }
          }
          case Alias -> {
            String anchor = ((NodeEvent) event).getAnchor();
            Anchored anchored = anchors.get(anchor);
            if (anchored == null) {
              throw error(event, "found undefined alias *" + anchor);
            }
            spend(event, anchored.size());
            if (!stack.isEmpty() && stack.peek().expectsKey()) {
              if (anchored.value().isContainerNode()) {
                throw error(event, "a mapping key that is itself a mapping or a list: JSON keys are strings");
              }
              Frame frame = stack.peek();
              String key = anchored.value().asText();
              if (!frame.explicit.add(key)) {
                throw error(event, "key \"" + key + "\" already set in map (a key may appear once in a mapping)");
              }
              frame.key = key;
              continue;
            }
            if (stack.isEmpty()) {
              root = anchored.value();
            } else {
              add(event, anchored.value());
            }
          }
          default -> { }
        }
      }
    }

    /** Adds a complete value to the collection on top of the stack (as a merge, when its key was {@code <<}). */
    private void add(Event at, JsonNode value) {
      Frame frame = stack.peek();
      if (frame.node.isArray()) {
        ((ArrayNode) frame.node).add(value);
        return;
      }
      if (frame.keyIsMerge) {
        frame.keyIsMerge = false;
        if (value.isObject()) {
          frame.merges.add(value);
        } else if (value.isArray() && java.util.stream.StreamSupport.stream(value.spliterator(), false).allMatch(JsonNode::isObject)) {
          value.forEach(frame.merges::add);
        } else {
          throw error(at, "a merge key (<<) takes a mapping or a list of mappings");
        }
        return;
      }
      ((ObjectNode) frame.node).set(frame.key, value);
      frame.key = null;
    }

    /** The value of a scalar as YAML 1.1 resolves it (as go-yaml does for kubectl), timestamps as strings. */
    private Object scalar(ScalarEvent event) {
      String tag = event.getTag();
      Tag resolved;
      if (tag == null || tag.equals("!")) {
        resolved = resolver.resolve(NodeId.scalar, event.getValue(), event.getImplicit().canOmitTagInPlainScalar());
      } else {
        resolved = new Tag(tag);
        if (!constructor.knows(resolved)) {
          resolved = resolver.resolve(NodeId.scalar, event.getValue(), event.getImplicit().canOmitTagInPlainScalar());
        }
      }
      if (resolved.equals(Tag.MERGE)) {
        return event.getValue();
      }
      try {
        return constructor.scalar(resolved, event.getValue(), event.getScalarStyle());
      } catch (RuntimeException e) {
        throw error(event, "cannot read \"" + abbreviate(event.getValue()) + "\" as " + resolved.getValue().replace(Tag.PREFIX, "!!"));
      }
    }

    private JsonNode json(Event at, Object value) {
      try {
        return toJson(name, number, value, 0, new Budget(Long.MAX_VALUE));
      } catch (InvalidInputException e) {
        throw error(at, e.getMessage().substring(e.getMessage().indexOf(": document " + number + ": ") + (": document " + number + ": ").length()));
      }
    }

    private String key(Event at, Object value) {
      try {
        return Documents.key(name, number, value);
      } catch (InvalidInputException e) {
        throw error(at, "a mapping key that is itself a mapping or a list: JSON keys are strings");
      }
    }
  }

  private static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }

  /**
   * A Node ({@code apiVersion: v1, kind: Node}) without what simulate never reads and real Nodes
   * carry in bulk: managed fields, annotations, the image list, node info, volumes. Other values are
   * returned as they are.
   */
  static JsonNode slim(JsonNode value) {
    if (value.isObject() && "v1".equals(value.path("apiVersion").asText()) && "Node".equals(value.path("kind").asText())) {
      ObjectNode node = (ObjectNode) value;
      if (node.path("metadata").isObject()) {
        ((ObjectNode) node.get("metadata")).remove(List.of("managedFields", "annotations"));
      }
      if (node.path("status").isObject()) {
        ((ObjectNode) node.get("status")).remove(List.of("images", "nodeInfo", "volumesAttached", "volumesInUse",
            "daemonEndpoints", "config", "runtimeHandlers", "features", "capacity"));
      }
    }
    return value;
  }

  /** Input that is not UTF-8, which kubectl reads. */
  static InvalidInputException notUtf8(String name) {
    return new InvalidInputException(name + ": not UTF-8 text: save it as UTF-8");
  }

  private static int line(Mark mark) {
    return mark == null ? 0 : mark.getLine() + 1;
  }

  private static String nestingMessage() {
    return "values nested more than " + MAX_NESTING + " deep: no Kubernetes object is; check the indentation";
  }

  private static String limitMessage(String message) {
    if (message.startsWith("Nesting Depth exceeded")) {
      return nestingMessage();
    }
    if (message.startsWith("Number of aliases")) {
      return "more than " + MAX_ALIASES + " aliases of collections in one document: write the values out";
    }
    if (message.startsWith("The incoming YAML document exceeds the limit")) {
      return "more than " + MAX_INPUT_MIB + " MiB: split the input into several files";
    }
    return "not valid YAML: " + message;
  }

  private static List<Document> readJson(String name, Reader reader) {
    JsonMapper mapper = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING).maxStringLength(MAX_SCALAR).maxDocumentLength(MAX_INPUT_BYTES).build())
            .build())
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        // Decimals kept as written (1.50 stays 1.50), as the deprecated exact node factory did.
        .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
        .nodeFactory(NODES)
        .build();
    List<Document> documents = new ArrayList<>();
    int number = 1;
    // One value after another, as kubectl's decoder reads a JSON stream; a top-level array is one
    // value (not a Kubernetes object), not a list of documents.
    try (JsonParser parser = mapper.createParser(reader)) {
      for (; parser.nextToken() != null; number++) {
        JsonNode value = mapper.readTree(parser);
        documents.add(new Document(number, value == null || value.isNull() ? null : value));
      }
    } catch (StreamConstraintsException e) {
      String message = String.valueOf(e.getOriginalMessage());
      throw new InvalidInputException(name + ": document " + number + ": "
          + (message.contains("nesting") ? nestingMessage()
              : message.contains("String value length") ? "a value longer than 1 MiB: the API server stores no object over 1.5 MiB"
              : "more than " + MAX_INPUT_MIB + " MiB: split the input into several files"));
    } catch (JsonProcessingException e) {
      String message = String.valueOf(e.getOriginalMessage());
      if (message.startsWith("Duplicate field '")) {
        message = "key \"" + message.substring("Duplicate field '".length(), message.length() - 1)
            + "\" already set in map (a key may appear once in an object)";
      } else {
        message = "not valid JSON: " + message.replaceAll(" \\(for [^)]*\\)", "");
      }
      throw new InvalidInputException(name + ": document " + number + ": "
          + (e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ") + message);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw notUtf8(name);
    } catch (IOException e) {
      throw new InvalidInputException(name + ": cannot be read: " + e.getMessage());
    }
    return documents;
  }

  /** A reader that fails once a line is longer than {@link #MAX_LINE}, remembering which. */
  private static final class LineLimitReader extends java.io.FilterReader {
    int line = 1;
    int column;
    int tooLong;

    LineLimitReader(Reader in) {
      super(in);
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      for (int i = offset; i < offset + n; i++) {
        if (buffer[i] == '\n') {
          line++;
          column = 0;
        } else if (++column > MAX_LINE) {
          tooLong = line;
          throw new IOException("line " + line + " too long");
        }
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      char[] one = new char[1];
      return read(one, 0, 1) < 0 ? -1 : one[0];
    }
  }

  /** How many values aliases may expand to, in all. */
  private static final class Budget {
    long left;

    Budget(long left) {
      this.left = left;
    }
  }

  /** A value SnakeYAML constructed as the JSON kubectl sends (sigs.k8s.io/yaml's YAML-to-JSON). */
  private static JsonNode toJson(String name, int document, Object value, int depth, Budget budget) {
    if (depth > MAX_NESTING) {
      throw new InvalidInputException(name + ": document " + document + ": " + nestingMessage());
    }
    if (--budget.left < 0) {
      throw new InvalidInputException(name + ": document " + document
          + ": its aliases expand to more values than the input has characters: write the values out");
    }
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof String s) {
      if (s.length() > MAX_SCALAR) {
        throw new InvalidInputException(name + ": document " + document + ": a value of " + s.length()
            + " characters: the API server stores no object over 1.5 MiB");
      }
      return NODES.textNode(s);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof BigInteger i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new InvalidInputException(name + ": document " + document + ": " + (d.isNaN() ? ".nan" : d > 0 ? ".inf" : "-.inf")
            + " is not a number JSON can hold: quote it if it is a string");
      }
      return NODES.numberNode(new BigDecimal(Double.toString(d)));
    }
    if (value instanceof byte[] bytes) {
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        object.set(key(name, document, e.getKey()), toJson(name, document, e.getValue(), depth + 1, budget));
      }
      return object;
    }
    if (value instanceof Collection<?> list) {
      ArrayNode array = NODES.arrayNode();
      for (Object item : list) {
        array.add(toJson(name, document, item, depth + 1, budget));
      }
      return array;
    }
    return NODES.textNode(String.valueOf(value));
  }

  /** A mapping key as JSON has it: a string ({@code 1: a} becomes {@code "1"}); a collection is refused. */
  private static String key(String name, int document, Object key) {
    if (key instanceof Map<?, ?> || key instanceof Collection<?>) {
      throw new InvalidInputException(name + ": document " + document + ": a mapping key that is itself a mapping or a list: "
          + "JSON keys are strings");
    }
    return key == null ? "null" : key instanceof Double d ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : key.toString();
  }

  /** SnakeYAML's safe constructor, keeping timestamps as the strings they are written as (as go-yaml does for kubectl). */
  private static final class KubectlConstructor extends SafeConstructor {
    KubectlConstructor(LoaderOptions options) {
      super(options);
      this.yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    }

    boolean knows(Tag tag) {
      return yamlConstructors.containsKey(tag) && !tag.equals(Tag.MAP) && !tag.equals(Tag.SEQ) && !tag.equals(Tag.SET)
          && !tag.equals(Tag.OMAP) && !tag.equals(Tag.PAIRS);
    }

    Object scalar(Tag tag, String value, org.yaml.snakeyaml.DumperOptions.ScalarStyle style) {
      return yamlConstructors.get(tag).construct(new ScalarNode(tag, value, null, null, style));
    }
  }
}
