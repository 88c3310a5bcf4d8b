package io.poolbridge.scheduler;

import io.poolbridge.allocator.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The instances of one workload still waiting for a node.
 *
 * @param key the workload, {@code namespace/name}
 * @param frameworkId the framework whose offers it uses
 * @param instanceIds the pending instances, in the order they are placed
 * @param resources what each instance needs; for {@link WorkloadKind#NODE_LEASE}, the smallest node total it accepts
 * @param constraints all must hold
 * @param priority higher goes first, and may preempt lower
 * @param created creation order (e.g. epoch milliseconds): lower is older and goes first among equal priorities
 * @param gang all pending instances are placed in the same call, or none
 * @param strategy which feasible node it prefers once cost has spoken
 * @param preemptible whether a higher-priority instance may evict its instances
 * @param revocableOk whether it accepts revocable (borrowed) capacity
 * @param kind what it runs
 */
public record WorkloadDemand(
    String key,
    String frameworkId,
    List<String> instanceIds,
    Resources resources,
    List<Constraint> constraints,
    int priority,
    long created,
    boolean gang,
    Strategy strategy,
    boolean preemptible,
    boolean revocableOk,
    WorkloadKind kind) {

  /** Scheduling order: priority (higher first), then age (older first), then key. */
  public static final Comparator<WorkloadDemand> ORDER =
      Comparator.comparingInt(WorkloadDemand::priority).reversed()
          .thenComparingLong(WorkloadDemand::created)
          .thenComparing(WorkloadDemand::key);

  public WorkloadDemand {
    Objects.requireNonNull(key, "key");
    if (key.indexOf('/') <= 0 || key.indexOf('/') == key.length() - 1) {
      throw new IllegalArgumentException("workload key must be namespace/name: " + key);
    }
    Objects.requireNonNull(frameworkId, "frameworkId");
    Objects.requireNonNull(resources, "resources");
    instanceIds = List.copyOf(instanceIds);
    if (new HashSet<>(instanceIds).size() != instanceIds.size()) {
      throw new IllegalArgumentException("workload " + key + " lists an instance twice");
    }
    constraints = List.copyOf(constraints);
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(kind, "kind");
  }

  /** The same workload with only the given instances pending. */
  public WorkloadDemand withInstances(List<String> ids) {
    return new WorkloadDemand(
        key, frameworkId, ids, resources, constraints, priority, created, gang, strategy, preemptible, revocableOk, kind);
  }

  /** The same workload with other constraints. */
  public WorkloadDemand withConstraints(List<Constraint> other) {
    return new WorkloadDemand(
        key, frameworkId, instanceIds, resources, other, priority, created, gang, strategy, preemptible, revocableOk, kind);
  }

  /** The same workload with its resources in a wider schema (one the schema grew into). */
  public WorkloadDemand widen(io.poolbridge.allocator.ResourceSchema wider) {
    return resources.schema().equals(wider) ? this : new WorkloadDemand(
        key, frameworkId, instanceIds, resources.widen(wider), constraints, priority, created, gang, strategy, preemptible,
        revocableOk, kind);
  }

  /** A builder for a workload of {@code key} through {@code frameworkId}: one service instance, spread. */
  public static Builder builder(String key, String frameworkId, Resources resources) {
    return new Builder(key, frameworkId, resources);
  }

  /** Builds a {@link WorkloadDemand}; defaults: service, spread, priority 0, not preemptible. */
  public static final class Builder {
    private final String key;
    private final String frameworkId;
    private final Resources resources;
    private List<String> instanceIds;
    private final List<Constraint> constraints = new ArrayList<>();
    private int priority;
    private long created;
    private boolean gang;
    private Strategy strategy = Strategy.SPREAD;
    private boolean preemptible;
    private boolean revocableOk;
    private WorkloadKind kind = WorkloadKind.SERVICE;

    private Builder(String key, String frameworkId, Resources resources) {
      this.key = key;
      this.frameworkId = frameworkId;
      this.resources = resources;
      instances(1);
    }

    /** Instances {@code <name>-0} to {@code <name>-(n-1)}, where name is the key's name part. */
    public Builder instances(int n) {
      String name = key.substring(key.indexOf('/') + 1);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add(name + "-" + i);
      }
      this.instanceIds = ids;
      return this;
    }

    public Builder instanceIds(List<String> ids) {
      this.instanceIds = ids;
      return this;
    }

    public Builder constraint(Constraint c) {
      constraints.add(c);
      return this;
    }

    public Builder priority(int p) {
      this.priority = p;
      return this;
    }

    public Builder created(long c) {
      this.created = c;
      return this;
    }

    public Builder gang() {
      this.gang = true;
      return this;
    }

    public Builder strategy(Strategy s) {
      this.strategy = s;
      return this;
    }

    public Builder preemptible() {
      this.preemptible = true;
      return this;
    }

    public Builder revocableOk() {
      this.revocableOk = true;
      return this;
    }

    public Builder kind(WorkloadKind k) {
      this.kind = k;
      return this;
    }

    public WorkloadDemand build() {
      return new WorkloadDemand(
          key, frameworkId, instanceIds, resources, constraints, priority, created, gang, strategy, preemptible,
          revocableOk, kind);
    }
  }
}
