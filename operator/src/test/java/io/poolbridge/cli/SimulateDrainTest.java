package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code simulate --at} a time within a maintenance window's drainBefore: the node takes no new work
 * and the Services' instances that ran there are placed elsewhere (make-before-break), with the
 * window's reason; before the lead nothing is drained.
 */
class SimulateDrainTest {
  private static final String ESTATE = "src/test/resources/simulate/drain";

  @Test
  void aNodeWithinItsWindowsLeadIsDrainedAndItsInstancesMovedWithTheReason() {
    SimulateCommandTest.Run run = SimulateCommandTest.run("simulate", "--at", "2026-12-05T21:45:00Z", "--seed", "7", "-f", ESTATE);
    assertThat(run.exitCode()).isZero();
    // Both instances (3 cpu each) end on m2 (8 cpu), whichever ran on m1 before: 6 of m2's 8 cpu used, 2 free.
    assertThat(run.out()).contains("team-a/api   Service   web         2/2      metal×2");
    assertThat(run.out()).contains("6/16 (2)");
    assertThat(run.out()).containsPattern(
        "draining ahead of maintenance: node m1 of pool metal, window at 2026-12-05T22:00:00Z \\(Replace a failed NVMe drive\\); "
            + "(moved: team-a/api-[01] -> m2(, team-a/api-[01] -> m2)?|nothing moved)\n");
    // The pool counts m1 as not taking new work.
    assertThat(run.out()).containsPattern("metal +colo +ams +2 +1 ");
  }

  @Test
  void beforeTheLeadNothingIsDrained() {
    SimulateCommandTest.Run run = SimulateCommandTest.run("simulate", "--at", "2026-12-05T21:29:00Z", "--seed", "7", "-f", ESTATE);
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).doesNotContain("draining");
    assertThat(run.out()).containsPattern("metal +colo +ams +2 +2 ");
  }
}
