package io.poolbridge.allocator;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Level 1 of the two-level allocation: decides who is offered what. Agents are pool nodes, roles
 * form a tree, frameworks belong to roles. Not thread-safe: one caller (the operator's allocation
 * loop, or a test) drives it.
 */
public interface Allocator {

  /** The resource schema now: it only ever grows (see {@link #extendSchema}). */
  ResourceSchema schema();

  /**
   * Grows the resource schema at run time: {@code wider} starts with the current names, in the same
   * order and with the same fairness exclusions, and may add names after them. Everything the
   * allocator holds (agents, reservations, roles' and frameworks' allocations, quotas, placements,
   * outstanding offers, demand, sorters) gains the new resources with amount zero (a limit does not
   * name them: unlimited); placements, offers, filters and shares are kept. Afterwards
   * {@link Resources} of any earlier (prefix) schema are taken as having none of the new resources;
   * those of a wider schema (an agent with a new extended resource, a quota or a demand naming one)
   * extend the schema first, as this method does. Results are in the current schema.
   *
   * @throws IllegalArgumentException when {@code wider} does not extend the current schema
   */
  void extendSchema(ResourceSchema wider);

  // Agents

  void addAgent(AgentInfo agent);

  /**
   * Changes an agent in place: its capacity, pool, attributes and reservations become those of
   * {@code agent} (same id), its state stays (see {@link #setAgentState}). Its outstanding offers
   * are rescinded without a filter (returned); its placements stay and keep counting in every
   * account (role and framework allocations, quota consumption, shares, cluster totals). A capacity
   * below what the placements use leaves the agent with nothing free (never less) until enough of
   * them end. A placement that used a reservation that is gone keeps its resources, and what of it
   * no longer fits in the role's reservation on the agent counts as unreserved use of its role from
   * then on (towards its guarantee and limit, as any unreserved allocation). Filters on the agent
   * are dropped when its capacity grew or its reservations changed (what was refused is not what is
   * offered now). A Resources of a wider schema extends the allocator's schema first (see
   * {@link #extendSchema}).
   *
   * @throws IllegalArgumentException when the agent is unknown
   */
  List<Offer> updateAgent(AgentInfo agent);

  /** Removes an agent: its offers are rescinded and its placements released and reported lost. */
  AgentRemoval removeAgent(String agentId);

  /** Changes an agent's state; leaving ACTIVE rescinds its outstanding offers (returned). */
  List<Offer> setAgentState(String agentId, AgentState state);

  // Roles

  void setWeight(String role, double weight);

  /**
   * Sets a role's quota; a lowered limit rescinds outstanding offers that would exceed it (returned).
   * A resource the schema does not know yet extends it (see {@link #extendSchema}; new names are
   * appended in sorted order): a guarantee of a resource no agent has stays unmet until agents with
   * it are added. Setting {@link Quota#NONE} drops the role when nothing else keeps it (see
   * {@link #removeRole}).
   */
  List<Offer> setQuota(String role, Quota quota);

  /**
   * Clears a role's quota and weight. A role is dropped from the role tree and the sorters, with
   * its ancestors that nothing else keeps, as soon as it has no framework and no child role, no
   * reservation on any agent and no quota or weight set; removing its last framework or the last
   * reservation for it drops it the same way. Unknown roles are ignored.
   *
   * @throws IllegalArgumentException when frameworks are still in the role
   */
  void removeRole(String role);

  // Frameworks

  void addFramework(FrameworkInfo framework);

  /**
   * Removes a framework, rescinding its offers and releasing its placements (returned). Its role,
   * and the ancestors nothing else keeps, are dropped when nothing uses them any more (see
   * {@link #removeRole}).
   */
  List<Placement> removeFramework(String frameworkId);

  /**
   * Changes a framework's offer settings in place: {@code revocable}, {@code refuse},
   * {@code minAllocatable} and {@code offerTimeout} become those of {@code framework} (same id). Its
   * placements, share, suppression, demand and filters are kept; a new refuse applies to later
   * declines, a new timeout to offers outstanding already. Turning revocable off rescinds its
   * outstanding revocable offers (returned); its revocable placements stay (revocable).
   *
   * @throws IllegalArgumentException when the framework is unknown or {@code framework} names
   *     another role (a role change is a remove and an add)
   */
  List<Offer> updateFramework(FrameworkInfo framework);

  /**
   * Bounds how many outstanding offers the framework may hold at once ({@code Integer.MAX_VALUE},
   * the default: no bound). A framework at its bound is passed over until it answers some, so a
   * cycle on a large estate does not offer every agent to a framework that wants a few instances
   * (the engine sets it from the framework's pending instances). Offers already made stay.
   */
  void limitOffers(String frameworkId, int maxOutstanding);

  /** Stops offers to the framework until it revives. */
  void suppress(String frameworkId);

  /** Resumes offers to the framework, clears its filters and runs a cycle over every agent. */
  CycleResult revive(String frameworkId);

  /**
   * What the framework still wants (its pending instances) with unknown shapes: used to decide when
   * to reclaim borrowed capacity; offers are not shaped by it. Same as {@code updateDemand(id,
   * demand, null)}.
   */
  default void updateDemand(String frameworkId, Resources demand) {
    updateDemand(frameworkId, demand, null);
  }

  /**
   * What the framework still wants, and its shapes: {@code total} is the sum over its pending
   * instances (used to decide when to reclaim borrowed capacity), {@code shapes} the distinct
   * resources one pending instance needs (for a node lease, the smallest node it accepts). With
   * known shapes the framework is offered an agent only when the offer holds at least one shape;
   * known shapes that are empty mean it wants nothing and is offered nothing. {@code null} shapes are
   * unknown: offers are made as Mesos makes them (any non-empty offer at least the framework's
   * minimum).
   */
  default void updateDemand(String frameworkId, Resources total, Collection<Resources> shapes) {
    updateDemandShapes(frameworkId, total, shapes == null ? null : shapes.stream().map(DemandShape::anywhere).toList());
  }

  /**
   * {@link #updateDemand(String, Resources, Collection)} with the agents each shape may run on: the
   * framework is offered an agent only when the offer holds a shape that may run there.
   */
  void updateDemandShapes(String frameworkId, Resources total, Collection<DemandShape> shapes);

  /**
   * A sizing hint that changes no decision: about {@code placements} placements are expected in
   * all, running and to come. The allocator sizes its index of placements for them, so that
   * placing them does not rebuild it on the way (a rebuild visits every placement). Callers pass
   * the number of instances their Workloads declare, as {@code simulate} does; a number smaller
   * than the placements already made is ignored.
   */
  void expectPlacements(int placements);

  // Allocation

  /** A full cycle over every agent (the periodic cycle). */
  CycleResult allocate();

  /** An event-driven cycle over some agents (e.g. one just added or freed). */
  CycleResult allocate(Collection<String> agentIds);

  // Offer lifecycle

  /**
   * Accepts an offer for the given launches (all or part of it); the unused part is declined with
   * the framework's refuse filter. Returns the placements made, in the order of the launches (an
   * unmodifiable list).
   */
  List<Placement> accept(long offerId, List<Launch> launches);

  /** Declines an offer; the framework is not offered that agent again for {@code refuse} (its default when null). */
  void decline(long offerId, Duration refuse);

  /** Takes back an outstanding offer without filtering. */
  Offer rescind(long offerId);

  /** Releases a placement's resources (its instance finished, failed or was killed). */
  Placement recover(String instanceId);

  /** Records a placement that already exists (rebuilding from the API after a restart). */
  Placement restore(Placement placement);

  // Observation

  List<Offer> outstandingOffers();

  List<Placement> placements();

  /** Total, allocated (offered or placed) and free capacity of an agent. */
  AgentUsage usage(String agentId);

  /** Dominant share and weighted share of a role path or framework id. */
  double share(String roleOrFramework);

  double weightedShare(String roleOrFramework);

  /** Whether a role's guarantee is met (true when it has none). */
  boolean guaranteeMet(String role);

  /** What a role's guarantee is still short of (none when it is met or the role has none). */
  Resources guaranteeShortfall(String role);
}
