package io.poolbridge.benchmarks.placement;

import com.netflix.fenzo.ConstraintEvaluator;
import com.netflix.fenzo.SchedulingResult;
import com.netflix.fenzo.TaskAssignmentResult;
import com.netflix.fenzo.TaskRequest;
import com.netflix.fenzo.TaskScheduler;
import com.netflix.fenzo.TaskTracker;
import com.netflix.fenzo.TaskTrackerState;
import com.netflix.fenzo.VMAssignmentResult;
import com.netflix.fenzo.VMTaskFitnessCalculator;
import com.netflix.fenzo.VirtualMachineCurrentState;
import com.netflix.fenzo.VirtualMachineLease;
import com.netflix.fenzo.functions.Action2;
import com.netflix.fenzo.functions.Func1;
import com.netflix.fenzo.plugins.BalancedHostAttrConstraint;
import com.netflix.fenzo.plugins.HostAttrValueConstraint;
import com.netflix.fenzo.plugins.SpreadingFitnessCalculators;
import com.netflix.fenzo.plugins.UniqueHostAttrConstraint;
import io.poolbridge.benchmarks.placement.PlacementEstate.Node;
import io.poolbridge.benchmarks.placement.PlacementEstate.Rule;
import io.poolbridge.benchmarks.placement.PlacementEstate.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.mesos.Protos;

/**
 * Netflix Fenzo (fenzo-core), driven as its documentation shows: a {@link TaskScheduler} with its
 * default fitness calculator (what {@code PlacementBenchmark} measures) or the cpu+memory spreading
 * one (poolbridge's workloads spread; {@code PlacementMain fenzo-spread}), one {@link
 * VirtualMachineLease} per node (its whole capacity, as a Mesos offer would be), one {@link
 * TaskRequest} per instance, and one {@code scheduleOnce} per round, after which every assignment
 * is recorded with the scheduler's task assigner (as a framework does when it launches them).
 *
 * <p>Constraints map onto Fenzo's plugins where one corresponds: {@code hostname UNIQUE} is
 * {@link UniqueHostAttrConstraint}, {@code pool IS} is {@link HostAttrValueConstraint}, {@code zone
 * GROUP_BY} is {@link BalancedHostAttrConstraint} over the 3 zones. Fenzo has no regex or per-value
 * maximum: {@code LIKE} and {@code MAX_PER} are {@link ConstraintEvaluator}s written here the way
 * Fenzo's own plugins are (the co-tasks of the group looked up in the task tracker). Weights:
 * Fenzo has no weighted sharing in {@code scheduleOnce}; the tasks are listed round-robin over the
 * frameworks, in each framework workloads by priority as poolbridge orders them, so no framework
 * goes first. The estate holds every framework's demand, so weights decide no placement here.
 */
public final class FenzoRound {
  private final PlacementEstate estate;
  private final TaskScheduler scheduler;
  private final List<VirtualMachineLease> leases = new ArrayList<>();
  private final List<Task> tasks = new ArrayList<>();
  private final Map<String, Integer> nodeIndex = new HashMap<>();
  private final Map<String, Integer> placement = new HashMap<>();
  private int rounds;

  /**
   * @param spread with Fenzo's cpu+memory spreading fitness calculator (every VM evaluated for
   *     every task, as Fenzo's default "fitness good enough" never stops early); without it, Fenzo's
   *     default fitness calculator
   */
  public FenzoRound(PlacementEstate estate, boolean spread) {
    this.estate = estate;
    TaskScheduler.Builder builder = new TaskScheduler.Builder()
        .withLeaseOfferExpirySecs(1_000_000)
        .withLeaseRejectAction(lease -> {});
    if (spread) {
      builder.withFitnessCalculator(SpreadingFitnessCalculators.cpuMemSpreader);
    }
    this.scheduler = builder.build();
    for (Node n : estate.nodes) {
      leases.add(new Lease(n));
      nodeIndex.put(n.id(), n.index());
    }
    Map<String, List<Task>> byFramework = new HashMap<>();
    for (Workload w : estate.workloads) {
      Set<String> group = Set.copyOf(w.instanceIds());
      Func1<String, Set<String>> coTasksGetter = id -> group;
      List<ConstraintEvaluator> hard = w.rule() == null ? List.of() : List.of(constraint(w.rule(), coTasksGetter));
      for (String id : w.instanceIds()) {
        byFramework.computeIfAbsent(w.framework().id(), k -> new ArrayList<>()).add(new Task(id, w.key(), hard));
      }
    }
    // Round-robin over the frameworks; within one, workloads by priority (higher first).
    List<List<Task>> perFramework = new ArrayList<>();
    for (var f : estate.frameworks) {
      List<Task> list = byFramework.get(f.id());
      List<Workload> ordered = estate.workloads.stream().filter(w -> w.framework() == f)
          .sorted((a, b) -> Integer.compare(b.priority(), a.priority())).toList();
      List<Task> sorted = new ArrayList<>();
      for (Workload w : ordered) {
        list.stream().filter(t -> t.group.equals(w.key())).forEach(sorted::add);
      }
      perFramework.add(sorted);
    }
    for (int i = 0; ; i++) {
      boolean any = false;
      for (List<Task> l : perFramework) {
        if (i < l.size()) {
          tasks.add(l.get(i));
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
  }

  private static ConstraintEvaluator constraint(Rule r, Func1<String, Set<String>> coTasks) {
    return switch (r.op()) {
      case UNIQUE -> "hostname".equals(r.attribute())
          ? new UniqueHostAttrConstraint(coTasks)
          : new UniqueHostAttrConstraint(coTasks, r.attribute());
      case IS -> new HostAttrValueConstraint(r.attribute(), taskId -> r.value());
      case GROUP_BY -> new BalancedHostAttrConstraint(coTasks, r.attribute(), PlacementEstate.ZONES.size());
      case LIKE -> new LikeConstraint(r.attribute(), Pattern.compile(r.value()));
      case MAX_PER -> new MaxPerConstraint(coTasks, r.attribute(), Integer.parseInt(r.value()));
    };
  }

  /** Rounds of {@code scheduleOnce} until every task is placed or a round places none. */
  public int placeAll(int maxRounds) {
    List<VirtualMachineLease> newLeases = leases;
    List<Task> pending = tasks;
    Action2<TaskRequest, String> assigner = scheduler.getTaskAssigner();
    while (!pending.isEmpty() && rounds < maxRounds) {
      rounds++;
      SchedulingResult result = scheduler.scheduleOnce(pending, newLeases);
      newLeases = List.of();
      if (!result.getExceptions().isEmpty()) {
        throw new IllegalStateException("Fenzo failed", result.getExceptions().get(0));
      }
      int placed = 0;
      for (VMAssignmentResult vm : result.getResultMap().values()) {
        for (TaskAssignmentResult t : vm.getTasksAssigned()) {
          assigner.call(t.getRequest(), vm.getHostname());
          placement.put(t.getTaskId(), nodeIndex.get(vm.getHostname()));
          placed++;
        }
      }
      if (placed == 0) {
        break;
      }
      pending = pending.stream().filter(t -> !placement.containsKey(t.id)).toList();
    }
    return rounds;
  }

  public Map<String, Integer> placement() {
    return placement;
  }

  public int rounds() {
    return rounds;
  }

  public void shutdown() {
    scheduler.shutdown();
  }

  /** One node's whole capacity, as one Mesos offer. */
  private static final class Lease implements VirtualMachineLease {
    private final Node node;
    private final Protos.Offer offer;
    private final Map<String, Protos.Attribute> attributes = new HashMap<>();

    Lease(Node node) {
      this.node = node;
      node.attributes().forEach((k, v) -> attributes.put(k, Protos.Attribute.newBuilder()
          .setName(k).setType(Protos.Value.Type.TEXT).setText(Protos.Value.Text.newBuilder().setValue(v)).build()));
      this.offer = Protos.Offer.newBuilder()
          .setId(Protos.OfferID.newBuilder().setValue("offer-" + node.id()))
          .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("bench"))
          .setSlaveId(Protos.SlaveID.newBuilder().setValue(node.id()))
          .setHostname(node.id())
          .addAllAttributes(attributes.values())
          .build();
    }

    @Override
    public String getId() {
      return "offer-" + node.id();
    }

    @Override
    public long getOfferedTime() {
      return 0;
    }

    @Override
    public String hostname() {
      return node.id();
    }

    @Override
    public String getVMID() {
      return node.id();
    }

    @Override
    public double cpuCores() {
      return PlacementEstate.NODE_CPU_MILLIS / 1000.0;
    }

    @Override
    public double memoryMB() {
      return PlacementEstate.NODE_MEMORY_MIB;
    }

    @Override
    public double networkMbps() {
      return 0;
    }

    @Override
    public double diskMB() {
      return 0;
    }

    @Override
    public List<Range> portRanges() {
      return List.of();
    }

    @Override
    public Protos.Offer getOffer() {
      return offer;
    }

    @Override
    public Map<String, Protos.Attribute> getAttributeMap() {
      return attributes;
    }

    @Override
    public Double getScalarValue(String name) {
      return null;
    }

    @Override
    public Map<String, Double> getScalarValues() {
      return Map.of();
    }
  }

  /** One instance. */
  private static final class Task implements TaskRequest {
    final String id;
    final String group;
    final List<ConstraintEvaluator> hard;
    private AssignedResources assigned;

    Task(String id, String group, List<ConstraintEvaluator> hard) {
      this.id = id;
      this.group = group;
      this.hard = hard;
    }

    @Override
    public String getId() {
      return id;
    }

    @Override
    public String taskGroupName() {
      return group;
    }

    @Override
    public double getCPUs() {
      return PlacementEstate.INSTANCE_CPU_MILLIS / 1000.0;
    }

    @Override
    public double getMemory() {
      return PlacementEstate.INSTANCE_MEMORY_MIB;
    }

    @Override
    public double getNetworkMbps() {
      return 0;
    }

    @Override
    public double getDisk() {
      return 0;
    }

    @Override
    public int getPorts() {
      return 0;
    }

    @Override
    public Map<String, Double> getScalarRequests() {
      return Map.of();
    }

    @Override
    public Map<String, NamedResourceSetRequest> getCustomNamedResources() {
      return Map.of();
    }

    @Override
    public List<? extends ConstraintEvaluator> getHardConstraints() {
      return hard;
    }

    @Override
    public List<? extends VMTaskFitnessCalculator> getSoftConstraints() {
      return List.of();
    }

    @Override
    public void setAssignedResources(AssignedResources assignedResources) {
      this.assigned = assignedResources;
    }

    @Override
    public AssignedResources getAssignedResources() {
      return assigned;
    }
  }

  private static String valueOf(VirtualMachineLease lease, String name) {
    Protos.Attribute a = lease.getAttributeMap().get(name);
    return a == null ? null : a.getText().getValue();
  }

  /** The node's value of an attribute fully matches a regular expression (Marathon's LIKE). */
  private record LikeConstraint(String attribute, Pattern pattern) implements ConstraintEvaluator {
    @Override
    public String getName() {
      return attribute + " LIKE " + pattern;
    }

    @Override
    public Result evaluate(TaskRequest task, VirtualMachineCurrentState vm, TaskTrackerState tracker) {
      String v = valueOf(vm.getCurrAvailableResources(), attribute);
      boolean ok = v != null && pattern.matcher(v).matches();
      return new Result(ok, ok ? "" : attribute + " " + v + " does not match " + pattern);
    }
  }

  /**
   * At most {@code max} tasks of the group per value of an attribute (Marathon's MAX_PER), counting
   * the group's running and assigned tasks as Fenzo's UniqueHostAttrConstraint does.
   */
  private record MaxPerConstraint(Func1<String, Set<String>> coTasks, String attribute, int max)
      implements ConstraintEvaluator {
    @Override
    public String getName() {
      return attribute + " MAX_PER " + max;
    }

    @Override
    public Result evaluate(TaskRequest task, VirtualMachineCurrentState vm, TaskTrackerState tracker) {
      String value = valueOf(vm.getCurrAvailableResources(), attribute);
      int count = 0;
      for (String co : coTasks.call(task.getId())) {
        TaskTracker.ActiveTask t = tracker.getAllRunningTasks().get(co);
        if (t == null) {
          t = tracker.getAllCurrentlyAssignedTasks().get(co);
        }
        if (t != null && value != null && value.equals(valueOf(t.getTotalLease(), attribute))) {
          count++;
        }
      }
      boolean ok = count < max;
      return new Result(ok, ok ? "" : attribute + " " + value + " already has " + count + " tasks of the group");
    }
  }
}
