package io.poolbridge.allocator;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The resource names an allocator works with, each at a fixed index of every {@link Resources}
 * vector. Amounts are whole numbers in the resource's base unit: cpu in millicores, memory and
 * storage in bytes, GPUs and other extended resources as counts. Converting Kubernetes quantities
 * to these units happens at the boundary, not here.
 *
 * <p>A resource may be excluded from fairness (Mesos' {@code --fair_sharing_excluded_resource_names},
 * typically GPUs): it is still allocated and accounted, but does not count in dominant shares.
 */
public final class ResourceSchema {
  private final String[] names;
  private final Map<String, Integer> index;
  private final boolean[] fairnessExcluded;

  private ResourceSchema(String[] names, boolean[] fairnessExcluded) {
    this.names = names;
    this.fairnessExcluded = fairnessExcluded;
    this.index = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      if (index.put(names[i], i) != null) {
        throw new IllegalArgumentException("duplicate resource name " + names[i]);
      }
    }
  }

  /** A schema of the given names, in order, none excluded from fairness. */
  public static ResourceSchema of(String... names) {
    return new ResourceSchema(names.clone(), new boolean[names.length]);
  }

  /** A schema of the given names, in iteration order. */
  public static ResourceSchema of(Collection<String> names) {
    return of(new LinkedHashSet<>(names).toArray(String[]::new));
  }

  /** This schema, with the named resources excluded from fairness. */
  public ResourceSchema withFairnessExcluded(Set<String> excluded) {
    boolean[] flags = new boolean[names.length];
    for (String name : excluded) {
      flags[indexOf(name)] = true;
    }
    return new ResourceSchema(names, flags);
  }

  /**
   * This schema with {@code more} names appended, in order (names it knows already are left out),
   * none of them excluded from fairness.
   */
  public ResourceSchema extendedWith(Collection<String> more) {
    List<String> all = new java.util.ArrayList<>(List.of(names));
    for (String name : more) {
      if (!contains(name) && !all.contains(name)) {
        all.add(name);
      }
    }
    if (all.size() == names.length) {
      return this;
    }
    boolean[] flags = Arrays.copyOf(fairnessExcluded, all.size());
    return new ResourceSchema(all.toArray(String[]::new), flags);
  }

  /**
   * Whether {@code wider} starts with this schema: the same names at the same indexes, with the
   * same fairness exclusions (it may have more names after them).
   */
  public boolean isPrefixOf(ResourceSchema wider) {
    if (wider.names.length < names.length) {
      return false;
    }
    for (int i = 0; i < names.length; i++) {
      if (!names[i].equals(wider.names[i]) || fairnessExcluded[i] != wider.fairnessExcluded[i]) {
        return false;
      }
    }
    return true;
  }

  /** The number of resources, i.e. the length of every vector of this schema. */
  public int size() {
    return names.length;
  }

  /** The index of {@code name}; throws when the schema does not know it. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    if (i == null) {
      throw new IllegalArgumentException("unknown resource " + name + "; known: " + Arrays.toString(names));
    }
    return i;
  }

  /** Whether the schema knows {@code name}. */
  public boolean contains(String name) {
    return index.containsKey(name);
  }

  /** The name at index {@code i}. */
  public String name(int i) {
    return names[i];
  }

  /** All names, in index order. */
  public List<String> names() {
    return List.of(names);
  }

  /** Whether the resource at {@code i} is excluded from fairness. */
  public boolean fairnessExcluded(int i) {
    return fairnessExcluded[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceSchema s
        && Arrays.equals(names, s.names)
        && Arrays.equals(fairnessExcluded, s.fairnessExcluded);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(names), Arrays.hashCode(fairnessExcluded));
  }

  @Override
  public String toString() {
    return Arrays.toString(names);
  }
}
