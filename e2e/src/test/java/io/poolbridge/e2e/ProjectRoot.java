package io.poolbridge.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root: where crds/, samples/ and helm/ live. */
final class ProjectRoot {

  private ProjectRoot() {}

  /**
   * The {@code poolbridge.projectRoot} system property the build passes to the test JVM, or, when a
   * test runs from an IDE without it, the nearest directory upwards that holds {@code crds/}.
   */
  static Path path() {
    String configured = System.getProperty("poolbridge.projectRoot");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("crds")) && Files.isDirectory(dir.resolve("helm"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "Cannot find the poolbridge project root: set -Dpoolbridge.projectRoot=<repository root>");
  }

  static Path resolve(String relative) {
    return path().resolve(relative);
  }
}
