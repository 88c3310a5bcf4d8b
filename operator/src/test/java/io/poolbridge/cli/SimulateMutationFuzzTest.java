package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.poolbridge.testing.Seeds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A mutation fuzzer over the sample estate: each seed deletes fields, swaps the types of values,
 * writes extreme numbers and long strings, duplicates, drops and reorders documents, keys and list
 * items, then runs {@code simulate}. Whatever the input, simulate answers with one of its exit
 * codes (0 done, 1 invalid input, 3 pending with --fail-on-pending, 4 not stable), an invalid input
 * with one {@code error:} message and never a stack trace or a Java name, and within 10 s (a hang
 * guard, not a measurement). Seeds 1 to 40 run in every build, plus 4 fresh ones, printed; replay
 * one with {@code -Dpoolbridge.seed=N}.
 */
class SimulateMutationFuzzTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<Integer> EXIT_CODES = Set.of(0, 1, 3, 4);

  static List<Long> seeds() {
    return Seeds.seeds("simulate mutation fuzzer", 40, 4);
  }

  /** The documents of the sample estate, nodes of its Kubernetes pools included. */
  static List<JsonNode> samples() {
    List<JsonNode> documents = new ArrayList<>();
    for (Path dir : List.of(Path.of("../samples"), Path.of("../samples/simulation"))) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
          YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll().stream()
              .filter(d -> d != null && !d.isNull()).forEach(documents::add);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return documents;
  }

  /** Every value below {@code node} with its parent and where it sits, for picking one at random. */
  private record Slot(JsonNode parent, String field, int index) {
    JsonNode value() {
      return field != null ? parent.get(field) : parent.get(index);
    }

    void set(JsonNode value) {
      if (field != null) {
        ((ObjectNode) parent).set(field, value);
      } else {
        ((ArrayNode) parent).set(index, value);
      }
    }

    void delete() {
      if (field != null) {
        ((ObjectNode) parent).remove(field);
      } else {
        ((ArrayNode) parent).remove(index);
      }
    }
  }

  private static void slots(JsonNode node, List<Slot> out) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        out.add(new Slot(node, e.getKey(), -1));
        slots(e.getValue(), out);
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        out.add(new Slot(node, null, i));
        slots(node.get(i), out);
      }
    }
  }

  private static final List<JsonNode> EXTREMES = List.of(
      NODES.numberNode(0), NODES.numberNode(-1), NODES.numberNode(Integer.MAX_VALUE), NODES.numberNode(Long.MAX_VALUE),
      NODES.numberNode(Long.MIN_VALUE), NODES.numberNode(1e308), NODES.numberNode(-1e-308), NODES.numberNode(0.5),
      NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890")),
      NODES.textNode("1e999"), NODES.textNode("-0"), NODES.textNode("999999999999999999999Ei"), NODES.textNode("0.5"),
      NODES.textNode(".nan"), NODES.textNode("1P"), NODES.textNode("999999999999999"), NODES.textNode("1e-99"),
      NODES.textNode(""), NODES.textNode("x".repeat(100_000)), NODES.textNode("(a+)+$"), NODES.textNode("ü/ß:€"),
      NODES.textNode("2026-13-45T99:99:99Z"), NODES.textNode("-1h"), NODES.textNode("999999h"));

  /**
   * A value the API server accepts for a field of this name but at an edge (the largest quantity,
   * the most instances, a zero, another object's name), so that mutations reach past validation
   * into the checks only simulate makes and into the core.
   */
  private static JsonNode plausible(String field, JsonNode value, List<JsonNode> documents, Random random) {
    List<String> names = new ArrayList<>();
    documents.forEach(d -> names.add(d.at("/metadata/name").asText("x")));
    String name = names.get(random.nextInt(names.size()));
    return switch (field == null ? "" : field) {
      case "instances" -> NODES.numberNode(List.of(0, 1, io.poolbridge.api.v1alpha1.WorkloadSpec.MAX_INSTANCES, io.poolbridge.api.v1alpha1.WorkloadSpec.MAX_INSTANCES - 1, 57).get(random.nextInt(5)));
      case "cpu", "memory", "nvidia.com/gpu", "ephemeral-storage", "hugepages-2Mi" ->
          List.<JsonNode>of(NODES.textNode("999999999999999"), NODES.numberNode(0), NODES.textNode("1m"), NODES.textNode("999Ti"),
              NODES.textNode("0.9P"), NODES.textNode("1Pi"), NODES.numberNode(999_999_999_999_999L), NODES.textNode("1n"),
              NODES.textNode("9e9")).get(random.nextInt(9));
      case "weight" -> NODES.numberNode(List.of(0.001, 1000.0, 1e-300).get(random.nextInt(3)));
      case "priority" -> NODES.numberNode(List.of(0, 1_000_000_000).get(random.nextInt(2)));
      case "refuseSeconds" -> NODES.numberNode(List.of(0.0, 86400.0, 1e-9).get(random.nextInt(3)));
      case "framework", "name", "role", "zone", "region", "provider" -> NODES.textNode(name);
      case "operator" -> NODES.textNode(List.of("UNIQUE", "CLUSTER", "GROUP_BY", "LIKE", "UNLIKE", "MAX_PER", "IS").get(random.nextInt(7)));
      case "value" -> NODES.textNode(List.of("1", "999999", ".*", "a|b", "x{1000}", name).get(random.nextInt(6)));
      case "start" -> NODES.textNode(List.of("2026-12-05T23:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00").get(random.nextInt(3)));
      case "duration" -> NODES.textNode(List.of("0s", "999999999h", "1ms", "1.5h30m").get(random.nextInt(4)));
      case "perHour" -> NODES.objectNode().put("cpu", List.of("0", "999999999999", "0.000000001").get(random.nextInt(3)));
      case "nodes" -> value.isArray() && !value.isEmpty() ? NODES.arrayNode().add(value.get(0)).add(value.get(0).deepCopy()) : value;
      default -> anotherType(value, random);
    };
  }

  private static JsonNode anotherType(JsonNode value, Random random) {
    List<JsonNode> choices = new ArrayList<>(List.of(NODES.textNode("text"), NODES.numberNode(7), NODES.booleanNode(true),
        NODES.objectNode().put("k", "v"), NODES.arrayNode().add("a"), NODES.nullNode()));
    choices.removeIf(c -> c.getNodeType() == value.getNodeType());
    return choices.get(random.nextInt(choices.size()));
  }

  private static void shuffleKeys(ObjectNode object, Random random) {
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(object.properties());
    Collections.shuffle(entries, random);
    object.removeAll();
    entries.forEach(e -> object.set(e.getKey(), e.getValue()));
  }

  /** One to four mutations of the sample documents. */
  static List<JsonNode> mutate(List<JsonNode> samples, Random random) {
    List<JsonNode> documents = new ArrayList<>();
    samples.forEach(s -> documents.add(s.deepCopy()));
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      JsonNode document = documents.get(random.nextInt(documents.size()));
      List<Slot> slots = new ArrayList<>();
      slots(document, slots);
      Slot slot = slots.get(random.nextInt(slots.size()));
      switch (random.nextInt(16)) {
        case 0 -> slot.delete();
        case 1 -> slot.set(anotherType(slot.value(), random));
        case 2, 3 -> slot.set(EXTREMES.get(random.nextInt(EXTREMES.size())));
        case 4 -> {
          if (slot.value().isObject()) {
            shuffleKeys((ObjectNode) slot.value(), random);
          } else if (slot.value().isArray()) {
            List<JsonNode> items = new ArrayList<>();
            slot.value().forEach(items::add);
            Collections.shuffle(items, random);
            ((ArrayNode) slot.value()).removeAll().addAll(items);
          } else {
            Collections.shuffle(documents, random);
          }
        }
        case 5 -> documents.add(random.nextInt(documents.size() + 1), document.deepCopy());
        case 6 -> {
          if (documents.size() > 1) {
            documents.remove(document);
          }
        }
        case 8, 9, 10, 11, 12, 13, 14, 15 -> slot.set(plausible(slot.field(), slot.value(), documents, random));
        default -> {
          if (slot.value().isArray() && !slot.value().isEmpty()) {
            ArrayNode array = (ArrayNode) slot.value();
            array.add(array.get(random.nextInt(array.size())).deepCopy());
          } else {
            slot.set(NODES.textNode(slot.value().asText() + "-" + random.nextInt(10)));
          }
        }
      }
    }
    return documents;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  @Timeout(value = 10, unit = TimeUnit.SECONDS) // a hang guard only
  void anyMutationOfTheSamplesIsSimulatedOrRefusedClearly(long seed, @TempDir Path dir) throws IOException {
    List<JsonNode> documents = mutate(samples(), new Random(seed));
    StringBuilder yaml = new StringBuilder();
    for (JsonNode d : documents) {
      yaml.append(YAML.writeValueAsString(d));
    }
    Path input = Files.writeString(dir.resolve("estate.yaml"), yaml.toString());

    SimulateCommandTest.Run run = SimulateCommandTest.run("simulate", "--at", "2026-12-05T23:00:00Z", "--seed", Long.toString(seed),
        "--fail-on-pending", "-f", input.toString());

    String replay = "seed " + seed + " (replay: -D" + Seeds.SEED_PROPERTY + "=" + seed + "), input " + input;
    assertThat(run.exitCode()).as(replay + "\n" + run.err()).isIn(EXIT_CODES);
    SimulateMalformedCatalogueTest.assertNoInternals(run.err(), replay);
    if (run.exitCode() == 1) {
      assertThat(run.err()).as(replay).startsWith("error: ").endsWith("\n");
      assertThat(run.out()).as(replay).isEmpty();
    }
  }
}
