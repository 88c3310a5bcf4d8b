package io.poolbridge.allocator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The frameworks the allocator keeps: adding one (its role in the role sorter, a DRF sorter per
 * role over its frameworks), removing one (its offers rescinded, its placements released),
 * updating one in place, the bound on its outstanding offers, suppress and revive, and what it
 * still wants (its demand and the shapes of its pending instances).
 */
final class Frameworks {
  private ResourceSchema schema;
  private final Duration offerTimeout;
  /** The frameworks by id, in the order they were added (the allocator's map, shared). */
  private final Map<String, Fw> frameworks;
  /** Role weights set by setWeight (the allocator's map, shared). */
  private final Map<String, Double> weights;
  private final Intake intake;
  private final Ledger ledger;
  private final RoleTree tree;
  private final Sorter roleSorter;
  private final Map<String, Sorter> frameworkSorters;
  private final PlacementBook book;
  private final OfferLifecycle offers;
  /** Drops a role and its ancestors while nothing keeps them. */
  private final Consumer<Role> dropUnused;

  Frameworks(
      ResourceSchema schema,
      Duration offerTimeout,
      Map<String, Fw> frameworks,
      Map<String, Double> weights,
      Intake intake,
      Ledger ledger,
      RoleTree tree,
      Accounts accounts,
      PlacementBook book,
      OfferLifecycle offers,
      Consumer<Role> dropUnused) {
    this.schema = schema;
    this.offerTimeout = offerTimeout;
    this.frameworks = frameworks;
    this.weights = weights;
    this.intake = intake;
    this.ledger = ledger;
    this.tree = tree;
    this.roleSorter = accounts.roleSorter;
    this.frameworkSorters = accounts.frameworkSorters;
    this.book = book;
    this.offers = offers;
    this.dropUnused = dropUnused;
  }

  /** Takes on a wider schema and grows every framework to it. */
  void widen(ResourceSchema wider) {
    schema = wider;
    for (Fw f : frameworks.values()) {
      f.widen(wider);
    }
  }

  void add(FrameworkInfo info) {
    if (frameworks.containsKey(info.id())) {
      throw new IllegalArgumentException("framework " + info.id() + " already added");
    }
    info = intake.current(info);
    Role r = tree.role(info.role());
    Fw f = new Fw(info, r, offerTimeout);
    frameworks.put(info.id(), f);
    if (r.frameworkCount++ == 0) {
      roleSorter.add(r.path);
      Double w = weights.get(r.path);
      if (w != null) {
        roleSorter.updateWeight(r.path, w);
      }
      Sorter s = new DrfSorter(schema);
      s.updateTotal(ledger.clusterTotal);
      frameworkSorters.put(r.path, s);
    }
    frameworkSorters.get(r.path).add(info.id());
  }

  List<Placement> remove(String frameworkId) {
    Fw f = require(frameworkId);
    for (Grant g : List.copyOf(book.offers.values())) {
      if (g.fw == f) {
        offers.rescind(g.offerId);
      }
    }
    List<Placement> released = new ArrayList<>();
    for (Grant g : List.copyOf(book.placements().values())) {
      if (g.fw == f) {
        released.add(offers.recover(g.instanceId));
      }
    }
    frameworkSorters.get(f.role.path).remove(frameworkId);
    if (--f.role.frameworkCount == 0) {
      roleSorter.remove(f.role.path);
      frameworkSorters.remove(f.role.path);
    }
    frameworks.remove(frameworkId);
    dropUnused.accept(f.role);
    return released;
  }

  List<Offer> update(FrameworkInfo info) {
    Fw f = require(info.id());
    if (!info.role().equals(f.role.path)) {
      throw new IllegalArgumentException(
          "framework " + info.id() + " is in role " + f.role.path + ", not " + info.role()
              + "; a framework changes role by being removed and added again");
    }
    info = intake.current(info);
    List<Offer> rescinded = new ArrayList<>();
    if (f.info.revocable() && !info.revocable()) {
      for (Grant g : List.copyOf(book.offers.values())) {
        if (g.fw == f && g.revocable) {
          rescinded.add(offers.rescind(g.offerId));
        }
      }
    }
    f.update(info, offerTimeout);
    return rescinded;
  }

  void limitOffers(String frameworkId, int maxOutstanding) {
    if (maxOutstanding < 1) {
      throw new IllegalArgumentException("a framework may hold at least one offer: " + maxOutstanding);
    }
    require(frameworkId).maxOffers = maxOutstanding;
  }

  void suppress(String frameworkId) {
    Fw f = require(frameworkId);
    f.suppressed = true;
    frameworkSorters.get(f.role.path).deactivate(frameworkId);
  }

  /** Revives the framework and clears its filters; the caller runs a cycle. */
  void revive(String frameworkId) {
    Fw f = require(frameworkId);
    f.suppressed = false;
    f.filters.clear();
    frameworkSorters.get(f.role.path).activate(frameworkId);
  }

  void updateDemandShapes(String frameworkId, Resources demand, Collection<DemandShape> shapes) {
    Fw f = require(frameworkId);
    String of = "demand of framework " + frameworkId;
    demand = intake.current(demand, of);
    shapes = intake.shapes(shapes, of);
    if (demand != null) {
      demand = demand.widen(schema); // a shape of a wider schema may have extended it since
    }
    f.demand = demand == null || demand.isEmpty() ? null : demand.toArray();
    if (shapes == null) {
      f.shapes = null;
      f.shapeAgents = null;
    } else if (shapes.stream().allMatch(s -> s.agents() == null)) {
      f.shapes = minimalShapes(frameworkId, shapes.stream().map(DemandShape::resources).toList());
      f.shapeAgents = null;
    } else {
      // Shapes bound to agents: a shape that holds another does not stand for it elsewhere.
      List<DemandShape> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(shapes));
      f.shapes = new long[distinct.size()][];
      f.shapeAgents = distinct.toArray(DemandShape[]::new);
      for (int i = 0; i < f.shapes.length; i++) {
        Resources r = distinct.get(i).resources();
        if (!r.schema().equals(schema)) {
          throw new IllegalArgumentException("demand of framework " + frameworkId + " uses another resource schema");
        }
        f.shapes[i] = r.amounts;
      }
    }
  }

  /** The distinct shapes none of the others fits in (an offer holds some shape iff it holds one of them). */
  private long[][] minimalShapes(String frameworkId, Collection<Resources> shapes) {
    List<long[]> distinct = new ArrayList<>();
    for (Resources r : new java.util.LinkedHashSet<>(shapes)) {
      if (!r.schema().equals(schema)) {
        throw new IllegalArgumentException("demand of framework " + frameworkId + " uses another resource schema");
      }
      distinct.add(r.amounts);
    }
    List<long[]> minimal = new ArrayList<>();
    for (int i = 0; i < distinct.size(); i++) {
      boolean dominated = false;
      for (int j = 0; j < distinct.size() && !dominated; j++) {
        dominated = j != i && Vec.fits(distinct.get(j), distinct.get(i))
            && (!Vec.fits(distinct.get(i), distinct.get(j)) || j < i);
      }
      if (!dominated) {
        minimal.add(distinct.get(i));
      }
    }
    return minimal.toArray(long[][]::new);
  }

  Fw require(String id) {
    Fw f = frameworks.get(id);
    if (f == null) {
      throw new IllegalArgumentException("unknown framework " + id);
    }
    return f;
  }
}
