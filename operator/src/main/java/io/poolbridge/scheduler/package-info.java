/**
 * Level 2 of poolbridge's two-level allocation: the built-in framework scheduler, which decides
 * which offers a framework accepts for which of its workloads' instances (what Marathon and
 * Chronos did on Mesos).
 *
 * <p>Plain Java in, decisions out: it imports only the JDK and {@code io.poolbridge.allocator} (an
 * ArchUnit test keeps it so).
 *
 * <ul>
 *   <li>{@link io.poolbridge.scheduler.WorkloadDemand}: a workload's pending instances and how they
 *       want to be placed ({@link io.poolbridge.scheduler.Constraint}s, {@link
 *       io.poolbridge.scheduler.Strategy}, gang, priority, preemptible, revocable, {@link
 *       io.poolbridge.scheduler.WorkloadKind}).
 *   <li>{@link io.poolbridge.scheduler.FrameworkScheduler}: one framework's offers and demands in,
 *       {@link io.poolbridge.scheduler.Decisions} out (launches per offer, a price per placement,
 *       a {@link io.poolbridge.scheduler.Reason} per instance left unplaced).
 *   <li>{@link io.poolbridge.scheduler.Preemption}: which running instances to evict for ones that
 *       cannot be placed; loop-free by strict priority.
 *   <li>{@link io.poolbridge.scheduler.Feasibility}: where a workload's instances may go (the shape
 *       level 1 offers it by, why no node can take it), for the engine that drives both levels
 *       ({@code io.poolbridge.engine}).
 * </ul>
 *
 * <p>Determinism: the scheduler breaks every tie by stable ids (agent id, then offer id; workload
 * key among equal priorities and ages), never at random and never by input order; the only seed
 * is the allocator's, which orders the agents it visits.
 */
package io.poolbridge.scheduler;
