package io.poolbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: expected output kept in the source tree. A test compares what it produced with the
 * file; a missing file is a failure, never a pass (a golden file that is not there checks
 * nothing). The files are written only when asked, with {@code -Dpoolbridge.golden.update=true};
 * then review the diff before committing it.
 */
public final class GoldenFiles {
  /** The system property that regenerates golden files instead of comparing with them. */
  public static final String UPDATE_PROPERTY = "poolbridge.golden.update";

  private final Path dir;
  private final boolean update;

  GoldenFiles(Path dir, boolean update) {
    this.dir = dir;
    this.update = update;
  }

  /** Golden files in {@code dir}, regenerated when {@code -Dpoolbridge.golden.update=true}. */
  public static GoldenFiles in(Path dir) {
    return new GoldenFiles(dir, Boolean.getBoolean(UPDATE_PROPERTY));
  }

  /** Asserts that {@code actual} is the content of golden file {@code name} (writes it instead when updating). */
  public void assertMatches(String name, String actual) throws IOException {
    Path file = dir.resolve(name);
    if (update) {
      Files.createDirectories(dir);
      Files.writeString(file, actual);
      return;
    }
    if (!Files.exists(file)) {
      throw new AssertionError("golden file " + file + " is missing; if this output is new, create it with -D"
          + UPDATE_PROPERTY + "=true and review it before committing");
    }
    assertThat(actual).as("output differs from %s (regenerate with -D%s=true, then review the diff)", file, UPDATE_PROPERTY)
        .isEqualTo(Files.readString(file));
  }
}
