package io.poolbridge.allocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The agents the allocator keeps: adding one (its capacity and reservations into the accounts),
 * updating one in place (its placements stay and are accounted again on the new capacity),
 * removing one (its placements are lost), and its state (an agent not ACTIVE is offered nothing,
 * its free capacity leaves the headroom, and its placements are named to move).
 */
final class Agents {
  private int size;
  /** The agents by id, in the order they were added (the allocator's map, shared with the accounts). */
  private final Map<String, Agent> agents;
  /** The agents in insertion order, as an array; rebuilt after an agent comes or goes. */
  private Agent[] array;
  private final Map<String, Fw> frameworks;
  private final Intake intake;
  private final Ledger ledger;
  private final RoleTree tree;
  private final PlacementBook book;
  private final Accounts accounts;
  private final OfferLifecycle offers;
  /** Drops a role and its ancestors while nothing keeps them. */
  private final Consumer<Role> dropUnused;

  /** Agents whose state is not ACTIVE: while there are none, no placement has to move. */
  private int inactiveAgents;
  private int agentCounter;

  Agents(
      int size,
      Map<String, Agent> agents,
      Map<String, Fw> frameworks,
      Intake intake,
      Ledger ledger,
      RoleTree tree,
      PlacementBook book,
      Accounts accounts,
      OfferLifecycle offers,
      Consumer<Role> dropUnused) {
    this.size = size;
    this.agents = agents;
    this.frameworks = frameworks;
    this.intake = intake;
    this.ledger = ledger;
    this.tree = tree;
    this.book = book;
    this.accounts = accounts;
    this.offers = offers;
    this.dropUnused = dropUnused;
  }

  /** Takes on a wider schema and grows every agent to it. */
  void widen(ResourceSchema wider) {
    size = wider.size();
    for (Agent a : agents.values()) {
      a.widen(wider);
    }
  }

  /** The number of agents whose state is not ACTIVE. */
  int inactive() {
    return inactiveAgents;
  }

  void add(AgentInfo info) {
    if (agents.containsKey(info.id())) {
      throw new IllegalArgumentException("agent " + info.id() + " already added");
    }
    info = intake.current(info);
    Agent a = new Agent(agentCounter++, info, size);
    agents.put(info.id(), a);
    array = null;
    addCapacity(a);
    accounts.totalChanged();
  }

  /** Adds an agent's capacity and reservations, nothing of it used, to the accounts. */
  private void addCapacity(Agent a) {
    for (Reservation r : a.reservations) {
      Role role = tree.role(r.role);
      role.reservationCount++;
      tree.adjustConsumption(role, r.total, true, +1);
    }
    Vec.add(ledger.clusterTotal, a.total);
    if (a.state == AgentState.ACTIVE) {
      Vec.add(ledger.availableHeadroom, a.unreservedTotal);
    }
  }

  /**
   * Takes an agent's capacity and reservations out of the accounts (nothing of it may be in use);
   * returns the reservation roles, to drop those nothing keeps once the caller is done.
   */
  private List<Role> removeCapacity(Agent a) {
    if (a.state == AgentState.ACTIVE) {
      Vec.subtractClamped(ledger.availableHeadroom, a.unreservedTotal);
    }
    List<Role> roles = new ArrayList<>();
    for (Reservation r : a.reservations) {
      Role role = tree.role(r.role);
      role.reservationCount--;
      tree.adjustConsumption(role, r.total, true, -1);
      roles.add(role);
    }
    Vec.subtractClamped(ledger.clusterTotal, a.total);
    return roles;
  }

  List<Offer> update(AgentInfo info) {
    Agent a = require(info.id());
    info = intake.current(info);
    List<Offer> rescinded = offers.rescindAll(a);
    // The placements stay on the agent and in the book. Their accounts are taken out, the agent's
    // capacity replaced, and they are accounted again on the new agent: the sorters never see a
    // change (what each placement holds in all stays the same), the other accounts are rebuilt.
    List<Grant> placed = a.placed();
    for (Grant g : placed) {
      accounts.account(g, -1);
    }
    boolean resync = Vec.anySaturated(ledger.clusterTotal) || Vec.anySaturated(ledger.availableHeadroom);
    long[] oldTotal = a.total;
    Reservation[] old = a.reservations;
    List<Role> oldRoles = removeCapacity(a);
    a.reset(info, size);
    addCapacity(a);
    for (Grant g : placed) {
      g.resplit(old);
      accounts.account(g, +1);
    }
    if (resync) {
      ledger.resync(agents.values(), book.offers);
    }
    if (!Vec.fits(a.total, oldTotal) || !Reservation.same(old, a.reservations)) {
      for (Fw f : frameworks.values()) {
        f.filters.remove(a.idx);
      }
    }
    for (Role r : oldRoles) {
      dropUnused.accept(r);
    }
    accounts.totalChanged();
    return rescinded;
  }

  AgentRemoval remove(String agentId) {
    Agent a = require(agentId);
    List<Offer> rescinded = offers.rescindAll(a);
    List<Placement> lost = new ArrayList<>();
    for (Grant g : a.placed()) {
      lost.add(offers.recover(g.instanceId));
    }
    boolean resync = Vec.anySaturated(ledger.clusterTotal) || Vec.anySaturated(ledger.availableHeadroom);
    List<Role> reservationRoles = removeCapacity(a);
    agents.remove(agentId);
    array = null;
    if (resync) {
      ledger.resync(agents.values(), book.offers);
    }
    if (a.state != AgentState.ACTIVE) {
      inactiveAgents--;
    }
    for (Fw f : frameworks.values()) {
      f.filters.remove(a.idx);
    }
    for (Role r : reservationRoles) {
      dropUnused.accept(r);
    }
    accounts.totalChanged();
    return new AgentRemoval(rescinded, lost);
  }

  List<Offer> setState(String agentId, AgentState state) {
    Agent a = require(agentId);
    List<Offer> rescinded = new ArrayList<>();
    if (a.state == state) {
      return rescinded;
    }
    long[] free = a.freeUnreserved();
    boolean resync = false;
    if (a.state == AgentState.ACTIVE) {
      rescinded.addAll(offers.rescindAll(a));
      resync = Vec.anySaturated(ledger.availableHeadroom) || Vec.anySaturated(ledger.lentUnreserved);
      Vec.subtractClamped(ledger.availableHeadroom, a.freeUnreserved());
      Vec.subtractClamped(ledger.lentUnreserved, ledger.lentOn(a));
    } else if (state == AgentState.ACTIVE) {
      Vec.add(ledger.availableHeadroom, free);
      Vec.add(ledger.lentUnreserved, ledger.lentOn(a));
    }
    if (a.state == AgentState.ACTIVE) {
      inactiveAgents++;
    } else if (state == AgentState.ACTIVE) {
      inactiveAgents--;
    }
    a.state = state;
    if (resync) {
      ledger.resync(agents.values(), book.offers);
    }
    return rescinded;
  }

  Agent require(String id) {
    Agent a = agents.get(id);
    if (a == null) {
      throw new IllegalArgumentException("unknown agent " + id);
    }
    return a;
  }

  /** A fresh array of the agents in insertion order (the cycle shuffles it in place). */
  Agent[] inOrder() {
    if (array == null) {
      array = agents.values().toArray(Agent[]::new);
    }
    return array.clone();
  }
}
