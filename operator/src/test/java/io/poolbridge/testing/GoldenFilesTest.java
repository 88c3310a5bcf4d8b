package io.poolbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A golden file checks something only if it is there: missing is a failure, written only on request. */
class GoldenFilesTest {
  @TempDir
  Path dir;

  @Test
  void aMissingGoldenFileFailsAndSaysHowToCreateItWithoutWritingIt() {
    assertThatThrownBy(() -> new GoldenFiles(dir, false).assertMatches("new.txt", "output\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("golden file " + dir.resolve("new.txt") + " is missing")
        .hasMessageContaining("-Dpoolbridge.golden.update=true");
    assertThat(dir.resolve("new.txt")).doesNotExist();
  }

  @Test
  void outputThatDiffersFailsAndNamesTheFlag() throws IOException {
    Files.writeString(dir.resolve("old.txt"), "before\n");
    assertThatThrownBy(() -> new GoldenFiles(dir, false).assertMatches("old.txt", "after\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("output differs from " + dir.resolve("old.txt"))
        .hasMessageContaining("-Dpoolbridge.golden.update=true");
    assertThat(dir.resolve("old.txt")).hasContent("before");
  }

  @Test
  void theSameOutputPasses() throws IOException {
    Files.writeString(dir.resolve("same.txt"), "same\n");
    assertThatCode(() -> new GoldenFiles(dir, false).assertMatches("same.txt", "same\n")).doesNotThrowAnyException();
  }

  @Test
  void theUpdateFlagWritesNewAndChangedFiles() throws IOException {
    Files.writeString(dir.resolve("old.txt"), "before\n");
    GoldenFiles update = new GoldenFiles(dir, true);
    update.assertMatches("old.txt", "after\n");
    update.assertMatches("new.txt", "fresh\n");
    assertThat(Files.readString(dir.resolve("old.txt"))).isEqualTo("after\n");
    assertThat(Files.readString(dir.resolve("new.txt"))).isEqualTo("fresh\n");
  }

  @Test
  void withoutTheFlagTheFilesAreCompared() {
    if (System.getProperty(GoldenFiles.UPDATE_PROPERTY) == null) {
      assertThatThrownBy(() -> GoldenFiles.in(dir).assertMatches("absent.txt", "x"))
          .hasMessageContaining("is missing");
    }
  }
}
