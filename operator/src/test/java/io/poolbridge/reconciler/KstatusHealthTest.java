package io.poolbridge.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.reconciler.HealthSamples.Sample;
import io.poolbridge.testing.Kstatus;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three kinds' statuses read as Flux reads them (kstatus): healthy resources are {@code
 * Current}, those the operator still works on {@code InProgress}, those stuck until someone changes
 * something {@code Failed}, and {@code Ready} says the same.
 */
class KstatusHealthTest {
  static Stream<Sample> samples() {
    return HealthSamples.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void kstatusReadsEachStatusAsAPersonWould(Sample sample) {
    Kstatus.Result result = Kstatus.compute(sample.object());
    assertThat(result.status().name()).as(sample.name() + ": " + result.message()).isEqualTo(sample.expected().name());
    assertThat(result.message()).as("what Flux shows says why").isNotBlank();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  @SuppressWarnings("unchecked")
  void readyReconcilingAndStalledAreAlwaysThereWithTheGenerationAndExactlyOneIsTrue(Sample sample) {
    Map<String, Object> status = (Map<String, Object>) sample.object().get("status");
    List<Map<String, Object>> conditions = (List<Map<String, Object>>) status.get("conditions");
    long observed = ((Number) status.get("observedGeneration")).longValue();
    int trues = 0;
    for (String type : List.of("Ready", "Reconciling", "Stalled")) {
      List<Map<String, Object>> of = conditions.stream().filter(c -> type.equals(c.get("type"))).toList();
      assertThat(of).as(type).hasSize(1);
      Map<String, Object> c = of.get(0);
      assertThat(((Number) c.get("observedGeneration")).longValue()).as(type + " observedGeneration").isEqualTo(observed);
      assertThat(c.get("reason")).as(type + " reason").isNotNull();
      assertThat(c.get("message")).as(type + " message").isNotNull();
      trues += "True".equals(c.get("status")) ? 1 : 0;
    }
    assertThat(trues).isEqualTo(1);
    boolean ready = conditions.stream().anyMatch(c -> "Ready".equals(c.get("type")) && "True".equals(c.get("status")));
    boolean generationObserved = observed == ((Number) ((Map<String, Object>) sample.object().get("metadata")).get("generation")).longValue();
    assertThat(ready && generationObserved).as("Ready=True exactly when kstatus says Current")
        .isEqualTo(sample.expected() == HealthSamples.Expected.Current);
  }

  @org.junit.jupiter.api.Test
  @SuppressWarnings("unchecked")
  void aResourceBeingDeletedIsTerminating() {
    Map<String, Object> object = HealthSamples.pools().get(0).object();
    ((Map<String, Object>) object.get("metadata")).put("deletionTimestamp", "2026-01-01T00:00:00Z");
    assertThat(Kstatus.compute(object).status()).isEqualTo(Kstatus.Status.Terminating);
  }
}
