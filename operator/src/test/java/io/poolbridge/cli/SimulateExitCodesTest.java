package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.cli.SimulateCommandTest.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The exit codes of {@code poolbridge simulate}, each with the exact message a pipeline log shows:
 * 0 done, 1 invalid input, 2 a bad command line, 3 pending with {@code --fail-on-pending}, 4 not
 * stable, 70 an internal error (one line, the stack trace only with {@code --debug}).
 */
class SimulateExitCodesTest {
  private static final String SMALL = "src/test/resources/simulate/small";
  private static final String AT = "2026-12-05T23:00:00Z";
  private static final String TRY_HELP = "Run 'poolbridge simulate --help' for the options and examples.\n";

  private static Run simulate(String... extra) {
    List<String> args = new ArrayList<>(List.of("simulate", "--at", AT, "--seed", "7"));
    args.addAll(List.of(extra));
    return SimulateCommandTest.run(args.toArray(String[]::new));
  }

  @Test
  void zeroWhenSimulated() {
    Run run = simulate("-f", SMALL);
    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).containsPattern("\nStable after \\d+ allocation rounds \\(seed 7, at 2026-12-05T23:00:00Z\\)\\.\n$");
  }

  @Test
  void oneForInvalidInput(@TempDir Path dir) {
    Path missing = dir.resolve("missing.yaml");
    Run run = simulate("-f", missing.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("error: " + missing + ": no such file or directory\n");
  }

  @Test
  void twoForABadOutputFormat() {
    Run run = simulate("-f", SMALL, "-o", "xml");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(
        "error: Invalid value for option '--output': expected one of [table, json, yaml] (case-insensitive) but was 'xml'\n"
            + TRY_HELP);
  }

  @Test
  void twoForMaxRoundsBelowOne() {
    for (String rounds : List.of("0", "-3")) {
      Run run = simulate("-f", SMALL, "--max-rounds", rounds);
      assertThat(run.exitCode()).as(rounds).isEqualTo(2);
      assertThat(run.out()).as(rounds).isEmpty();
      assertThat(run.err()).as(rounds).isEqualTo(
          "error: Invalid value for option '--max-rounds': " + rounds + ": must be at least 1\n" + TRY_HELP);
    }
  }

  @Test
  void twoForATimeThatIsNotOne() {
    for (String at : List.of("tomorrow", "2026-13-05", "2026-02-30T10:00:00Z", "2026-12-05T25:00", "1733439600")) {
      Run run = SimulateCommandTest.run("simulate", "-f", SMALL, "--at", at);
      assertThat(run.exitCode()).as(at).isEqualTo(2);
      assertThat(run.out()).as(at).isEmpty();
      assertThat(run.err()).as(at).isEqualTo(
          "error: Invalid value for option '--at': '" + at + "' is not a date or time; write e.g. 2026-12-05T23:00:00Z, "
              + "2026-12-05T23:00:00+01:00, 2026-12-05 23:00 (UTC) or 2026-12-05 (midnight UTC)\n" + TRY_HELP);
    }
  }

  @Test
  void twoForAnExplainThatNamesNoWorkload() {
    Run run = simulate("-f", SMALL, "--explain", "nope");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(
        "error: Invalid value for option '--explain': no workload nope in the input; its workloads are "
            + "team-a/frontend, team-a/one-per-zone, team-a/stranger, team-a/too-big\n" + TRY_HELP);
  }

  @Test
  void twoForAnAmbiguousExplainThatListsTheCandidates(@TempDir Path dir) throws IOException {
    // Two workloads named web; apps does not list team-b, so team-b/web is refused (pending) but listed.
    Path estate = Files.writeString(dir.resolve("estate.yaml"), """
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: metal}
        spec:
          provider: colo
          region: ams
          source: {static: {nodes: [{name: m1, capacity: {cpu: 8, memory: 32Gi}}]}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: apps}
        spec: {type: External, role: apps, namespaces: {names: [team-a]}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: team-b}
        spec: {framework: apps, kind: Service, instances: 1, resources: {cpu: 1}}
        ---
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: team-a}
        spec: {framework: apps, kind: Service, instances: 1, resources: {cpu: 1}}
        """);
    Run run = simulate("-f", estate.toString(), "--explain", "web");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(
        "error: Invalid value for option '--explain': web names 2 workloads: team-a/web, team-b/web; "
            + "give one as namespace/name\n" + TRY_HELP);

    Run one = simulate("-f", estate.toString(), "--explain", "team-b/web");
    assertThat(one.exitCode()).isZero();
    assertThat(one.out()).startsWith("Workload team-b/web: Service through framework apps\n");
  }

  @Test
  void threeWhenSomethingWouldStayPendingWithFailOnPending() {
    // The small estate leaves 4 instances pending: one-per-zone-2, too-big-0 and stranger's two.
    Run run = simulate("-f", SMALL, "--fail-on-pending");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("team-a/stranger");
    assertThat(run.err()).isEqualTo("error: 4 instances of 3 workloads would stay pending (--fail-on-pending)\n");
  }

  @Test
  void fourWhenPlacementIsNotStable() {
    // Stability needs a few quiet rounds after the last change: one round is never enough.
    Run run = simulate("-f", SMALL, "--max-rounds", "1");
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.out()).endsWith("NOT stable after 1 allocation rounds (seed 7, at 2026-12-05T23:00:00Z).\n");
    assertThat(run.err()).isEqualTo(
        "error: placement was still changing after 1 allocation rounds (--max-rounds 1); the result above may not "
            + "be final: raise --max-rounds\n");

    // Not stable says more than pending: the pending list itself is not final.
    assertThat(simulate("-f", SMALL, "--max-rounds", "1", "--fail-on-pending").exitCode()).isEqualTo(4);
  }

  /** A command line whose simulation fails as a bug would. */
  private static Run failing(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls == SimulateCommand.class) {
          return cls.cast(new SimulateCommand((files, recursive, seed, at, rates, rounds) -> {
            throw new IllegalStateException("no agent m9 in the schema");
          }));
        }
        return CommandLine.defaultFactory().create(cls);
      }
    };
    int code = Poolbridge.execute(Poolbridge.commandLine(factory), out, err, args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void seventyForAnInternalErrorInOneLineWithoutAStackTrace() {
    Run run = failing("simulate", "-f", SMALL);
    assertThat(run.exitCode()).isEqualTo(70);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("error: internal error: no agent m9 in the schema; run with --debug for details\n");
  }

  @Test
  void debugPrintsTheStackTraceOfAnInternalError() {
    Run run = failing("simulate", "-f", SMALL, "--debug");
    assertThat(run.exitCode()).isEqualTo(70);
    assertThat(run.err())
        .startsWith("error: internal error: no agent m9 in the schema\n")
        .contains("java.lang.IllegalStateException: no agent m9 in the schema\n")
        .contains("\tat io.poolbridge.cli.SimulateCommand.call(");
  }

  @Test
  void theHelpListsEveryExitCode() {
    Run run = SimulateCommandTest.run("simulate", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("""
        Exit codes:
          0    simulated (placement stable)
          1    invalid input (the message names the file, the document and the field)
          2    invalid command line (a flag or its value)
          3    with --fail-on-pending: some instance would not be placed
          4    placement not stable after --max-rounds rounds: the result may change
          5    with --cluster: the cluster cannot be read (unreachable, kubeconfig or
                 context unusable, access refused)
          70   internal error (a bug: run with --debug and report the stack trace)
        """);
  }
}
