package io.poolbridge.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.estate.EstateLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * {@code simulate} on the sample estate is a function of the input and the seed: two separate runs,
 * each loading the YAML afresh into new objects, give the same outcome; and so does the same
 * estate with its documents in another order.
 */
class EstateDeterminismTest {
  private static final List<Path> SAMPLES = List.of(Path.of("../samples"), Path.of("../samples/simulation"));
  private static final Instant AT = Instant.parse("2026-12-05T23:00:00Z");

  /** A fresh load of the samples, and a fresh simulation of it. */
  private static SimulationOutcome run(long seed, boolean reversed) {
    EstateLoader.Input input = new EstateLoader().load(SAMPLES);
    if (reversed) {
      input = new EstateLoader.Input(reversed(input.pools()), reversed(input.frameworks()), reversed(input.workloads()),
          reversed(input.nodes()), input.namespaceLabels());
    }
    return new EstateSimulation(input, seed, AT).run(2000);
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    Collections.reverse(copy);
    return copy;
  }

  /** Instance (namespace/workload/id) to pool/node, for every placed instance. */
  private static Map<String, String> placements(SimulationOutcome o) {
    Map<String, String> m = new TreeMap<>();
    for (SimulationOutcome.WorkloadPlacement w : o.workloads()) {
      for (SimulationOutcome.Instance i : w.placements()) {
        m.put(w.key() + "/" + i.id(), i.pool() + "/" + i.node());
      }
    }
    return m;
  }

  @Test
  void twoSeparateRunsFromFreshLoadsGiveTheSameOutcome() {
    SimulationOutcome first = run(7, false);
    SimulationOutcome second = run(7, false);
    assertThat(placements(first)).isNotEmpty();
    assertThat(second).isEqualTo(first);
  }

  @Test
  void theOrderOfTheDocumentsDoesNotChangeWhereInstancesRun() {
    SimulationOutcome inOrder = run(7, false);
    SimulationOutcome reversed = run(7, true);
    assertThat(placements(reversed)).isEqualTo(placements(inOrder));
    assertThat(reversed.stable()).isEqualTo(inOrder.stable());
  }
}
