package io.poolbridge.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.embedded.EmbeddedApiServer;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.metrics.OperatorHttpServer;
import io.poolbridge.operator.PoolbridgeOperator;
import io.poolbridge.scheduler.ExchangeRates;
import io.poolbridge.simulate.EstateSimulation;
import io.poolbridge.simulate.SimulationOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code poolbridge demo}: the operator at work in one command, with nothing but a JDK. It starts a
 * Kubernetes API in this JVM, installs the CRDs, creates the sample estate (the pools' Nodes,
 * namespaces, pools, frameworks, workloads), runs the operator against it and shows the estate
 * converging, read through the API as {@code kubectl get} would; then checks the outcome against
 * {@code simulate} on the same files.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Runs the operator on the sample estate against a Kubernetes API started in this process, shows the"
        + " estate converging (pools' capacity, frameworks' shares, workloads placed), and checks the outcome against"
        + " simulate on the same files. Reads samples/ and samples/simulation/ of the working directory when there,"
        + " else the copies packaged with poolbridge.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the estate settled and agrees with simulate",
      "1:invalid input (the message names the file, the document and the field)",
      "2:invalid command line (a flag or its value)",
      "3:not settled within --timeout (what is still pending is listed)",
      "70:internal error, or an outcome that differs from simulate's (a bug: please report it)"
    })
public final class DemoCommand implements Callable<Integer> {
  /** Exit code when the estate has not settled within {@code --timeout}. */
  public static final int TIMEOUT = 3;
  /** How often the screen is refreshed. */
  static final Duration REFRESH = Duration.ofMillis(500);
  /** In plain output, a progress line at least this often while converging, even when nothing changed. */
  static final Duration QUIET_PROGRESS = Duration.ofSeconds(5);
  /** Where the build packages the sample estate (operator/pom.xml). */
  static final String PACKAGED_SAMPLES = "/io/poolbridge/embedded/samples/";

  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, paramLabel = "FILE_OR_DIR",
      description = "YAML or JSON file or directory to apply instead of the samples, as simulate reads them; repeatable.")
  List<Path> files;

  @Option(names = {"-R", "--recursive"}, description = "Read the directories given with -f and their subdirectories.")
  boolean recursive;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationOption.Timeout.class,
      description = "How long to wait for the estate to settle, 1s to 1h (default 60s).")
  Duration timeout;

  @Option(names = "--watch", description = "Keep running after the estate settles, serving /metrics, /healthz and /readyz, until Ctrl-C.")
  boolean watch;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "8080", converter = RunCommand.Port.class,
      description = "With --watch: the port of /metrics, /healthz and /readyz on localhost (default 8080; 0 for any free port).")
  int metricsPort;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the allocator's agent order (default 0), as simulate's.")
  long seed;

  @Option(names = "--currency", paramLabel = "CURRENCY", description = "Base currency pools' prices are compared in, as simulate's.")
  String currency;

  @Option(names = "--exchange-rate", paramLabel = "CURRENCY=RATE", description = "Exchange rate to the base currency, as simulate's; repeatable.")
  List<String> exchangeRates = new ArrayList<>();

  @Option(names = "--debug", description = "On an internal error, print its stack trace.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ExchangeRates flagRates = RunCommand.rates(spec, currency, exchangeRates);
    Path extracted = null;
    try {
      List<Path> inputs;
      String source;
      if (files != null && !files.isEmpty()) {
        inputs = files;
        source = "the given files";
      } else if (Files.isDirectory(Path.of("samples"))) {
        inputs = withSimulation(Path.of("samples"));
        source = "samples/ of the working directory";
      } else {
        extracted = extractPackagedSamples();
        inputs = withSimulation(extracted);
        source = "the samples packaged with poolbridge";
      }
      EstateLoader.Input input;
      try {
        input = new EstateLoader().recursive(recursive).load(inputs).canonical();
      } catch (EstateLoader.InvalidInputException e) {
        err.println("error: " + e.getMessage());
        err.flush();
        return SimulateCommand.INVALID_INPUT;
      }
      ExchangeRates rates = flagRates.base() == null && input.settings() != null ? input.settings().rates() : flagRates;
      return demo(out, err, input, rates, source);
    } finally {
      if (extracted != null) {
        deleteTree(extracted);
      }
    }
  }

  private static List<Path> withSimulation(Path samples) {
    Path simulation = samples.resolve("simulation");
    return Files.isDirectory(simulation) ? List.of(samples, simulation) : List.of(samples);
  }

  private int demo(PrintWriter out, PrintWriter err, EstateLoader.Input input, ExchangeRates rates, String source) throws Exception {
    Map<String, EmbeddedApiServer> remotes = new java.util.TreeMap<>();
    try {
      return demo(out, err, input, rates, source, remotes);
    } finally {
      remotes.values().forEach(EmbeddedApiServer::close);
    }
  }

  private int demo(PrintWriter out, PrintWriter err, EstateLoader.Input input, ExchangeRates rates, String source,
      Map<String, EmbeddedApiServer> remotes) throws Exception {
    boolean tty = Poolbridge.stdoutIsTerminal();
    long started = System.nanoTime();
    out.println("Starting a Kubernetes API in this process and applying " + source + "...");
    out.flush();
    try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
      KubernetesClient client = api.client();
      Integer refused = apply(client, input, err, remotes);
      if (refused != null) {
        return refused;
      }
      Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      SimulationOutcome predicted = new EstateSimulation(input, seed, at, rates).run(500);
      PoolbridgeOperator.Config config = PoolbridgeOperator.Config.defaults().withRates(rates).withSeed(seed);
      try (PoolbridgeOperator operator = new PoolbridgeOperator(client, config, Clock.systemUTC(), null)) {
        operator.start();
        Screen screen = new Screen(out, tty);
        EstateView view;
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastFrame = null;
        while (true) {
          view = EstateView.read(client);
          // Settled: the loop has nothing left to decide, every Workload's status is written, and the
          // pools' and frameworks' statuses (written just after) read the same twice in a row.
          String frame = view.render(EstateView.PoolCapacity.FROM_STATUS, null);
          boolean settled = operator.loop().state().settled() && view.everyStatusWritten() && frame.equals(lastFrame);
          lastFrame = frame;
          screen.show(view, progress(view, started, settled));
          if (settled) {
            break;
          }
          if (operator.loop().failure() != null) {
            throw new IllegalStateException("the allocation loop stopped: " + operator.loop().failure().getMessage(), operator.loop().failure());
          }
          if (System.nanoTime() > deadline) {
            screen.last(view, progress(view, started, false));
            err.println("error: the estate did not settle within " + DurationOption.human(timeout) + " (--timeout); still pending: "
                + pendingList(view));
            err.flush();
            return TIMEOUT;
          }
          Thread.sleep(REFRESH.toMillis());
        }
        screen.last(view, progress(view, started, true));
        out.println();
        out.println("Where the operator placed them (Workload statuses, as kubectl get workloads -A shows them):");
        out.print(summary(view));
        out.println();
        List<String> differences = differences(view, predicted);
        if (!differences.isEmpty()) {
          out.flush();
          err.println("error: the operator's placements differ from simulate's on the same files (seed " + seed + ", at " + at
              + "), which is a bug: please report it with these files");
          differences.forEach(d -> err.println("  " + d));
          err.flush();
          return Poolbridge.INTERNAL_ERROR;
        }
        out.println("The operator agrees with simulate: every instance is on the node simulate predicts (seed " + seed
            + ", at " + at + ").");
        out.flush();
        if (watch) {
          watch(out, operator, screen, client, started);
        }
        return 0;
      }
    }
  }

  /** Serves /metrics and keeps the screen live until Ctrl-C. */
  private void watch(PrintWriter out, PoolbridgeOperator operator, Screen screen, KubernetesClient client, long started)
      throws IOException, InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "poolbridge-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (OperatorHttpServer http = OperatorHttpServer.start(new InetSocketAddress("localhost", metricsPort),
        operator.metrics().registry(), operator::healthy, operator::readiness)) {
      out.println("Metrics: http://localhost:" + http.port() + "/metrics (also /healthz, /readyz); Ctrl-C to stop.");
      out.flush();
      screen.restart();
      while (!stop.await(REFRESH.toMillis(), TimeUnit.MILLISECONDS)) {
        EstateView view = EstateView.read(client);
        screen.show(view, progress(view, started, operator.loop().state().settled() && view.everyStatusWritten()));
      }
    } finally {
      stopped.countDown();
    }
  }

  /** Creates the namespaces, Nodes, pools, frameworks and workloads; the exit code of a refusal, or null. */
  private static Integer apply(KubernetesClient client, EstateLoader.Input input, PrintWriter err, Map<String, EmbeddedApiServer> remotes) {
    TreeSet<String> namespaces = new TreeSet<>(input.namespaceLabels().keySet());
    namespaces.add(PoolbridgeOperator.Config.defaults().operatorNamespace());
    input.workloads().forEach(w -> namespaces.add(w.object().getMetadata().getNamespace()));
    for (String ns : namespaces) {
      Map<String, String> labels = input.namespaceLabels().getOrDefault(ns, Map.of());
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).withLabels(labels).endMetadata().build()).create();
    }
    List<EstateLoader.Loaded<? extends HasMetadata>> all = new ArrayList<>();
    all.addAll(input.nodes());
    all.addAll(input.pools());
    all.addAll(input.frameworks());
    all.addAll(input.workloads());
    for (EstateLoader.Loaded<? extends HasMetadata> loaded : all) {
      HasMetadata object = loaded.object();
      try {
        clusterOf(object, input, client, remotes).resource(object).create();
      } catch (KubernetesClientException e) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        err.println("error: " + loaded.origin() + " (" + object.getKind() + " " + object.getMetadata().getName() + "): " + message);
        err.flush();
        return SimulateCommand.INVALID_INPUT;
      }
    }
    return null;
  }

  /**
   * Where an object goes: a Node that a pool reading a remote cluster selects goes to that cluster,
   * started on first use as a second embedded API, its kubeconfig in the Secret the pool names (in
   * the operator's namespace unless the reference names another); everything else to the
   * operator's own cluster.
   */
  private static KubernetesClient clusterOf(HasMetadata object, EstateLoader.Input input, KubernetesClient local,
      Map<String, EmbeddedApiServer> remotes) {
    if (!(object instanceof io.fabric8.kubernetes.api.model.Node node)) {
      return local;
    }
    Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    for (EstateLoader.Loaded<io.poolbridge.api.v1alpha1.ResourcePool> loaded : input.pools()) {
      var k8s = loaded.object().getSpec().source().kubernetes();
      if (k8s == null || k8s.kubeconfigSecretRef() == null || !io.poolbridge.estate.Selectors.matches(k8s.nodeSelector(), labels)) {
        continue;
      }
      var ref = k8s.kubeconfigSecretRef();
      String namespace = ref.namespace() == null || ref.namespace().isEmpty()
          ? PoolbridgeOperator.Config.defaults().operatorNamespace() : ref.namespace();
      return remotes.computeIfAbsent(namespace + "/" + ref.name(), key -> {
        EmbeddedApiServer remote = EmbeddedApiServer.startRemote();
        if (local.namespaces().withName(namespace).get() == null) {
          local.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        }
        local.secrets().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
            .withName(ref.name()).withNamespace(namespace).endMetadata().addToStringData(ref.keyOrDefault(), remote.kubeconfig())
            .build()).create();
        return remote;
      }).client();
    }
    return local;
  }

  private static String progress(EstateView view, long started, boolean settled) {
    int instances = view.instances();
    int placed = view.placed();
    double elapsed = (System.nanoTime() - started) / 1e9;
    return String.format(Locale.ROOT, "%s %d/%d instances placed, %d pending, %.1fs", settled ? "settled:" : "converging:",
        placed, instances, instances - placed, elapsed);
  }

  private static String pendingList(EstateView view) {
    List<String> parts = new ArrayList<>();
    for (Workload w : view.workloads()) {
      int instances = w.getSpec() == null || w.getSpec().instances() == null ? 0 : w.getSpec().instances();
      int placed = EstateView.placed(w);
      if (placed < instances) {
        String why = EstateView.waiting(w);
        parts.add(EstateView.key(w) + " " + placed + "/" + instances + (why.isEmpty() ? "" : " (" + why + ")"));
      }
    }
    return parts.isEmpty() ? "no instance, but some Workload status is not written yet" : String.join("; ", parts);
  }

  /** Every workload with placed/instances and where, as {@code simulate}'s table shows it. */
  static String summary(EstateView view) {
    Table t = new Table("WORKLOAD", "KIND", "FRAMEWORK", "PLACED", "WHERE", "WHY NOT");
    for (Workload w : view.workloads()) {
      Map<String, Integer> byPool = new TreeMap<>();
      if (w.getStatus() != null && w.getStatus().instances() != null) {
        w.getStatus().instances().stream().filter(i -> i.node() != null).forEach(i -> byPool.merge(i.pool(), 1, Integer::sum));
      }
      List<String> where = new ArrayList<>();
      byPool.forEach((pool, n) -> where.add(pool + "×" + n));
      int instances = w.getSpec().instances() == null ? 0 : w.getSpec().instances();
      int placed = EstateView.placed(w);
      t.row(EstateView.key(w), w.getSpec().kind(), w.getSpec().framework(), placed + "/" + instances, String.join(", ", where),
          placed < instances ? EstateView.waiting(w) : "");
    }
    return t.render();
  }

  /** Where the operator put each instance against where simulate says it goes, one line per difference. */
  static List<String> differences(EstateView view, SimulationOutcome predicted) {
    Map<String, Map<String, String>> expected = new TreeMap<>();
    for (SimulationOutcome.WorkloadPlacement w : predicted.workloads()) {
      Map<String, String> nodes = new TreeMap<>();
      w.placements().forEach(i -> nodes.put(i.id(), i.pool() + "/" + i.node()));
      w.pending().forEach(p -> nodes.put(p.id(), "pending"));
      expected.put(w.key(), nodes);
    }
    Map<String, Map<String, String>> actual = new TreeMap<>();
    for (Workload w : view.workloads()) {
      Map<String, String> nodes = new TreeMap<>();
      if (w.getStatus() != null && w.getStatus().instances() != null) {
        for (WorkloadStatus.InstanceStatus i : w.getStatus().instances()) {
          nodes.put(i.id(), i.node() == null ? "pending" : i.pool() + "/" + i.node());
        }
      }
      actual.put(EstateView.key(w), nodes);
    }
    List<String> differences = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (String key : keys) {
      Map<String, String> e = expected.getOrDefault(key, Map.of());
      Map<String, String> a = actual.getOrDefault(key, Map.of());
      TreeSet<String> ids = new TreeSet<>(e.keySet());
      ids.addAll(a.keySet());
      for (String id : ids) {
        String want = e.getOrDefault(id, "absent");
        String got = a.getOrDefault(id, "absent");
        if (!want.equals(got)) {
          differences.add(key + " " + id + ": operator " + got + ", simulate " + want);
        }
      }
    }
    return differences;
  }

  /**
   * The screen. On a terminal each frame replaces the last (cursor up, clear to the end); elsewhere
   * (a pipe, a CI log) one progress line when the figures change, or every few seconds, and the
   * full estate once at the end.
   */
  static final class Screen {
    private final PrintWriter out;
    private final boolean tty;
    private int lines;
    private String lastFigures;
    private long lastPrinted;

    Screen(PrintWriter out, boolean tty) {
      this.out = out;
      this.tty = tty;
    }

    void show(EstateView view, String progress) {
      if (tty) {
        String frame = view.render(EstateView.PoolCapacity.FROM_STATUS, progress);
        if (lines > 0) {
          out.print("\u001b[" + lines + "F\u001b[J");
        }
        out.print(frame);
        lines = (int) frame.chars().filter(c -> c == '\n').count();
      } else {
        String figures = progress.substring(0, progress.lastIndexOf(','));
        long now = System.nanoTime();
        boolean quietTooLong = !progress.startsWith("settled") && now - lastPrinted >= QUIET_PROGRESS.toNanos();
        if (!figures.equals(lastFigures) || quietTooLong) {
          out.println(progress);
          lastFigures = figures;
          lastPrinted = now;
        }
      }
      out.flush();
    }

    /** The final frame: on a terminal it is already shown; elsewhere the estate is printed once. */
    void last(EstateView view, String progress) {
      if (tty) {
        show(view, progress);
      } else {
        show(view, progress);
        out.println();
        out.print(view.render(EstateView.PoolCapacity.FROM_STATUS, null));
        out.flush();
      }
    }

    /** Starts a new frame below what was printed since the last one. */
    void restart() {
      lines = 0;
      lastFigures = null;
    }
  }

  /** The packaged samples, copied to a temporary directory so messages can name their files. */
  private static Path extractPackagedSamples() throws IOException {
    URI uri;
    try {
      var url = DemoCommand.class.getResource(PACKAGED_SAMPLES);
      if (url == null) {
        throw new ParameterException(null, "no samples/ in the working directory and none packaged with this build: give -f");
      }
      uri = url.toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Path target = Files.createTempDirectory("poolbridge-demo-samples");
    if (uri.getScheme().equals("jar")) {
      try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
        copyTree(jar.getPath(PACKAGED_SAMPLES), target);
      }
    } else {
      copyTree(Path.of(uri), target);
    }
    return target;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          try (InputStream in = Files.newInputStream(p)) {
            Files.copy(in, dest);
          }
        }
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
