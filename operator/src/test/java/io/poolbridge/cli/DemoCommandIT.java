package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.estate.EstateLoader;
import io.poolbridge.simulate.EstateSimulation;
import io.poolbridge.simulate.SimulationOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code poolbridge demo} in this JVM: the embedded API, the operator on the samples, the summary,
 * and the check against {@code simulate}. The tests run in {@code operator/}, where there is no
 * {@code samples/}: the demo reads the copies packaged with the build, as it does anywhere.
 */
class DemoCommandIT {
  private static final Path SAMPLES = Path.of("../samples");

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void theSamplesSettleAsSimulatePredictsAndThePlainOutputHasNoEscapes() {
    SimulateCommandTest.Run run = SimulateCommandTest.run("demo", "--timeout", "90s");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("applying the samples packaged with poolbridge");
    assertThat(run.out()).doesNotContain("\u001b");
    assertThat(run.out()).contains("The operator agrees with simulate: every instance is on the node simulate predicts (seed 0");
    // By hand from the samples (samples/README.md): 55 instances, all placed.
    assertThat(run.out()).containsPattern("settled: 55/55 instances placed, 0 pending, [0-9.]+s\n");
    EstateLoader.Input input = new EstateLoader().load(List.of(SAMPLES, SAMPLES.resolve("simulation")));
    SimulationOutcome predicted = new EstateSimulation(input, 0, Instant.now(), input.settings().rates()).run(500);
    String summary = run.out().substring(run.out().lastIndexOf("WORKLOAD "));
    assertThat(predicted.workloads()).hasSize(7);
    for (SimulationOutcome.WorkloadPlacement w : predicted.workloads()) {
      assertThat(summary).as(w.key()).containsPattern(Pattern.compile("(?m)^" + Pattern.quote(w.key()) + " +" + w.kind() + " +"
          + w.framework() + " +" + w.placed() + "/" + w.instances() + " "));
    }
    // The live view showed pools with capacity bars and the frameworks' shares.
    assertThat(run.out()).containsPattern("(?m)^metal-fra +digital-realty +4 +\\[#+\\.*\\] +224/240 ");
    assertThat(run.out()).containsPattern("(?m)^spark +eng/analytics +2 +0\\.167 +0\\.084 +met +0$");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void invalidFilesAreRefusedAsSimulateRefusesThem(@TempDir Path dir) throws IOException {
    Path frameworks = dir.resolve("20-frameworks.yaml");
    Files.writeString(frameworks, Files.readString(SAMPLES.resolve("20-frameworks.yaml")).replaceFirst("weight:", "wieght:"));

    SimulateCommandTest.Run run = SimulateCommandTest.run("demo", "-f", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).matches("error: " + Pattern.quote(frameworks.toString()) + ": document [0-9]+ \\(Framework [a-z0-9-]+\\): "
        + Pattern.quote("Framework in version \"v1alpha1\" cannot be handled as a Framework: strict decoding error: unknown field \"spec.wieght\"")
        + "\n");
    assertThat(run.out()).doesNotContain("settled");
  }
}
