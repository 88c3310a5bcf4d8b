package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.validation.MalformedCases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The malformed catalogue of {@code simulate} (src/test/resources/malformed-simulate, see its
 * README.md): every input is refused with exactly the message and exit code its {@code .expect}
 * file gives, at once, without a stack trace. The API server's catalogue (malformed/) goes through
 * {@code simulate} too, each case refused in kubectl's words.
 */
class SimulateMalformedCatalogueTest {
  static final Path DIR = Path.of("src", "test", "resources", "malformed-simulate");
  private static final String AT = "2026-12-05T23:00:00Z";

  /** One input and what simulate must answer: the exit code, then stderr with {@code $FILE} for the input's path. */
  record Case(Path file, int exit, String err) {
    @Override
    public String toString() {
      return file.getFileName().toString();
    }
  }

  static List<Case> cases() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json") || p.toString().endsWith(".yml"))
          .sorted().map(SimulateMalformedCatalogueTest::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Case read(Path file) {
    try {
      String expect = Files.readString(file.resolveSibling(file.getFileName() + ".expect"));
      String first = expect.lines().findFirst().orElseThrow();
      assertThat(first).as(file + ".expect starts with the exit code").startsWith("exit: ");
      return new Case(file, Integer.parseInt(first.substring("exit: ".length()).strip()), expect.substring(expect.indexOf('\n') + 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void assertNoInternals(String err) {
    assertNoInternals(err, "");
  }

  static void assertNoInternals(String err, String description) {
    assertThat(err).as(description).doesNotContain("Exception", "\tat ", "io.poolbridge.", "java.", "com.fasterxml", "org.yaml", "NullPointer");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @Timeout(value = 10, unit = TimeUnit.SECONDS) // a hang guard only
  void isRefusedWithExactlyTheExpectedMessage(Case c) {
    SimulateCommandTest.Run run = SimulateCommandTest.run("simulate", "--at", AT, "-f", c.file().toString());
    assertNoInternals(run.err());
    assertThat(run.err()).isEqualTo(c.err().replace("$FILE", c.file().toString()));
    assertThat(run.exitCode()).isEqualTo(c.exit());
    assertThat(run.out()).isEmpty();
  }

  @Test
  void theCatalogueHasAtLeastAHundredCases() {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(100);
    assertThat(cases()).extracting(Case::exit).containsOnly(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.poolbridge.validation.MalformedCases#files")
  @Timeout(value = 10, unit = TimeUnit.SECONDS) // a hang guard only
  void everyCaseTheApiServerRefusesIsRefusedInKubectlsWords(Path file) {
    MalformedCases.Expected expected = MalformedCases.expected(file);
    SimulateCommandTest.Run run = SimulateCommandTest.run("simulate", "--at", AT, "-f", file.toString());
    assertNoInternals(run.err());
    assertThat(run.exitCode()).isEqualTo(1);
    String prefix = "error: " + file + ": document 1 (" + expected.kind() + " " + expected.identity() + "): The " + expected.kind()
        + " \"" + expected.name() + "\" is invalid: ";
    if (expected.errors().size() == 1) {
      assertThat(run.err()).isEqualTo(prefix + expected.errors().get(0) + "\n");
    } else {
      assertThat(run.err()).startsWith(prefix + "\n");
      assertThat(run.err().substring(prefix.length() + 1).lines().toList())
          .containsExactlyInAnyOrderElementsOf(expected.errors().stream().map(e -> "* " + e).toList());
    }
  }
}
