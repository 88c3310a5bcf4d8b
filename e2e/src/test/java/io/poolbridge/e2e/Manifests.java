package io.poolbridge.e2e;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads Kubernetes manifests: multi-document YAML files, documents kept in file order. */
final class Manifests {

  private static final YAMLMapper YAML = new YAMLMapper();

  private Manifests() {}

  /** One document of a manifest file; {@code index} counts from 1 within the file. */
  record Document(Path file, int index, Map<String, Object> body) {

    String apiVersion() {
      return (String) body.get("apiVersion");
    }

    String kind() {
      return (String) body.get("kind");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> metadata() {
      Object metadata = body.get("metadata");
      return metadata instanceof Map ? (Map<String, Object>) metadata : Map.of();
    }

    String name() {
      return (String) metadata().get("name");
    }

    String namespace() {
      return (String) metadata().get("namespace");
    }

    boolean isPoolbridge() {
      return apiVersion() != null && apiVersion().startsWith("poolbridge.io/");
    }

    /** How a person finds the document: {@code samples/pools.yaml#2 ResourcePool/colo-fra}. */
    String describe(Path base) {
      return base.relativize(file) + "#" + index + " " + kind() + "/" + name();
    }
  }

  /** Every non-empty document of a YAML string, in order; empty documents (a stray {@code ---}) are skipped. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> parse(String yaml) {
    try (MappingIterator<Object> docs = YAML.readerFor(Object.class).readValues(yaml)) {
      List<Map<String, Object>> result = new ArrayList<>();
      while (docs.hasNextValue()) {
        Object doc = docs.nextValue();
        if (doc instanceof Map<?, ?> map && !map.isEmpty()) {
          result.add((Map<String, Object>) map);
        } else if (doc != null && !(doc instanceof Map)) {
          throw new IllegalArgumentException("Not a Kubernetes object: a YAML document holds " + doc);
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every non-empty document of one file, in order. */
  static List<Document> read(Path file) {
    try {
      List<Map<String, Object>> bodies = parse(Files.readString(file));
      List<Document> documents = new ArrayList<>();
      for (int i = 0; i < bodies.size(); i++) {
        documents.add(new Document(file, i + 1, bodies.get(i)));
      }
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** The *.yaml and *.yml files under a directory (recursively), sorted by path; none if it is missing. */
  static List<Path> yamlFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }
}
