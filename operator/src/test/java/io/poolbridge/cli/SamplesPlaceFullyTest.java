package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The sample estate is what a newcomer runs first: for any seed, at the README's time (a
 * maintenance window open) and outside it, every instance is placed, every guarantee met, and the
 * result is stable.
 */
class SamplesPlaceFullyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The rates of the operator's settings among the inputs are those the flags would give; the flags win. */
  @Test
  void theSettingsConfigMapGivesTheRatesAndTheFlagsOverrideIt() {
    String[] common = {"simulate", "--at", "2026-12-05T23:00:00Z", "--seed", "7", "-f", "../samples", "-f", "../samples/simulation"};
    SimulateCommandTest.Run fromSettings = SimulateCommandTest.run(common);
    SimulateCommandTest.Run fromFlags = SimulateCommandTest.run(concat(common, "--currency", "USD", "--exchange-rate", "EUR=1.08"));
    assertThat(fromSettings.out()).isEqualTo(fromFlags.out());
    assertThat(fromSettings.err()).isEmpty();

    // Only the currency on the command line: no rate for EUR, so the EUR pool is unpriced, and says so.
    SimulateCommandTest.Run flagsOnly = SimulateCommandTest.run(concat(common, "--currency", "USD"));
    assertThat(flagsOnly.out() + flagsOnly.err()).contains("metal-fra").contains("EUR");
    assertThat(flagsOnly.out()).isNotEqualTo(fromSettings.out());
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @TestFactory
  Stream<DynamicTest> everyInstancePlacedAndEveryGuaranteeMetForAnySeed() {
    return Stream.of("2026-12-05T23:00:00Z", "2026-12-07T12:00:00Z").flatMap(at -> LongStream.rangeClosed(1, 20)
        .mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed + " at " + at, () -> {
          SimulateCommandTest.Run run = SimulateCommandTest.run("simulate", "--at", at, "--seed", String.valueOf(seed),
              "-f", "../samples", "-f", "../samples/simulation", "-o", "json");
          assertThat(run.exitCode()).as(run.err()).isZero();
          // The sample settings (samples/simulation/poolbridge-settings.yaml) give the EUR rate.
          assertThat(run.err()).doesNotContain("warning");
          JsonNode outcome = JSON.readTree(run.out());
          assertThat(outcome.get("stable").asBoolean()).as("stable").isTrue();
          for (JsonNode f : outcome.get("frameworks")) {
            assertThat(f.get("guaranteeMet").asBoolean()).as("guarantee of %s", f.get("name").asText()).isTrue();
            assertThat(f.get("pendingInstances").asInt()).as("pending of %s", f.get("name").asText()).isZero();
          }
          for (JsonNode w : outcome.get("workloads")) {
            assertThat(w.get("placed").asInt()).as("placed of %s", w.get("name").asText())
                .isEqualTo(w.get("instances").asInt());
          }
        })));
  }
}
