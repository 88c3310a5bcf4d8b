package io.poolbridge.cli;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code poolbridge simulate}: the what-if a GitOps pipeline runs before merging. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the allocator and the framework schedulers over the ResourcePools, Frameworks and Workloads",
      "in the given YAML (what you would kubectl apply) until placement is stable, and prints where every",
      "instance would run and why the others would not. Nodes of Kubernetes-source pools are the v1 Node",
      "documents (or a v1 List of them, as kubectl get nodes -o yaml prints) in the same input."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:simulated",
      "1:invalid input (the message names the file, the document and the field)",
      "2:invalid command line",
      "3:with --fail-on-pending: some instance would not be placed"
    })
public final class SimulateCommand implements Callable<Integer> {
  /** The exit code of {@code --fail-on-pending} when some instance would stay pending. */
  public static final int PENDING = 3;

  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE_OR_DIR",
      description = "YAML or JSON file, directory of .yaml/.yml/.json files, or - for the standard input; repeatable.")
  List<Path> files;

  @Option(names = {"-R", "--recursive"}, description = "Read the directories given with -f and their subdirectories.")
  boolean recursive;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default), json or yaml.")
  Format output;

  @Option(names = "--explain", paramLabel = "WORKLOAD",
      description = "Explain one workload (namespace/name, or name when unique): where each instance goes and why.")
  String explain;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the allocator's agent order (default 0): same input and seed, same result.")
  long seed;

  @Option(names = "--at", paramLabel = "TIME",
      description = "Simulate at this RFC 3339 time (maintenance windows open then); default: now.")
  Instant at;

  @Option(names = "--max-rounds", defaultValue = "500", description = "Allocation rounds before giving up on stability (default 500).")
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
    SimulationOutcome outcome;
    try {
      EstateLoader.Input input = new EstateLoader().recursive(recursive).load(files);
      outcome = new EstateSimulation(input, seed, at == null ? Instant.now() : at, rates).run(maxRounds);
    } catch (EstateLoader.InvalidInputException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return 1;
    }
    Object result = outcome;
    if (explain != null) {
      WorkloadPlacement w = find(outcome, explain);
      if (w == null) {
        err.println("error: no workload " + explain + " in the input");
        err.flush();
        return 1;
      }
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
    boolean pending = outcome.workloads().stream().anyMatch(w -> !w.pending().isEmpty());
    return failOnPending && pending ? PENDING : 0;
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

  private static WorkloadPlacement find(SimulationOutcome outcome, String name) {
    List<WorkloadPlacement> matches = new ArrayList<>();
    for (WorkloadPlacement w : outcome.workloads()) {
      if (w.key().equals(name) || (!name.contains("/") && w.name().equals(name))) {
        matches.add(w);
      }
    }
    return matches.size() == 1 ? matches.get(0) : null;
  }

  static String render(Object value, Format format) {
    ObjectMapper mapper = format == Format.yaml
        ? new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
        : JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
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
      return "";
    }
    Map<String, Integer> counts = new TreeMap<>();
    w.pending().forEach(p -> counts.merge(p.message(), 1, Integer::sum));
    var top = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    return top.getValue() + " pending: " + top.getKey() + (counts.size() > 1 ? " (+" + (counts.size() - 1) + " more reasons)" : "");
  }

  static String explainText(SimulationOutcome o, WorkloadPlacement w) {
    StringBuilder sb = new StringBuilder();
    sb.append("Workload ").append(w.key()).append(": ").append(w.kind()).append(" through framework ").append(w.framework())
        .append('\n');
    o.frameworks().stream().filter(f -> f.name().equals(w.framework())).findFirst().ifPresent(f ->
        sb.append("  Framework ").append(f.name()).append(": role ").append(f.role()).append(", weight ").append(number(f.weight()))
            .append(", dominant share ").append(String.format(Locale.ROOT, "%.3f", f.dominantShare()))
            .append(", guarantee ").append(f.guaranteeMet() ? "met" : "NOT met")
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
