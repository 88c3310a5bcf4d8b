package io.poolbridge.cli;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.scheduler.ExchangeRates;
import io.poolbridge.simulate.EstateSimulation;
import io.poolbridge.simulate.SimulationOutcome;
import io.poolbridge.simulate.SimulationOutcome.FrameworkUse;
import io.poolbridge.simulate.SimulationOutcome.Instance;
import io.poolbridge.simulate.SimulationOutcome.Pending;
import io.poolbridge.simulate.SimulationOutcome.Pool;
import io.poolbridge.simulate.SimulationOutcome.WorkloadPlacement;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code poolbridge simulate}: the what-if a GitOps pipeline runs before merging. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Runs the allocator and the framework schedulers over the ResourcePools, Frameworks and Workloads"
        + " in the given YAML (what you would kubectl apply) until placement is stable, and prints where every"
        + " instance would run and why the others would not. Nodes of Kubernetes-source pools are the v1 Node"
        + " documents (or a v1 List of them, as kubectl get nodes -o yaml prints) in the same input."
        + " With --cluster, the live estate of the kubeconfig's cluster is read instead, the files are applied to it"
        + " (--delete files deleted from it), the simulation starts from the placements the Workloads' statuses record,"
        + " and what would change is printed: instances placed, moved, stopped and left pending, and the shares.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:simulated (placement stable)",
      "1:invalid input (the message names the file, the document and the field)",
      "2:invalid command line (a flag or its value)",
      "3:with --fail-on-pending: some instance would not be placed",
      "4:placement not stable after --max-rounds rounds: the result may change",
      "5:with --cluster: the cluster cannot be read (unreachable, kubeconfig or context unusable, access refused)",
      "70:internal error (a bug: run with --debug and report the stack trace)"
    })
public final class SimulateCommand implements Callable<Integer> {
  /** Exit code of invalid input: the message names the file, the document and the field. */
  public static final int INVALID_INPUT = 1;
  /** The exit code of {@code --fail-on-pending} when some instance would stay pending. */
  public static final int PENDING = 3;
  /** The exit code when placement was still changing after {@code --max-rounds} rounds. */
  public static final int NOT_STABLE = 4;
  /** The exit code of {@code --cluster} when the cluster cannot be read. */
  public static final int CLUSTER_UNREADABLE = 5;

  /** Loads the files and simulates: the whole run, replaceable in tests. */
  @FunctionalInterface
  interface Engine {
    SimulationOutcome simulate(List<Path> files, boolean recursive, long seed, Instant at, ExchangeRates rates, int maxRounds);
  }

  /**
   * Loads and simulates. Exchange rates given on the command line win; without them, those of the
   * operator's settings ({@code poolbridge} ConfigMap) among the inputs, if any.
   */
  private static final Engine ESTATE = (files, recursive, seed, at, rates, maxRounds) -> {
    EstateLoader.Input input = new EstateLoader().recursive(recursive).load(files);
    ExchangeRates used = rates.base() == null && input.settings() != null ? input.settings().rates() : rates;
    return new EstateSimulation(input, seed, at, used).run(maxRounds);
  };

  private final Engine engine;

  public SimulateCommand() {
    this(ESTATE);
  }

  SimulateCommand(Engine engine) {
    this.engine = engine;
  }

  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, paramLabel = "FILE_OR_DIR",
      description = "YAML or JSON file, directory of .yaml/.yml/.json files, or - for the standard input; repeatable."
          + " With --cluster: the change, applied to the live estate as kubectl apply would.")
  List<Path> files;

  @Option(names = "--cluster",
      description = "Start from the live estate of the kubeconfig's cluster (its pools, frameworks, Workloads and their"
          + " recorded placements, Namespaces, Nodes; remote pools' Nodes through their kubeconfig Secrets), apply the"
          + " files to it and print what would change against the live placements.")
  boolean cluster;

  @Option(names = "--context", paramLabel = "NAME", description = "With --cluster: the kubeconfig context (default: the current one).")
  String context;

  @Option(names = "--delete", paramLabel = "FILE_OR_DIR",
      description = "With --cluster: objects deleted from the live estate (by kind, namespace and name), as kubectl delete -f would; repeatable.")
  List<Path> deletions = new ArrayList<>();

  @Option(names = "--operator-namespace", paramLabel = "NAMESPACE", defaultValue = "poolbridge-system",
      description = "With --cluster: the operator's namespace, where kubeconfig Secrets without a namespace and the"
          + " poolbridge settings ConfigMap are (default poolbridge-system).")
  String operatorNamespace;

  @Option(names = {"-R", "--recursive"}, description = "Read the directories given with -f and their subdirectories.")
  boolean recursive;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default), json or yaml.")
  Format output;

  @Option(names = "--explain", paramLabel = "WORKLOAD",
      description = "Explain one workload (namespace/name, or name when unique): where each instance goes and why.")
  String explain;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the allocator's agent order (default 0): same input and seed, same result.")
  long seed;

  @Option(names = "--at", paramLabel = "TIME", converter = Times.class,
      description = "Simulate at this time (maintenance windows open then); default: now. E.g. 2026-12-05T23:00:00Z or "
          + "2026-12-05T23:00:00+01:00; without an offset (2026-12-05T23:00, 2026-12-05 23:00) the time is UTC, "
          + "and a date alone (2026-12-05) is its midnight UTC.")
  Instant at;

  @Option(names = "--max-rounds", paramLabel = "ROUNDS", defaultValue = "500", converter = Rounds.class,
      description = "Allocation rounds before giving up on stability, at least 1 (default 500).")
  int maxRounds;

  @Option(names = "--fail-on-pending", description = "Exit with code 3 when some instance would not be placed.")
  boolean failOnPending;

  @Option(names = "--currency", paramLabel = "CURRENCY",
      description = "Base currency in which pools priced in different currencies are compared (ISO 4217, e.g. USD). "
          + "Default: the currency of the priced pools when they all use one; otherwise prices are not compared.")
  String currency;

  @Option(names = "--exchange-rate", paramLabel = "CURRENCY=RATE",
      description = "How much of the base currency one unit of CURRENCY is worth, e.g. EUR=1.08 (1 EUR = 1.08 USD "
          + "with --currency USD); repeatable, needs --currency. A priced pool whose currency has no rate is placed "
          + "as if unpriced, with a warning. Costs are still reported in each pool's own currency.")
  List<String> exchangeRates = new ArrayList<>();

  @Option(names = "--debug", description = "On an internal error, print its stack trace.")
  boolean debug;

  enum Format {
    table,
    json,
    yaml
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ExchangeRates rates = exchangeRates();
    if (cluster) {
      return new ClusterDiff(this).run(out, err, rates);
    }
    if (files == null || files.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '--filename=FILE_OR_DIR'");
    }
    for (String flag : List.of("--context", "--delete")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
        throw new ParameterException(spec.commandLine(), flag + " reads the live estate: it needs --cluster");
      }
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--operator-namespace")) {
      throw new ParameterException(spec.commandLine(), "--operator-namespace reads the live estate: it needs --cluster");
    }
    SimulationOutcome outcome;
    try {
      outcome = engine.simulate(files, recursive, seed, at == null ? Instant.now() : at, rates, maxRounds);
    } catch (EstateLoader.InvalidInputException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return INVALID_INPUT;
    }
    Object result = outcome;
    if (explain != null) {
      WorkloadPlacement w = find(outcome, explain);
      result = w;
      if (output == Format.table) {
        out.print(explainText(outcome, w));
      }
    } else if (output == Format.table) {
      out.print(tables(outcome));
    }
    if (output != Format.table) {
      out.print(render(result, output));
    }
    out.flush();
    List<String> placeable = outcome.events().stream().filter(e -> e.contains(": not stable: ")).toList();
    if (!outcome.stable() && !placeable.isEmpty()) {
      // The check behind "stable" found an instance that fits but was left pending: a defect.
      err.println("error: placement settled with instances pending that fit on a node (" + placeable.size()
          + " workloads; see the events), which poolbridge should never do: please report it with this input");
      err.flush();
    } else if (!outcome.stable()) {
      err.println("error: placement was still changing after " + outcome.rounds() + " allocation rounds (--max-rounds "
          + maxRounds + "); the result above may not be final: raise --max-rounds");
      err.flush();
      return NOT_STABLE;
    }
    long pendingWorkloads = outcome.workloads().stream().filter(w -> !w.pending().isEmpty()).count();
    if (failOnPending && pendingWorkloads > 0) {
      int pending = outcome.workloads().stream().mapToInt(w -> w.pending().size()).sum();
      err.println("error: " + pending + (pending == 1 ? " instance" : " instances") + " of " + pendingWorkloads
          + (pendingWorkloads == 1 ? " workload" : " workloads") + " would stay pending (--fail-on-pending)");
      err.flush();
      return PENDING;
    }
    return 0;
  }

  /** {@code --max-rounds}: a whole number of at least 1. */
  static final class Rounds implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int rounds;
      try {
        rounds = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException(value + ": not a whole number of rounds, e.g. 500");
      }
      if (rounds < 1) {
        throw new TypeConversionException(value + ": must be at least 1");
      }
      return rounds;
    }
  }

  /**
   * {@code --at} as people type it: RFC 3339 with an offset ({@code 2026-12-05T23:00:00Z}, {@code
   * 2026-12-05T23:00:00+01:00}), or without one, then UTC ({@code 2026-12-05T23:00}, {@code
   * 2026-12-05 23:00}, seconds optional), or a date alone, its midnight UTC. {@code T}/{@code Z} in
   * either case.
   */
  static final class Times implements ITypeConverter<Instant> {
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
        .parseCaseInsensitive()
        .append(DateTimeFormatter.ISO_LOCAL_DATE)
        .appendLiteral('T')
        .append(DateTimeFormatter.ISO_LOCAL_TIME)
        .optionalStart().appendOffsetId().optionalEnd()
        .toFormatter(Locale.ROOT)
        .withResolverStyle(ResolverStyle.STRICT)
        .withChronology(IsoChronology.INSTANCE);

    @Override
    public Instant convert(String value) {
      String text = value.trim();
      try {
        if (text.length() == 10) {
          return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        if (text.length() > 10 && text.charAt(10) == ' ') {
          text = text.substring(0, 10) + 'T' + text.substring(11);
        }
        TemporalAccessor parsed = DATE_TIME.parseBest(text, OffsetDateTime::from, LocalDateTime::from);
        return parsed instanceof OffsetDateTime odt ? odt.toInstant() : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
      } catch (DateTimeException e) {
        throw new TypeConversionException("'" + value + "' is not a date or time; write e.g. 2026-12-05T23:00:00Z, "
            + "2026-12-05T23:00:00+01:00, 2026-12-05 23:00 (UTC) or 2026-12-05 (midnight UTC)");
      }
    }
  }

  /** The base currency and rates of the command line; a bad one is a usage error (exit code 2). */
  private ExchangeRates exchangeRates() {
    if (currency == null) {
      if (!exchangeRates.isEmpty()) {
        throw new ParameterException(spec.commandLine(),
            "--exchange-rate needs --currency: the base currency the rates convert to, e.g. --currency USD");
      }
      return ExchangeRates.NONE;
    }
    try {
      return ExchangeRates.parse(currency, exchangeRates);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(),
          "Invalid --currency or --exchange-rate: " + e.getMessage());
    }
  }

  /** The workload {@code --explain} names; a usage error naming the candidates when none or several match. */
  private WorkloadPlacement find(SimulationOutcome outcome, String name) {
    List<String> matches = new ArrayList<>();
    WorkloadPlacement found = null;
    for (WorkloadPlacement w : outcome.workloads()) {
      if (w.key().equals(name) || (!name.contains("/") && w.name().equals(name))) {
        matches.add(w.key());
        found = w;
      }
    }
    if (matches.size() == 1) {
      return found;
    }
    String problem;
    if (matches.isEmpty()) {
      List<String> all = outcome.workloads().stream().map(WorkloadPlacement::key).sorted().toList();
      problem = "no workload " + name + " in the input; " + (all.isEmpty() ? "it has no workloads"
          : "its workloads are " + String.join(", ", all.subList(0, Math.min(all.size(), 20)))
              + (all.size() > 20 ? " and " + (all.size() - 20) + " more" : ""));
    } else {
      problem = name + " names " + matches.size() + " workloads: " + String.join(", ", matches.stream().sorted().toList())
          + "; give one as namespace/name";
    }
    throw new ParameterException(spec.commandLine(), "Invalid value for option '--explain': " + problem);
  }

  static String render(Object value, Format format) {
    ObjectMapper mapper = format == Format.yaml
        ? new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
        // JSON escapes what is not ASCII (\u00EB), so no pipeline's charset can mangle it.
        : JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    try {
      String text = mapper.writeValueAsString(value);
      return text.endsWith("\n") ? text : text + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String tables(SimulationOutcome o) {
    StringBuilder sb = new StringBuilder();
    List<String> resources = new ArrayList<>();
    o.pools().stream().findFirst().ifPresent(p -> resources.addAll(p.capacity().keySet()));
    for (Pool p : o.pools()) {
      p.capacity().keySet().stream().filter(r -> !resources.contains(r)).forEach(resources::add);
    }
    List<String> header = new ArrayList<>(List.of("POOL", "PROVIDER", "REGION", "NODES", "READY"));
    resources.forEach(r -> header.add(label(r) + " ALLOC/TOTAL (AVAIL)"));
    Table pools = new Table(header.toArray(String[]::new));
    for (Pool p : o.pools()) {
      List<Object> row = new ArrayList<>(List.of(p.name(), p.provider(), p.region(), p.nodes(), p.ready()));
      // TOTAL is every node's capacity; AVAIL what is free on the nodes that can take new work.
      resources.forEach(r -> row.add(p.capacity().containsKey(r)
          ? p.allocated().get(r) + "/" + p.capacity().get(r) + " (" + p.available().get(r) + ")"
          : "-"));
      pools.row(row.toArray());
    }
    sb.append(pools.render()).append('\n');

    Table frameworks = new Table("FRAMEWORK", "TYPE", "ROLE", "WEIGHT", "CPU", "MEMORY", "SHARE", "WEIGHTED", "GUARANTEED", "PENDING");
    for (FrameworkUse f : o.frameworks()) {
      frameworks.row(f.name(), f.type(), f.role(), number(f.weight()), f.allocated().get("cpu"), f.allocated().get("memory"),
          String.format(Locale.ROOT, "%.3f", f.dominantShare()), String.format(Locale.ROOT, "%.3f", f.weightedShare()),
          f.guaranteeMet() ? "yes" : "no", f.pendingInstances());
    }
    sb.append(frameworks.render()).append('\n');

    Table workloads = new Table("WORKLOAD", "KIND", "FRAMEWORK", "PLACED", "WHERE", "COST/H", "WHY NOT");
    for (WorkloadPlacement w : o.workloads()) {
      workloads.row(w.key(), w.kind(), w.framework(), w.placed() + "/" + w.instances(), where(w), cost(w.costPerHour()),
          whyNot(w));
    }
    sb.append(workloads.render());
    List<WorkloadPlacement> scheduled = o.workloads().stream().filter(w -> w.nextRun() != null).toList();
    if (!scheduled.isEmpty()) {
      // A scheduled Job with no run recorded waits for its first run, as the operator has it.
      Table runs = new Table("SCHEDULED JOB", "SCHEDULE", "NEXT RUN (UTC)", "LOCAL TIME");
      for (WorkloadPlacement w : scheduled) {
        SimulationOutcome.NextRun n = w.nextRun();
        runs.row(w.key(), n.schedule(), n.at() == null ? n.note() : n.at(), n.local() == null ? "-" : n.local());
      }
      sb.append('\n').append(runs.render());
    }
    if (o.draining() != null) {
      sb.append('\n');
      for (SimulationOutcome.Drain d : o.draining()) {
        sb.append("draining ahead of maintenance: node ").append(d.node()).append(" of pool ").append(d.pool())
            .append(", window at ").append(d.windowStart()).append(" (").append(d.reason()).append(")");
        sb.append(d.moved().isEmpty() ? "; nothing moved" : "; moved: " + String.join(", ", d.moved()));
        if (!d.staying().isEmpty()) {
          sb.append("; running there until it opens: ").append(String.join(", ", d.staying()));
        }
        sb.append('\n');
      }
    }
    if (!o.warnings().isEmpty()) {
      sb.append('\n');
      o.warnings().forEach(warning -> sb.append("warning: ").append(warning).append('\n'));
    }
    sb.append('\n').append(o.stable() ? "Stable" : "NOT stable").append(" after ").append(o.rounds())
        .append(" allocation rounds (seed ").append(o.seed()).append(", at ").append(o.at()).append(").\n");
    return sb.toString();
  }

  /** Prices per currency, e.g. {@code 2.43 EUR + 1.05 USD}. */
  private static String cost(Map<String, Double> byCurrency) {
    if (byCurrency == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    byCurrency.forEach((currency, price) -> parts.add(String.format(Locale.ROOT, "%.2f %s", price, currency)));
    return String.join(" + ", parts);
  }

  private static String label(String resource) {
    return switch (resource) {
      case "cpu" -> "CPU";
      case "memory" -> "MEMORY";
      default -> resource.substring(resource.lastIndexOf('/') + 1).toUpperCase(Locale.ROOT);
    };
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Where the placed instances run, as pool×count. */
  private static String where(WorkloadPlacement w) {
    Map<String, Integer> byPool = new TreeMap<>();
    w.placements().forEach(i -> byPool.merge(i.pool(), 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    byPool.forEach((pool, n) -> parts.add(pool + "×" + n));
    return String.join(", ", parts);
  }

  /** The most common reason among pending instances, with how many share it. */
  private static String whyNot(WorkloadPlacement w) {
    if (w.pending().isEmpty()) {
      return w.nextRun() != null && w.placed() == 0 ? "waiting for its next scheduled run" : "";
    }
    Map<String, Integer> counts = new TreeMap<>();
    w.pending().forEach(p -> counts.merge(p.message(), 1, Integer::sum));
    var top = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    return top.getValue() + " pending: " + top.getKey() + (counts.size() > 1 ? " (+" + (counts.size() - 1) + " more reasons)" : "");
  }

  /** {@code cpu 8, memory 48Gi}. */
  private static String shortOf(Map<String, String> amounts) {
    List<String> parts = new ArrayList<>();
    amounts.forEach((resource, amount) -> parts.add(resource + " " + amount));
    return String.join(", ", parts);
  }

  static String explainText(SimulationOutcome o, WorkloadPlacement w) {
    StringBuilder sb = new StringBuilder();
    sb.append("Workload ").append(w.key()).append(": ").append(w.kind()).append(" through framework ").append(w.framework())
        .append('\n');
    o.frameworks().stream().filter(f -> f.name().equals(w.framework())).findFirst().ifPresent(f ->
        sb.append("  Framework ").append(f.name()).append(": role ").append(f.role()).append(", weight ").append(number(f.weight()))
            .append(", dominant share ").append(String.format(Locale.ROOT, "%.3f", f.dominantShare()))
            .append(", guarantee ").append(f.guaranteeMet() ? "met" : "not met")
            .append(f.guaranteeShortOf() == null ? "" : ": short of " + shortOf(f.guaranteeShortOf()))
            .append(", ").append(f.pendingInstances()).append(f.pendingInstances() == 1 ? " instance" : " instances")
            .append(" pending").append('\n'));
    sb.append("  Placed ").append(w.placed()).append(" of ").append(w.instances());
    if (w.costPerHour() != null) {
      sb.append(", ").append(cost(w.costPerHour())).append(" per hour");
    }
    sb.append('\n');
    if (!w.placements().isEmpty()) {
      sb.append("  Placed:\n");
      Table t = new Table("INSTANCE", "NODE", "POOL", "ZONE", "RESOURCES", "REVOCABLE", "COST/H");
      for (Instance i : w.placements()) {
        t.row(i.id(), i.node(), i.pool(), i.zone(), i.resources().toString().replace("=", ": "), i.revocable() ? "yes" : "no",
            i.costPerHour());
      }
      sb.append(t.render().indent(4));
    }
    if (!w.pending().isEmpty()) {
      sb.append("  Pending:\n");
      Table t = new Table("INSTANCE", "REASON", "WHAT TO DO ABOUT IT");
      for (Pending p : w.pending()) {
        t.row(p.id(), p.reason(), p.message());
      }
      sb.append(t.render().indent(4));
    }
    List<String> events = o.events().stream().filter(e -> e.contains(w.name())).toList();
    if (!events.isEmpty()) {
      sb.append("  Events:\n");
      events.forEach(e -> sb.append("    ").append(e).append('\n'));
    }
    return sb.toString();
  }
}
