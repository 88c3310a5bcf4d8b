package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code poolbridge simulate} in a JVM of its own whose platform charset is ASCII, as under {@code LANG=C}. */
class SimulateCharsetIT {
  @Test
  void underLangCTheCommandLineStillWritesUtf8(@TempDir Path dir) throws Exception {
    // A JVM started as under LANG=C: the platform charset is ASCII, so a default writer prints "?".
    Path estate = SimulateReadableOutputTest.nonAscii(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Dfile.encoding=ANSI_X3.4-1968",
        "-Dsun.stdout.encoding=ANSI_X3.4-1968", "-Dsun.stderr.encoding=ANSI_X3.4-1968",
        "-cp", System.getProperty("java.class.path"), Poolbridge.class.getName(),
        "simulate", "-f", estate.toString(), "--at", "2026-12-05"));
    pb.environment().put("LANG", "C");
    pb.environment().put("LC_ALL", "C");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("equipe/web").contains("metal×2").doesNotContain("?");
  }
}
