package io.poolbridge.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One file of the malformed catalogue ({@code src/test/resources/malformed}): a single YAML document
 * the API server must reject, preceded by one {@code # expect: <error>} line per error it reports.
 * The expectations are worded as Kubernetes 1.31 to 1.33 word them; {@link #expectedFor(int)}
 * rewords them for another version (see the catalogue's README.md).
 */
record MalformedCase(String file, List<String> expected, String document) {
  static final Path DIR = Path.of("src", "test", "resources", "malformed");
  private static final String EXPECT = "# expect: ";

  static List<MalformedCase> all() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().map(MalformedCase::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MalformedCase read(Path file) {
    try {
      String text = Files.readString(file);
      List<String> expected = text.lines().takeWhile(l -> l.startsWith("#")).filter(l -> l.startsWith(EXPECT))
          .map(l -> l.substring(EXPECT.length())).toList();
      return new MalformedCase(file.getFileName().toString(), expected, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The expected errors as Kubernetes 1.{@code minor} words them: from 1.34 a null value is written
   * {@code null} rather than {@code "null"} and a string too long "may not be more than N bytes";
   * from 1.35 a failed rule on an object no longer shows
   * {@code "object"} as its value (a rule that failed to evaluate still does).
   */
  List<String> expectedFor(int minor) {
    return expected.stream().map(e -> {
      String s = e;
      if (minor >= 34) {
        s = s.replace("<nil>: Invalid value: \"null\": ", "<nil>: Invalid value: null: ");
        s = s.replaceAll(": Too long: may not be longer than ([0-9]+)$", ": Too long: may not be more than $1 bytes");
      }
      if (minor >= 35 && !s.contains(" evaluating rule: ") && !s.contains("call arguments did not match")) {
        s = s.replace(": Invalid value: \"object\": ", ": Invalid value: ");
      }
      return s;
    }).toList();
  }

  JsonNode parse() {
    try {
      return ApiServerValidator.YAML.readTree(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return file;
  }
}
