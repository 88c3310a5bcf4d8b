package io.poolbridge.allocator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hierarchical, offer-based allocator: Mesos' allocation algorithm over poolbridge's model.
 *
 * <p>A cycle visits agents in a seeded random order, three times:
 *
 * <ol>
 *   <li><b>Quota</b>: roles with an unmet guarantee, in sorter order, are offered unreserved
 *       capacity up to their unmet guarantee (plus what else the agent has, within their limit and
 *       the surplus headroom), and their own reservations.
 *   <li><b>Fair share</b>: every role in sorter order, every framework of it in its own sorter's
 *       order, is offered its reservations and the unreserved capacity that neither exceeds its
 *       limit nor eats into the headroom held for unmet guarantees.
 *   <li><b>Borrowing</b>: frameworks that accept revocable capacity are offered, as revocable, the
 *       headroom still held for unmet guarantees and other roles' unused reservations.
 * </ol>
 *
 * <p>The sorters are updated after each agent (so one agent's loop reads a stable order), the
 * quota and headroom accounting after each offer. Offered capacity counts as allocated until it is
 * declined; the unused part of an accepted offer is declined.
 */
public final class HierarchicalAllocator implements Allocator {
  /** Grows at run time (extendSchema). */
  private ResourceSchema schema;

  private final Sorter roleSorter;
  /** The accounts' framework sorters, one per role with frameworks. */
  private final Map<String, Sorter> frameworkSorters;
  private final Map<String, Agent> agents = new LinkedHashMap<>();
  private final Map<String, Fw> frameworks = new LinkedHashMap<>();
  private final Map<String, Double> weights = new HashMap<>();

  private final Ledger ledger;
  private final Accounts accounts;
  private final Intake intake = new Intake(() -> schema, this::extendSchema);
  private final PlacementBook book;
  private final RoleTree tree;
  private final Reclaimer reclaimer;
  private final OfferComposer composer;
  private final OfferLifecycle offers;
  private final Cycle cycle;
  private final Agents agentBook;
  private final Frameworks frameworkBook;

  public HierarchicalAllocator(ResourceSchema schema, AllocatorConfig config) {
    this(schema, config, new DrfSorter(schema));
  }

  /** An allocator with a given role sorter (policy); framework sorters are DRF. */
  public HierarchicalAllocator(ResourceSchema schema, AllocatorConfig config, Sorter roleSorter) {
    this.schema = schema;
    int size = schema.size();
    this.roleSorter = roleSorter;
    this.ledger = new Ledger(size);
    this.book = new PlacementBook(schema);
    this.tree = new RoleTree(size, ledger);
    this.composer = new OfferComposer(size, ledger);
    this.accounts = new Accounts(size, ledger, tree, agents, book.offers, roleSorter);
    this.frameworkSorters = accounts.frameworkSorters;
    this.offers = new OfferLifecycle(schema, config.clock(), config.interval().toMillis(), book, accounts, intake);
    this.reclaimer = new Reclaimer(
        size, agents, frameworks, tree, ledger, book.offers, book::placements, book::anyRevocablePlacement, offers::rescind, book::view);
    this.agentBook = new Agents(size, agents, frameworks, intake, ledger, tree, book, accounts, offers, this::dropUnused);
    this.frameworkBook = new Frameworks(
        schema, config.offerTimeout(), frameworks, weights, intake, ledger, tree, accounts, book, offers, this::dropUnused);
    this.cycle = new Cycle(
        config.clock(), config.seed(), frameworks, ledger, tree, accounts, book, reclaimer, composer, offers, agentBook::inactive);
  }

  // ---------------------------------------------------------------- agents

  @Override
  public ResourceSchema schema() {
    return schema;
  }

  @Override
  public void extendSchema(ResourceSchema wider) {
    if (wider.equals(schema)) {
      return;
    }
    if (!schema.isPrefixOf(wider)) {
      throw new IllegalArgumentException(
          "resources " + wider + " do not extend the allocator's " + schema + " (same names first, in order)");
    }
    schema = wider;
    int size = wider.size();
    ledger.widen(size);
    tree.widen(size);
    composer.widen(size);
    reclaimer.widen(size);
    book.widen(wider);
    offers.widen(wider);
    agentBook.widen(wider);
    frameworkBook.widen(wider);
    accounts.extendSchema(wider);
  }

  @Override
  public void addAgent(AgentInfo info) {
    agentBook.add(info);
  }

  @Override
  public List<Offer> updateAgent(AgentInfo info) {
    return agentBook.update(info);
  }

  @Override
  public AgentRemoval removeAgent(String agentId) {
    return agentBook.remove(agentId);
  }

  @Override
  public List<Offer> setAgentState(String agentId, AgentState state) {
    return agentBook.setState(agentId, state);
  }

  // ---------------------------------------------------------------- roles

  @Override
  public void setWeight(String role, double weight) {
    RolePaths.requireValid(role);
    weights.put(role, weight);
    roleSorter.updateWeight(role, weight);
  }

  @Override
  public void removeRole(String path) {
    RolePaths.requireValid(path);
    Role r = tree.roles.get(path);
    if (r != null && r.frameworkCount > 0) {
      throw new IllegalArgumentException("role " + path + " still has " + r.frameworkCount + " framework(s)");
    }
    if (weights.remove(path) != null) {
      roleSorter.clearWeight(path);
    }
    if (r != null) {
      if (r.guarantee != null || r.limit != null) {
        r.guarantee = null;
        r.limit = null;
        tree.quotaChanged();
      }
      dropUnused(r);
    }
  }

  /** Drops the role and its ancestors while nothing keeps them (see Allocator.removeRole). */
  private void dropUnused(Role r) {
    tree.dropUnused(r, weights::containsKey);
  }

  @Override
  public List<Offer> setQuota(String path, Quota quota) {
    RolePaths.requireValid(path);
    java.util.Set<String> unknown = new java.util.TreeSet<>(quota.guarantee().keySet());
    unknown.addAll(quota.limit().keySet());
    unknown.removeIf(schema::contains);
    if (!unknown.isEmpty()) {
      // A resource no agent has yet: a guarantee of it stays unmet until one with it is added.
      extendSchema(schema.extendedWith(unknown));
    }
    Role r = tree.role(path);
    r.guarantee = quota.guarantee().isEmpty() ? null : quota.guaranteeVector(schema);
    r.limit = quota.limit().isEmpty() ? null : quota.limitVector(schema);
    tree.quotaChanged();
    // A lowered limit: take back outstanding offers, newest first, until the subtree fits again.
    List<Offer> rescinded = new ArrayList<>();
    if (r.limit != null) {
      List<Grant> subtreeOffers = new ArrayList<>();
      for (Grant g : book.offers.values()) {
        if (RolePaths.isSelfOrDescendant(g.fw.role.path, path)) {
          subtreeOffers.add(g);
        }
      }
      for (int i = subtreeOffers.size() - 1; i >= 0 && !Vec.fits(RoleTree.limitUse(r), r.limit); i--) {
        rescinded.add(rescind(subtreeOffers.get(i).offerId));
      }
    }
    dropUnused(r);
    return rescinded;
  }

  /**
   * What the role may still take under its own and its ancestors' limits, counted as the allocator
   * counts them (reservations, used or not, revocable use and outstanding offers included);
   * {@code null} when no limit applies.
   */
  public Resources limitRoom(String role) {
    Role r = tree.roles.get(role);
    long[] room = r == null ? null : RoleTree.limitRoom(r);
    return room == null ? null : Resources.ofArray(schema, room);
  }

  @Override
  public boolean guaranteeMet(String path) {
    Role r = tree.roles.get(path);
    return r == null || r.guarantee == null || !Vec.anyPositive(r.unmet());
  }

  @Override
  public Resources guaranteeShortfall(String path) {
    Role r = tree.roles.get(path);
    return r == null || r.guarantee == null ? Resources.none(schema) : Resources.ofArray(schema, r.unmet());
  }

  // ---------------------------------------------------------------- frameworks

  @Override
  public void addFramework(FrameworkInfo info) {
    frameworkBook.add(info);
  }

  @Override
  public List<Placement> removeFramework(String frameworkId) {
    return frameworkBook.remove(frameworkId);
  }

  @Override
  public List<Offer> updateFramework(FrameworkInfo info) {
    return frameworkBook.update(info);
  }

  @Override
  public void limitOffers(String frameworkId, int maxOutstanding) {
    frameworkBook.limitOffers(frameworkId, maxOutstanding);
  }

  @Override
  public void suppress(String frameworkId) {
    frameworkBook.suppress(frameworkId);
  }

  @Override
  public CycleResult revive(String frameworkId) {
    frameworkBook.revive(frameworkId);
    return allocate();
  }

  @Override
  public void updateDemandShapes(String frameworkId, Resources demand, Collection<DemandShape> shapes) {
    frameworkBook.updateDemandShapes(frameworkId, demand, shapes);
  }

  @Override
  public void expectPlacements(int expected) {
    book.expectPlacements(expected);
  }

  // ---------------------------------------------------------------- allocation

  @Override
  public CycleResult allocate() {
    return cycle.run(agentBook.inOrder());
  }

  @Override
  public CycleResult allocate(Collection<String> agentIds) {
    List<Agent> subset = new ArrayList<>();
    for (String id : agentIds) {
      Agent a = agents.get(id);
      if (a != null) {
        subset.add(a);
      }
    }
    return cycle.run(subset.toArray(Agent[]::new));
  }

  // ---------------------------------------------------------------- offer lifecycle

  @Override
  public List<Placement> accept(long offerId, List<Launch> launches) {
    return offers.accept(offerId, launches);
  }

  @Override
  public void decline(long offerId, Duration refuse) {
    offers.decline(offerId, refuse);
  }

  @Override
  public Offer rescind(long offerId) {
    return offers.rescind(offerId);
  }

  @Override
  public Placement recover(String instanceId) {
    return offers.recover(instanceId);
  }

  @Override
  public Placement restore(Placement p) {
    Agent a = agentBook.require(p.agentId());
    Fw f = frameworkBook.require(p.frameworkId());
    return offers.restore(a, f, intake.current(p));
  }

  // ---------------------------------------------------------------- observation

  /** How many offers were made, accepted, declined and rescinded since the allocator started. */
  public OfferCounts offerCounts() {
    return offers.counts();
  }

  @Override
  public List<Offer> outstandingOffers() {
    List<Offer> list = new ArrayList<>();
    for (Grant g : book.offers.values()) {
      list.add(book.offerView(g));
    }
    return list;
  }

  @Override
  public List<Placement> placements() {
    List<Placement> list = new ArrayList<>();
    for (Grant g : book.placements().values()) {
      list.add(book.view(g));
    }
    return list;
  }

  @Override
  public AgentUsage usage(String agentId) {
    Agent a = agentBook.require(agentId);
    long[] used = a.used();
    return new AgentUsage(
        agentId,
        a.state,
        Resources.ofArray(schema, a.total),
        Resources.ofArray(schema, used),
        Resources.ofArray(schema, Vec.positiveDifference(a.total, used)));
  }

  @Override
  public double share(String roleOrFramework) {
    Fw f = frameworks.get(roleOrFramework);
    return f != null ? frameworkShare(f, false) : roleSorter.share(roleOrFramework);
  }

  @Override
  public double weightedShare(String roleOrFramework) {
    Fw f = frameworks.get(roleOrFramework);
    return f != null ? frameworkShare(f, true) : roleSorter.weightedShare(roleOrFramework);
  }

  private double frameworkShare(Fw f, boolean weighted) {
    double share = frameworkSorters.get(f.role.path).share(f.info.id());
    return weighted ? share / weights.getOrDefault(f.role.path, 1.0) : share;
  }

  /**
   * Read-only breakdown of an outstanding offer: the parts taken from the agent's static
   * reservations, by reservation role (roles absent hold nothing of it; the rest of the offer is
   * unreserved). Lets callers and tests see whose reservation an offer uses.
   */
  public Map<String, Resources> offerReservations(long offerId) {
    return book.reservationsOf(book.requireOffer(offerId));
  }

  /** Read-only breakdown of a placement by reservation role, like {@link #offerReservations(long)}. */
  public Map<String, Resources> placementReservations(String instanceId) {
    Grant g = book.placements().get(instanceId);
    if (g == null) {
      throw new IllegalArgumentException("unknown instance " + instanceId);
    }
    return book.reservationsOf(g);
  }

  /** The number of roles the allocator keeps (the role tree's size), for tests. */
  int roleCount() {
    return tree.roles.size();
  }
}
