package io.poolbridge.estate;

import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.api.v1alpha1.Framework;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which Framework owns each role. Several Frameworks may share a role (Mesos: frameworks of one
 * role); the role's weight and quota are then those of its owner, the Framework whose name sorts
 * first, a choice that needs no clock and so is the same in {@code simulate} and in the operator,
 * whatever order the Frameworks were listed or created in. The others are {@linkplain #conflicts()
 * conflicts}, to be reported.
 */
public final class RoleOwnership {
  /** A Framework that shares {@code role} with its {@code owner}, whose weight and quota apply. */
  public record Conflict(String framework, String role, String owner) {
    /** What to tell the user. */
    public String message() {
      return "framework " + framework + " shares role " + role + " with " + owner
          + ": the role's weight and quota are " + owner + "'s";
    }
  }

  private final SortedMap<String, Framework> owners;
  private final List<Conflict> conflicts;

  private RoleOwnership(SortedMap<String, Framework> owners, List<Conflict> conflicts) {
    this.owners = owners;
    this.conflicts = conflicts;
  }

  /** The owners of the roles of {@code frameworks} (their order does not matter). */
  public static RoleOwnership of(Collection<Framework> frameworks) {
    List<Framework> byName = new ArrayList<>(frameworks);
    byName.sort(Comparator.comparing(f -> f.getMetadata().getName()));
    SortedMap<String, Framework> owners = new TreeMap<>();
    List<Conflict> conflicts = new ArrayList<>();
    for (Framework fw : byName) {
      String role = fw.getSpec().role();
      Framework owner = owners.putIfAbsent(role, fw);
      if (owner != null) {
        conflicts.add(new Conflict(fw.getMetadata().getName(), role, owner.getMetadata().getName()));
      }
    }
    return new RoleOwnership(Collections.unmodifiableSortedMap(owners), List.copyOf(conflicts));
  }

  /** The Framework owning each role, by role. */
  public SortedMap<String, Framework> owners() {
    return owners;
  }

  /** The name of the Framework whose weight and quota {@code role} has, or {@code null} when no Framework uses it. */
  public String owner(String role) {
    Framework owner = owners.get(role);
    return owner == null ? null : owner.getMetadata().getName();
  }

  /** Whether the Framework named {@code framework} sets its role's weight and quota. */
  public boolean owns(String framework) {
    return owners.values().stream().anyMatch(f -> f.getMetadata().getName().equals(framework));
  }

  /** The Frameworks that share a role with its owner, in order of name. */
  public List<Conflict> conflicts() {
    return conflicts;
  }

  /** The weight of {@code role}: its owner's {@code spec.weight} (1 when unset, and for a role no Framework uses). */
  public double weight(String role) {
    Framework owner = owners.get(role);
    return owner == null ? 1.0 : owner.getSpec().weightOrDefault();
  }

  /**
   * The quota of {@code role} over {@code schema}: its owner's {@code spec.quota} ({@link
   * Estate#quota}), or {@code null} when the owner sets none or no Framework uses the role.
   */
  public Quota quota(String role, ResourceSchema schema) {
    Framework owner = owners.get(role);
    if (owner == null || owner.getSpec().quota() == null) {
      return null;
    }
    return Estate.quota(schema, owner.getSpec().quota());
  }
}
