/**
 * Level 1 of poolbridge's two-level allocation: the hierarchical, offer-based allocator (what
 * Apache Mesos calls the hierarchical allocator).
 *
 * <p>Plain Java in, decisions out: it imports nothing from Kubernetes, JOSDK or Fabric8 (an
 * ArchUnit test keeps it so). The operator feeds it agents (pool nodes), roles and frameworks from
 * informer caches and writes its decisions back; the {@code simulate} command and the tests drive
 * the very same code.
 *
 * <ul>
 *   <li>{@link io.poolbridge.allocator.ResourceSchema} and {@link io.poolbridge.allocator.Resources}:
 *       fixed-index vectors of scalar resources (cpu in millicores, memory in bytes, counts).
 *   <li>{@link io.poolbridge.allocator.Sorter} (policy): who comes first. {@link
 *       io.poolbridge.allocator.DrfSorter} is hierarchical weighted Dominant Resource Fairness.
 *   <li>{@link io.poolbridge.allocator.HierarchicalAllocator} (mechanism): offers, quotas,
 *       reservations, filters, borrowing, maintenance.
 * </ul>
 */
package io.poolbridge.allocator;
