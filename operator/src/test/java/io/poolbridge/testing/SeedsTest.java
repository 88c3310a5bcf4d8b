package io.poolbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The seeded-property harness: seeds replayable, failures named by seed, failing lists shrunk. */
class SeedsTest {

  @Test
  void aFailingListShrinksToTheElementsThatMakeItFail() {
    List<Integer> generated = IntStream.range(0, 60).boxed().toList();
    // Fails whenever both 17 and 42 are present.
    List<Integer> minimal = Seeds.shrink(generated, l -> l.contains(17) && l.contains(42), 10_000);
    assertThat(minimal).containsExactly(17, 42);
  }

  @Test
  void shrinkingKeepsTheOrderOfASequence() {
    List<Integer> generated = IntStream.range(0, 30).boxed().toList();
    // Fails when 3 comes before 20 (the order of operations matters).
    List<Integer> minimal = Seeds.shrink(generated, l -> l.indexOf(3) >= 0 && l.indexOf(3) < l.indexOf(20), 10_000);
    assertThat(minimal).containsExactly(3, 20);
  }

  @Test
  void aCheckThatThrowsCountsAsFailing() {
    List<Integer> minimal = Seeds.shrink(List.of(1, 2, 3), l -> {
      if (l.contains(2)) {
        throw new IllegalStateException("boom");
      }
      return false;
    }, 100);
    assertThat(minimal).containsExactly(2);
  }

  @Test
  void aFailureNamesTheSeedAndHowToReplayIt() {
    List<Long> seen = new ArrayList<>();
    // The run's own -Dpoolbridge.fresh (say, more fresh seeds for every property) is not this test's.
    String fresh = System.clearProperty(Seeds.FRESH_PROPERTY);
    List<org.junit.jupiter.api.DynamicTest> tests;
    try {
      tests = Seeds.forEachSeed("demo", 3, 0, seed -> {
        seen.add(seed);
        if (seed == 2) {
          throw new AssertionError("two is bad");
        }
      }).toList();
    } finally {
      if (fresh != null) {
        System.setProperty(Seeds.FRESH_PROPERTY, fresh);
      }
    }
    assertThat(tests).extracting(t -> t.getDisplayName()).containsExactly("seed 1", "seed 2", "seed 3");
    assertThatThrownBy(() -> tests.get(1).getExecutable().execute())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("demo failed for seed 2")
        .hasMessageContaining("-Dtest=SeedsTest -Dpoolbridge.seed=2")
        .hasMessageContaining("two is bad");
  }

  @Test
  void theFixedSeedsAreTheSameEveryRunAndFreshOnesComeAfter() {
    List<Long> seeds = Seeds.seeds("demo", 5, 2);
    if (System.getProperty(Seeds.SEED_PROPERTY) == null && System.getProperty(Seeds.FRESH_PROPERTY) == null) {
      assertThat(seeds).hasSize(7).startsWith(1L, 2L, 3L, 4L, 5L);
      assertThat(seeds.subList(5, 7)).allMatch(s -> s > 5);
    }
  }
}
