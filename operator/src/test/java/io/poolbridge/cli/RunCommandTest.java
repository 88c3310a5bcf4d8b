package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code poolbridge run}'s flags: what reaches the operator, and the one-line errors of bad values (exit code 2). */
class RunCommandTest {
  private record Result(int exitCode, String out, String err, List<RunCommand.Settings> ran) {}

  private static Result run(Map<String, String> env, String... args) {
    List<RunCommand.Settings> ran = new ArrayList<>();
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls == RunCommand.class) {
          return cls.cast(new RunCommand((settings, out, err) -> {
            ran.add(settings);
            return 0;
          }, env, java.nio.file.Path.of("no-such-dir", "namespace")));
        }
        return CommandLine.defaultFactory().create(cls);
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Poolbridge.execute(Poolbridge.commandLine(factory), out, err, args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), ran);
  }

  private static Result run(String... args) {
    return run(Map.of(), args);
  }

  @Test
  void withoutFlagsTheOperatorRunsEverySecondOnAllNamespacesWithoutLeaderElection() {
    Result r = run(Map.of("POD_NAME", "poolbridge-0"), "run");
    assertThat(r.exitCode()).as(r.err()).isZero();
    RunCommand.Settings s = r.ran().get(0);
    assertThat(s.allocationInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.namespaces()).isEmpty();
    assertThat(s.leaderElection()).isFalse();
    assertThat(s.metricsPort()).isEqualTo(8080);
    assertThat(s.identity()).isEqualTo("poolbridge-0");
    assertThat(s.context()).isNull();
    assertThat(s.rates().base()).isNull();
  }

  @Test
  void flagsReachTheOperator() {
    Result r = run(Map.of("POD_NAME", "poolbridge-1"), "run", "--allocation-interval", "250ms", "--watch-namespaces", "shop, analytics",
        "--leader-election", "--lease-namespace", "poolbridge-system", "--metrics-port", "0", "--seed", "7",
        "--currency", "USD", "--exchange-rate", "EUR=1.08", "--context", "prod");
    assertThat(r.exitCode()).as(r.err()).isZero();
    RunCommand.Settings s = r.ran().get(0);
    assertThat(s.allocationInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.namespaces()).containsExactly("shop", "analytics");
    assertThat(s.leaderElection()).isTrue();
    assertThat(s.leaseNamespace()).isEqualTo("poolbridge-system");
    assertThat(s.identity()).isEqualTo("poolbridge-1");
    assertThat(s.metricsPort()).isZero();
    assertThat(s.seed()).isEqualTo(7);
    assertThat(s.rates().base()).isEqualTo("USD");
    assertThat(s.context()).isEqualTo("prod");
  }

  @Test
  void leaderElectionTakesTheLeaseNamespaceFromThePod() {
    Result r = run(Map.of("POD_NAMESPACE", "poolbridge-system", "POD_NAME", "poolbridge-7d9f"), "run", "--leader-election");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.ran().get(0).leaseNamespace()).isEqualTo("poolbridge-system");
    assertThat(r.ran().get(0).namespaces()).isEqualTo(Set.of());
  }

  @Test
  void anIntervalOutOfBoundsIsAUsageError() {
    Result r = run("run", "--allocation-interval", "10ms");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.ran()).isEmpty();
    assertThat(r.err()).startsWith(
        "error: Invalid value for option '--allocation-interval': 10ms: must be between 100ms and 1h\n");
  }

  @Test
  void anIntervalThatIsNoDurationIsAUsageError() {
    Result r = run("run", "--allocation-interval", "soon");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith(
        "error: Invalid value for option '--allocation-interval': 'soon' is not a duration such as 500ms, 90s, 15m or 1h30m\n");
  }

  @Test
  void aBadNamespaceNameIsAUsageError() {
    Result r = run("run", "--watch-namespaces", "shop,Analytics_1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.ran()).isEmpty();
    assertThat(r.err()).isEqualTo("error: Invalid value for option '--watch-namespaces': 'Analytics_1' is not a namespace name:"
        + " lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit\n"
        + "Run 'poolbridge run --help' for the options and examples.\n");
  }

  @Test
  void leaderElectionOutsideAPodNeedsALeaseNamespace() {
    // Outside a pod: no POD_NAMESPACE, no service account namespace file.
    Result r = run("run", "--leader-election");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: --leader-election needs the namespace of its Lease: give --lease-namespace,"
        + " or set POD_NAMESPACE (the pod's namespace)\n");
  }

  @Test
  void aPortOutOfRangeIsAUsageError() {
    Result r = run("run", "--metrics-port", "70000");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: Invalid value for option '--metrics-port': 70000: must be between 0 and 65535\n");
  }

  @Test
  void anExchangeRateWithoutCurrencyIsAUsageError() {
    Result r = run("run", "--exchange-rate", "EUR=1.08");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith(
        "error: --exchange-rate needs --currency: the base currency the rates convert to, e.g. --currency USD\n");
  }
}
