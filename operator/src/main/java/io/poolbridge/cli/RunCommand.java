package io.poolbridge.cli;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.metrics.OperatorHttpServer;
import io.poolbridge.operator.PoolbridgeOperator;
import io.poolbridge.scheduler.ExchangeRates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code poolbridge run}: the operator against the cluster of the current kubeconfig (or, in a pod,
 * its service account), until SIGTERM. Every flag has a {@code POOLBRIDGE_*} environment variable,
 * which is how the Helm chart's Deployment sets them.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Runs the operator against the cluster of the current kubeconfig (in a pod: its service account) until"
        + " stopped (SIGTERM, Ctrl-C). Each flag can also be set with the environment variable named in its description.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped (SIGTERM, Ctrl-C)",
      "1:the operator could not start (the cluster cannot be reached, the settings ConfigMap is invalid, the port is taken)",
      "2:invalid command line (a flag or its value)",
      "70:internal error (a bug: run with --debug and report the stack trace)"
    })
public final class RunCommand implements Callable<Integer> {
  /** Exit code when the operator cannot start. */
  public static final int CANNOT_START = 1;
  /** Where a pod finds its namespace. */
  static final Path POD_NAMESPACE_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** What {@code run} resolved from its flags and environment, handed to the {@link Runner}. */
  record Settings(
      String context, Duration allocationInterval, Set<String> namespaces, boolean leaderElection, String leaseNamespace,
      String identity, int metricsPort, ExchangeRates rates, long seed) {}

  /** Runs the operator with the settings until stopped; returns the exit code. Replaceable in tests. */
  @FunctionalInterface
  interface Runner {
    int run(Settings settings, PrintWriter out, PrintWriter err) throws Exception;
  }

  private final Runner runner;
  private final Map<String, String> environment;
  private final Path podNamespaceFile;

  public RunCommand() {
    this(RunCommand::runOperator, System.getenv(), POD_NAMESPACE_FILE);
  }

  RunCommand(Runner runner, Map<String, String> environment, Path podNamespaceFile) {
    this.runner = runner;
    this.environment = environment;
    this.podNamespaceFile = podNamespaceFile;
  }

  @Spec CommandSpec spec;

  @Option(names = "--context", paramLabel = "CONTEXT", defaultValue = "${env:POOLBRIDGE_CONTEXT}",
      description = "The kubeconfig context to use (default: the current one). Env: POOLBRIDGE_CONTEXT.")
  String context;

  @Option(names = "--allocation-interval", paramLabel = "DURATION", defaultValue = "${env:POOLBRIDGE_ALLOCATION_INTERVAL:-1s}",
      converter = DurationOption.AllocationInterval.class,
      description = "How often the allocator runs when nothing changes, 100ms to 1h (default 1s); changes are allocated"
          + " as they come. Env: POOLBRIDGE_ALLOCATION_INTERVAL.")
  Duration allocationInterval;

  @Option(names = "--watch-namespaces", paramLabel = "NAMESPACE[,NAMESPACE...]", defaultValue = "${env:POOLBRIDGE_WATCH_NAMESPACES}",
      description = "The namespaces whose Workloads the operator serves, comma-separated (default: all)."
          + " Env: POOLBRIDGE_WATCH_NAMESPACES.")
  String watchNamespaces;

  @Option(names = "--leader-election", negatable = true, defaultValue = "${env:POOLBRIDGE_LEADER_ELECTION:-false}",
      fallbackValue = "true",
      description = "Elect a leader through a coordination Lease, so that several replicas can run and one acts"
          + " (default off). Env: POOLBRIDGE_LEADER_ELECTION=true.")
  boolean leaderElection;

  @Option(names = "--lease-namespace", paramLabel = "NAMESPACE", defaultValue = "${env:POOLBRIDGE_LEASE_NAMESPACE}",
      description = "Namespace of the leader-election Lease and of the poolbridge settings ConfigMap (default: the pod's"
          + " namespace, from POD_NAMESPACE or the service account). Env: POOLBRIDGE_LEASE_NAMESPACE.")
  String leaseNamespace;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "${env:POOLBRIDGE_METRICS_PORT:-8080}", converter = Port.class,
      description = "Port of /metrics, /healthz and /readyz (default 8080; 0 serves none). Env: POOLBRIDGE_METRICS_PORT.")
  int metricsPort;

  @Option(names = "--currency", paramLabel = "CURRENCY", defaultValue = "${env:POOLBRIDGE_CURRENCY}",
      description = "Base currency pools' prices are compared in, as simulate's; default: data.currency of the poolbridge"
          + " ConfigMap in the operator's namespace. Env: POOLBRIDGE_CURRENCY.")
  String currency;

  @Option(names = "--exchange-rate", paramLabel = "CURRENCY=RATE", split = ",", defaultValue = "${env:POOLBRIDGE_EXCHANGE_RATES}",
      description = "Exchange rate to the base currency, e.g. EUR=1.08; repeatable, needs --currency; default:"
          + " data.exchangeRates of the poolbridge ConfigMap. Env: POOLBRIDGE_EXCHANGE_RATES (comma-separated).")
  List<String> exchangeRates = new ArrayList<>();

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "${env:POOLBRIDGE_SEED:-0}",
      description = "Seed of the allocator's agent order (default 0), as simulate's. Env: POOLBRIDGE_SEED.")
  long seed;

  @Option(names = "--debug", description = "On an internal error, print its stack trace.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    Set<String> namespaces = namespaces(watchNamespaces);
    ExchangeRates rates = rates(spec, currency, exchangeRates == null ? List.of() : exchangeRates);
    String lease = leaseNamespace != null && !leaseNamespace.isBlank() ? leaseNamespace.trim() : podNamespace();
    if (lease != null && !DNS_LABEL.matcher(lease).matches()) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--lease-namespace': '" + lease
          + "' is not a namespace name" + NAMESPACE_RULE);
    }
    if (leaderElection && lease == null) {
      throw new ParameterException(spec.commandLine(), "--leader-election needs the namespace of its Lease: give"
          + " --lease-namespace, or set POD_NAMESPACE (the pod's namespace)");
    }
    String identity = environment.getOrDefault("POD_NAME", "");
    if (identity.isBlank()) {
      identity = hostname();
    }
    Settings settings = new Settings(context == null || context.isBlank() ? null : context.trim(), allocationInterval, namespaces,
        leaderElection, lease, identity, metricsPort, rates, seed);
    return runner.run(settings, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  private static final String NAMESPACE_RULE =
      ": lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit";

  /** {@code --watch-namespaces}: comma-separated namespace names; none for all. */
  private Set<String> namespaces(String list) {
    Set<String> names = new LinkedHashSet<>();
    if (list == null || list.isBlank()) {
      return names;
    }
    for (String part : list.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--watch-namespaces': '" + name
            + "' is not a namespace name" + NAMESPACE_RULE);
      }
      names.add(name);
    }
    return names;
  }

  /** The pod's namespace: POD_NAMESPACE, else the service account's namespace file, else none. */
  private String podNamespace() {
    String env = environment.get("POD_NAMESPACE");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return Files.isReadable(podNamespaceFile) ? Files.readString(podNamespaceFile).trim() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "poolbridge";
    }
  }

  /** A port: 0 to 65535. */
  static final class Port implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int port;
      try {
        port = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a port number");
      }
      if (port < 0 || port > 65535) {
        throw new TypeConversionException(value + ": must be between 0 and 65535");
      }
      return port;
    }
  }

  /** The base currency and rates of a command line, as simulate reads them; a bad one is a usage error. */
  static ExchangeRates rates(CommandSpec spec, String currency, List<String> exchangeRates) {
    List<String> given = exchangeRates.stream().filter(r -> r != null && !r.isBlank()).map(String::trim).toList();
    if (currency == null || currency.isBlank()) {
      if (!given.isEmpty()) {
        throw new ParameterException(spec.commandLine(),
            "--exchange-rate needs --currency: the base currency the rates convert to, e.g. --currency USD");
      }
      return ExchangeRates.NONE;
    }
    try {
      return ExchangeRates.parse(currency.trim(), given);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid --currency or --exchange-rate: " + e.getMessage());
    }
  }

  /** The real run: connects, reads the settings ConfigMap, starts the operator and its endpoints, and waits for SIGTERM. */
  static int runOperator(Settings s, PrintWriter out, PrintWriter err) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "poolbridge-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return runOperator(s, out, err, stop, null);
    } finally {
      stopped.countDown();
    }
  }

  /**
   * The run until {@code stop} opens: SIGTERM in a real run, the test in {@code RunCommandIT}.
   *
   * @param started told the operator once it is started, or null
   */
  static int runOperator(Settings s, PrintWriter out, PrintWriter err, CountDownLatch stop,
      java.util.function.Consumer<PoolbridgeOperator> started) throws Exception {
    Config config = s.context() == null ? Config.autoConfigure(null) : Config.autoConfigure(s.context());
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      String unreachable = reach(client, config);
      if (unreachable != null) {
        err.println("error: " + unreachable);
        err.flush();
        return CANNOT_START;
      }
      ExchangeRates rates = s.rates();
      if (rates.base() == null && s.leaseNamespace() != null) {
        try {
          rates = settingsRates(client, s.leaseNamespace());
        } catch (EstateLoader.InvalidInputException e) {
          err.println("error: " + e.getMessage());
          err.flush();
          return CANNOT_START;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
          err.println("error: cannot read the poolbridge ConfigMap in namespace " + s.leaseNamespace() + " of " + config.getMasterUrl()
              + ": " + e.getMessage());
          err.flush();
          return CANNOT_START;
        }
      }
      PoolbridgeOperator.Config operatorConfig = PoolbridgeOperator.Config.defaults()
          .withInterval(s.allocationInterval()).withNamespaces(s.namespaces()).withRates(rates).withSeed(s.seed());
      if (s.leaderElection()) {
        operatorConfig = operatorConfig.withLeaderElection(s.leaseNamespace(), s.identity());
      }
      if (s.leaseNamespace() != null) {
        // Kubeconfig Secrets without a namespace are in the operator's own.
        operatorConfig = operatorConfig.withOperatorNamespace(s.leaseNamespace());
      }
      // null: the operator carries out the record (Pods, taints, Services and EndpointSlices).
      try (PoolbridgeOperator operator = new PoolbridgeOperator(client, operatorConfig, Clock.systemUTC(), null)) {
        OperatorHttpServer http = null;
        try {
          if (s.metricsPort() != 0) {
            try {
              http = OperatorHttpServer.start(new InetSocketAddress(s.metricsPort()), operator.metrics().registry(),
                  operator::healthy, operator::readiness);
            } catch (IOException e) {
              err.println("error: cannot serve /metrics on port " + s.metricsPort() + ": " + e.getMessage() + " (--metrics-port)");
              err.flush();
              return CANNOT_START;
            }
          }
          err.println("poolbridge operator " + s.identity() + " on " + config.getMasterUrl()
              + (s.namespaces().isEmpty() ? ", all namespaces" : ", namespaces " + String.join(",", s.namespaces()))
              + (s.leaderElection() ? ", leader election in " + s.leaseNamespace() : "")
              + (http == null ? "" : ", /metrics on port " + http.port()));
          err.flush();
          operator.start();
          if (started != null) {
            started.accept(operator);
          }
          stop.await();
          return 0;
        } finally {
          if (http != null) {
            http.close();
          }
        }
      }
    }
  }

  /** Null when the cluster answers and has the poolbridge CRDs; else what is wrong, in a user's words. */
  static String reach(KubernetesClient client, Config config) {
    try {
      client.resources(io.poolbridge.api.v1alpha1.ResourcePool.class).list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
      return null;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() == 404) {
        return "the poolbridge CRDs are not installed in the cluster at " + config.getMasterUrl() + ": kubectl apply -f crds/";
      }
      if (e.getCode() == 401 || e.getCode() == 403) {
        return "the cluster at " + config.getMasterUrl() + " refuses to list ResourcePools (HTTP " + e.getCode()
            + "): the operator's account needs the permissions the Helm chart grants";
      }
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      String why = cause.getMessage() == null ? cause.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT)
          : cause.getMessage();
      return "cannot reach the Kubernetes API at " + config.getMasterUrl() + " (" + why + "): check the kubeconfig"
          + (config.getCurrentContext() == null ? "" : " context " + config.getCurrentContext().getName()) + " or give --context";
    }
  }

  /** The exchange rates of the {@code poolbridge} ConfigMap in {@code namespace}, if there is one. */
  static ExchangeRates settingsRates(KubernetesClient client, String namespace) {
    ConfigMap map = client.configMaps().inNamespace(namespace).withName(EstateLoader.SETTINGS_NAME).get();
    if (map == null) {
      return ExchangeRates.NONE;
    }
    map.getMetadata().setManagedFields(null);
    byte[] yaml = Serialization.asYaml(map).getBytes(StandardCharsets.UTF_8);
    try {
      EstateLoader.Input input = new EstateLoader(() -> new ByteArrayInputStream(yaml)).load(List.of(Path.of("-")));
      return input.settings() == null ? ExchangeRates.NONE : input.settings().rates();
    } catch (EstateLoader.InvalidInputException e) {
      throw new EstateLoader.InvalidInputException(e.getMessage().replace(EstateLoader.STDIN + ": document 1",
          "ConfigMap " + namespace + "/" + EstateLoader.SETTINGS_NAME));
    }
  }
}
