/**
 * The allocation engine: one event-driven, single-writer core that owns the level-1 allocator,
 * the level-2 framework schedulers and the demand of every workload.
 *
 * <ul>
 *   <li>{@link io.poolbridge.engine.Engine}: events in (agents, frameworks, roles, workloads,
 *       commits and roll-backs, restores), {@link io.poolbridge.engine.Tick}s out (instances to
 *       place, instances to stop with a {@link io.poolbridge.engine.StopReason}, offers
 *       rescinded), and an immutable {@link io.poolbridge.engine.EngineSnapshot} for status
 *       writers on other threads.
 *   <li>{@link io.poolbridge.engine.Simulation}: the engine ticked on a manual clock until settled,
 *       as {@code simulate} and the tests run it.
 * </ul>
 *
 * <p>Plain Java like the rest of the core: no Kubernetes, no API model (ArchUnit-enforced).
 */
package io.poolbridge.engine;
