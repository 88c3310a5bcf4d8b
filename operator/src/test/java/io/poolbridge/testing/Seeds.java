package io.poolbridge.testing;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Seeded properties on plain JUnit 5: each case is generated from one {@code long} seed, so a
 * failure is replayed exactly by its seed.
 *
 * <p>A property runs a fixed set of seeds (the same in every build, so CI is reproducible) plus a
 * few fresh ones drawn at random for this run (printed, so a failure they find can be replayed).
 * {@code -Dpoolbridge.seed=N} runs seed {@code N} alone; {@code -Dpoolbridge.fresh=K} changes the
 * number of fresh seeds (0 for a fully reproducible run).
 *
 * <p>When a case fails, the property reports the seed, the replay flag and, where it can, a
 * minimal failing case: {@link #shrink} drops elements of a failing list (operations, agents,
 * frameworks...) as long as what is left still fails.
 */
public final class Seeds {
  /** Replays one seed. */
  public static final String SEED_PROPERTY = "poolbridge.seed";
  /** How many fresh seeds each property adds to its fixed ones. */
  public static final String FRESH_PROPERTY = "poolbridge.fresh";

  private Seeds() {}

  /**
   * The seeds a property runs: {@code 1..fixed}, then {@code fresh} random ones (or the count given
   * by {@code -Dpoolbridge.fresh}); only the one of {@code -Dpoolbridge.seed} when that is set.
   */
  public static List<Long> seeds(String property, int fixed, int fresh) {
    String replay = System.getProperty(SEED_PROPERTY);
    if (replay != null && !replay.isBlank()) {
      return List.of(Long.parseLong(replay.trim()));
    }
    List<Long> seeds = new ArrayList<>();
    for (long s = 1; s <= fixed; s++) {
      seeds.add(s);
    }
    int freshCount = Integer.getInteger(FRESH_PROPERTY, fresh);
    SecureRandom random = new SecureRandom();
    List<Long> drawn = new ArrayList<>();
    for (int i = 0; i < freshCount; i++) {
      // Positive and above the fixed range, so the two never overlap.
      long s = (random.nextLong() >>> 1) | (1L << 40);
      drawn.add(s);
    }
    if (!drawn.isEmpty()) {
      System.out.println("[" + property + "] fresh seeds this run (replay one with -D" + SEED_PROPERTY + "=N): " + drawn);
    }
    seeds.addAll(drawn);
    return seeds;
  }

  /**
   * One dynamic test per seed, named after it; a failure names the seed and how to replay it, with
   * the original failure as the cause.
   */
  public static Stream<DynamicTest> forEachSeed(String property, int fixed, int fresh, LongConsumer test) {
    String testClass = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass().getSimpleName();
    return seeds(property, fixed, fresh).stream().map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
      try {
        test.accept(seed);
      } catch (AssertionError | RuntimeException e) {
        throw failure(property, testClass, seed, e.getMessage(), e);
      }
    }));
  }

  /** The failure of a seed, naming it and how to replay it. */
  public static AssertionError failure(String property, String testClass, long seed, String detail, Throwable cause) {
    return new AssertionError(property + " failed for seed " + seed + " (replay: ./mvnw -pl operator test -Dtest="
        + testClass + " -D" + SEED_PROPERTY + "=" + seed + ")\n" + detail, cause);
  }

  /**
   * The smallest sublist of {@code failing} (in order) this search finds that still {@code fails}:
   * removes chunks of halving size, then single elements, while what is left still fails. At most
   * {@code budget} calls of {@code fails}.
   */
  public static <T> List<T> shrink(List<T> failing, Predicate<List<T>> fails, int budget) {
    List<T> current = new ArrayList<>(failing);
    int calls = 0;
    boolean progress = true;
    while (progress && calls < budget) {
      progress = false;
      for (int chunk = Math.max(1, current.size() / 2); chunk >= 1 && calls < budget; chunk /= 2) {
        for (int start = 0; start < current.size() && calls < budget; ) {
          List<T> candidate = new ArrayList<>(current.subList(0, start));
          candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
          calls++;
          if (failsQuietly(fails, candidate)) {
            current = candidate;
            progress = true;
          } else {
            start += chunk;
          }
        }
      }
    }
    return current;
  }

  /** Whether the candidate fails; an exception thrown by the check counts as failing. */
  private static <T> boolean failsQuietly(Predicate<List<T>> fails, List<T> candidate) {
    try {
      return fails.test(candidate);
    } catch (AssertionError | RuntimeException e) {
      return true;
    }
  }

  /**
   * The failure of {@code check} on {@code value}, or null if it holds: an {@link AssertionError} or
   * any runtime exception counts as failing.
   */
  public static <T> Throwable failureOf(T value, java.util.function.Consumer<T> check) {
    try {
      check.accept(value);
      return null;
    } catch (AssertionError | RuntimeException e) {
      return e;
    }
  }
}
