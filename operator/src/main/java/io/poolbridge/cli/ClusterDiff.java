package io.poolbridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.scheduler.ExchangeRates;
import io.poolbridge.simulate.EstateSimulation;
import io.poolbridge.simulate.PlacementDiff;
import io.poolbridge.simulate.SimulationOutcome;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.ParameterException;

/**
 * {@code simulate --cluster}: reads the live estate, applies the change files (and the {@code
 * --delete} ones), simulates the changed estate from the live placements (restored, as the
 * operator restores them after a restart) until it settles, and prints the {@link PlacementDiff}
 * against the live placements.
 */
final class ClusterDiff {
  private final SimulateCommand c;

  ClusterDiff(SimulateCommand command) {
    this.c = command;
  }

  int run(PrintWriter out, PrintWriter err, ExchangeRates rates) {
    if (c.explain != null) {
      throw new ParameterException(c.spec.commandLine(), "--explain explains one simulation, not a change: leave out --cluster");
    }
    boolean noFiles = c.files == null || c.files.isEmpty();
    if (noFiles && c.deletions.isEmpty()) {
      throw new ParameterException(c.spec.commandLine(), "--cluster needs the change: -f FILE (to apply) or --delete FILE (to delete)");
    }
    Instant at = c.at == null ? Instant.now() : c.at;
    EstateLoader.Input change;
    EstateLoader.Input deletions;
    try {
      change = noFiles ? null : new EstateLoader().recursive(c.recursive).loadPart(c.files);
      deletions = c.deletions.isEmpty() ? null : new EstateLoader().recursive(c.recursive).loadPart(c.deletions);
    } catch (EstateLoader.InvalidInputException e) {
      return fail(err, e.getMessage(), SimulateCommand.INVALID_INPUT);
    }
    String context = c.context == null || c.context.isBlank() ? null : c.context.trim();
    PlacementDiff diff;
    SimulationOutcome after;
    List<String> notes = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    try (ClusterEstate cluster = ClusterEstate.connect(context)) {
      EstateLoader.Input live = cluster.read();
      ExchangeRates used = rates;
      if (used.base() == null) {
        used = change != null && change.settings() != null ? change.settings().rates()
            : RunCommand.settingsRates(cluster.client(), c.operatorNamespace);
      }
      Overlay.Result merged = Overlay.apply(live, change, deletions, cluster.defaultNamespace());
      Map<String, ResourcePool> pools = new TreeMap<>();
      live.pools().forEach(p -> pools.put(p.object().getMetadata().getName(), p.object()));
      merged.input().pools().forEach(p -> pools.put(p.object().getMetadata().getName(), p.object()));
      ClusterEstate.Remote remote = cluster.remote(pools.values(), c.operatorNamespace);
      List<Workload> recorded = live.workloads().stream().map(EstateLoader.Loaded::object).toList();

      EstateSimulation now = new EstateSimulation(live, c.seed, at, used).restoring(recorded)
          .withClusters(remote.clusterOfPool(), remote.nodesOfCluster());
      // No round: the live placements as recorded, accounted as the operator accounts them (the
      // shares); where instances run is what the statuses say, restored or not.
      SimulationOutcome before = PlacementDiff.asRecorded(now.run(0), recorded);
      EstateSimulation changed = new EstateSimulation(merged.input(), c.seed, at, used).restoring(recorded)
          .withClusters(remote.clusterOfPool(), remote.nodesOfCluster());
      after = changed.run(c.maxRounds);
      diff = PlacementDiff.between(before, after);
      notes.addAll(remote.notes());
      notes.addAll(merged.notes());
      // One note per Workload: how many of its records the engine refused, and the first reason.
      Map<String, List<String>> refusedRecords = new TreeMap<>();
      now.notRestored().forEach(n -> refusedRecords.computeIfAbsent(n.substring(0, n.indexOf(": ")), k -> new ArrayList<>())
          .add(n.substring(n.indexOf(": ") + 2)));
      refusedRecords.forEach((workload, why) -> notes.add(workload + ": " + (why.size() == 1 ? "a recorded placement"
          : why.size() + " recorded placements") + " could not be accounted in the live estate (" + why.get(0)
          + (why.size() > 1 ? "; ..." : "") + ")"));
      after.warnings().stream().filter(w -> !before.warnings().contains(w)).forEach(warnings::add);
    } catch (ClusterEstate.Unreadable e) {
      return fail(err, e.getMessage(), SimulateCommand.CLUSTER_UNREADABLE);
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      return fail(err, "cannot read the cluster: " + e.getMessage().lines().findFirst().orElse(""), SimulateCommand.CLUSTER_UNREADABLE);
    } catch (EstateLoader.InvalidInputException e) {
      return fail(err, e.getMessage(), SimulateCommand.INVALID_INPUT);
    }
    if (c.output == SimulateCommand.Format.table) {
      out.print(text(diff, notes, warnings));
    } else {
      ObjectNode json = JsonMapper.builder().build().valueToTree(diff);
      json.set("notes", json.arrayNode().addAll(notes.stream().map(json::textNode).toList()));
      json.set("warnings", json.arrayNode().addAll(warnings.stream().map(json::textNode).toList()));
      out.print(SimulateCommand.render(json, c.output));
    }
    out.flush();
    if (!after.stable()) {
      return fail(err, "placement was still changing after " + after.rounds() + " allocation rounds (--max-rounds " + c.maxRounds
          + "); the diff above may not be final: raise --max-rounds", SimulateCommand.NOT_STABLE);
    }
    if (c.failOnPending && !diff.pending().isEmpty()) {
      long workloads = diff.pending().stream().map(PlacementDiff.Change::workload).distinct().count();
      int n = diff.pending().size();
      return fail(err, n + (n == 1 ? " instance" : " instances") + " of " + workloads + (workloads == 1 ? " workload" : " workloads")
          + " would stay pending (--fail-on-pending)", SimulateCommand.PENDING);
    }
    return 0;
  }

  private static int fail(PrintWriter err, String message, int code) {
    err.println("error: " + message);
    err.flush();
    return code;
  }

  /**
   * The diff as a reviewer reads it: a section per kind of change (placed, moved, stopped,
   * pending), each a table in Workload and instance order, then the shares that moved; {@code no
   * change} when nothing does. No time, no seed: the same change prints the same text.
   */
  static String text(PlacementDiff d, List<String> notes, List<String> warnings) {
    StringBuilder sb = new StringBuilder();
    if (d.noChange()) {
      sb.append("no change\n");
    }
    section(sb, "placed", d.placed(), new Table("WORKLOAD", "INSTANCE", "BEFORE", "AFTER"),
        ch -> new Object[] {ch.workload(), ch.instance(), ch.before() == null ? "(new)" : ch.before(), ch.after()});
    section(sb, "moved", d.moved(), new Table("WORKLOAD", "INSTANCE", "BEFORE", "AFTER"),
        ch -> new Object[] {ch.workload(), ch.instance(), ch.before(), ch.after()});
    section(sb, "stopped", d.stopped(), new Table("WORKLOAD", "INSTANCE", "BEFORE", "REASON", "MESSAGE"),
        ch -> new Object[] {ch.workload(), ch.instance(), ch.before(), ch.reason(), ch.message()});
    section(sb, d.noChange() ? "pending, as now" : "pending", d.pending(),
        new Table("WORKLOAD", "INSTANCE", "BEFORE", "REASON", "MESSAGE"),
        ch -> new Object[] {ch.workload(), ch.instance(), ch.before() == null ? "(new)" : ch.before(), ch.reason(), ch.message()});
    List<PlacementDiff.Share> moved = d.shares().stream().filter(PlacementDiff.Share::changed).toList();
    if (!moved.isEmpty()) {
      sb.append(sb.length() == 0 ? "" : "\n").append("shares (").append(moved.size()).append(" of ").append(d.shares().size())
          .append(" frameworks changed):\n");
      Table t = new Table("FRAMEWORK", "SHARE BEFORE", "SHARE AFTER", "WEIGHTED BEFORE", "WEIGHTED AFTER");
      moved.forEach(s -> t.row(s.framework(), share(s.shareBefore()), share(s.shareAfter()), share(s.weightedShareBefore()),
          share(s.weightedShareAfter())));
      sb.append(t.render());
    }
    if (!notes.isEmpty() || !warnings.isEmpty()) {
      sb.append('\n');
      notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
      warnings.forEach(w -> sb.append("warning: ").append(w).append('\n'));
    }
    return sb.toString();
  }

  private static void section(StringBuilder sb, String title, List<PlacementDiff.Change> changes, Table table,
      java.util.function.Function<PlacementDiff.Change, Object[]> row) {
    if (changes.isEmpty()) {
      return;
    }
    sb.append(sb.length() == 0 ? "" : "\n").append(title).append(" (").append(changes.size()).append("):\n");
    changes.forEach(ch -> table.row(row.apply(ch)));
    sb.append(table.render());
  }

  private static String share(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
