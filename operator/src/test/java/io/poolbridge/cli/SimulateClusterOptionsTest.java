package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.cli.SimulateCommandTest.Run;
import org.junit.jupiter.api.Test;

/**
 * The flags of {@code simulate --cluster} on the command line alone (no cluster is reached): the
 * ones that read the live estate need {@code --cluster}, and {@code --cluster} needs a change.
 */
class SimulateClusterOptionsTest {
  private static final String TRY_HELP = "Run 'poolbridge simulate --help' for the options and examples.\n";

  @Test
  void flagsOfTheLiveEstateNeedCluster() {
    for (String[] flag : new String[][] {{"--delete", "x.yaml"}, {"--context", "prod"}, {"--operator-namespace", "ops"}}) {
      Run run = SimulateCommandTest.run("simulate", "-f", "../samples", flag[0], flag[1]);
      assertThat(run.exitCode()).as(flag[0]).isEqualTo(2);
      assertThat(run.err()).isEqualTo("error: " + flag[0] + " reads the live estate: it needs --cluster\n" + TRY_HELP);
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void clusterNeedsAChangeToApplyOrDelete() {
    Run run = SimulateCommandTest.run("simulate", "--cluster");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: --cluster needs the change: -f FILE (to apply) or --delete FILE (to delete)\n" + TRY_HELP);
  }

  @Test
  void withoutClusterTheFilesAreStillRequired() {
    Run run = SimulateCommandTest.run("simulate");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: Missing required option: '--filename=FILE_OR_DIR'\n" + TRY_HELP);
  }

  @Test
  void explainIsNotForAChange() {
    Run run = SimulateCommandTest.run("simulate", "--cluster", "-f", "../samples", "--explain", "streaming/kafka-brokers");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: --explain explains one simulation, not a change: leave out --cluster\n" + TRY_HELP);
  }
}
