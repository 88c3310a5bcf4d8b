package io.poolbridge.allocator;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The placement book: outstanding offers by id and placements by instance id (oldest first), how
 * an accept carves placements out of an offer, how a recorded placement is restored, and the
 * read-only views of both. The accounts are the allocator's: the book only indexes grants.
 */
final class PlacementBook {
  private ResourceSchema schema;
  final Map<Long, Grant> offers = new LinkedHashMap<>();
  /** Placements by instance id, oldest first; rebuilt larger by {@link #expectPlacements}. */
  private Map<String, Grant> placements = new LinkedHashMap<>();
  /** The placements {@link #placements} holds without growing (HashMap's load factor of 0.75). */
  private int placementsRoom = 12;
  /** How many of {@link #placements} are revocable: a cycle with none need not look for them. */
  private int revocablePlacements;
  private long nextOfferId = 1;

  PlacementBook(ResourceSchema schema) {
    this.schema = schema;
  }

  /** Takes on a wider schema and grows every grant it holds to it. */
  void widen(ResourceSchema wider) {
    this.schema = wider;
    for (Grant g : offers.values()) {
      g.widen(wider.size());
    }
    for (Grant g : placements.values()) {
      g.widen(wider.size());
    }
  }

  Map<String, Grant> placements() {
    return placements;
  }

  /** Whether any placement is revocable. */
  boolean anyRevocablePlacement() {
    return revocablePlacements > 0;
  }

  private void counted(Grant g, int sign) {
    if (g != null && g.revocable) {
      revocablePlacements += sign;
    }
  }

  void expectPlacements(int expected) {
    if (expected <= Math.max(placementsRoom, placements.size())) {
      return;
    }
    // The capacity HashMap's own sizing picks for that many entries, as HashMap.newHashMap does.
    Map<String, Grant> larger = new LinkedHashMap<>((int) Math.ceil(expected / 0.75));
    larger.putAll(placements);
    placements = larger;
    placementsRoom = expected;
  }

  /** Records a composed grant as an outstanding offer (its accounts are applied by the caller). */
  void addOffer(Grant g) {
    g.offerId = nextOfferId++;
    offers.put(g.offerId, g);
    g.agent.offerIds.add(g.offerId);
    g.fw.outstanding++;
  }

  void removeOffer(Grant g) {
    if (offers.remove(g.offerId) != null) {
      g.fw.outstanding--;
    }
    g.agent.offerIds.remove(g.offerId);
  }

  Grant requireOffer(long id) {
    Grant g = offers.get(id);
    if (g == null) {
      throw new IllegalArgumentException("unknown or already answered offer " + id);
    }
    return g;
  }
  /**
   * Carves the launches' placements out of the offer's composition, reservations first; leaves in
   * {@code unreservedLeft} and {@code reservedLeft} (sized like the offer's portions) what is left.
   */
  Grant[] carve(Grant offer, List<Launch> launches, long[] unreservedLeft, long[][] reservedLeft) {
    // Carve the placements out of the offer's composition, reservations first.
    for (int i = 0; i < reservedLeft.length; i++) {
      reservedLeft[i] = offer.reserved[i] == null ? null : offer.reserved[i].clone();
    }
    Grant[] grants = new Grant[launches.size()];
    for (int n = 0; n < grants.length; n++) {
      Launch l = launches.get(n);
      // A grant never changes what it holds, so without reservations to carve it shares the
      // launch's (immutable) amounts.
      long[] need = reservedLeft.length == 0 ? l.resources().amounts : l.resources().toArray();
      long[][] fromReserved = reservedLeft.length == 0 ? Grant.NO_PORTIONS : new long[reservedLeft.length][];
      for (int i = 0; i < reservedLeft.length; i++) {
        if (reservedLeft[i] != null && Vec.anyPositive(need)) {
          long[] take = need.clone();
          Vec.min(take, reservedLeft[i]);
          if (Vec.anyPositive(take)) {
            fromReserved[i] = take;
            Vec.subtract(reservedLeft[i], take);
            Vec.subtract(need, take);
          }
        }
      }
      Vec.subtract(unreservedLeft, need);
      Grant p = new Grant(offer.fw, offer.agent, need, fromReserved, offer.revocable);
      p.instanceId = l.instanceId();
      p.priority = l.priority();
      grants[n] = p;
    }
    return grants;
  }

  /** Records accepted placements: an instance placed already, or twice in the call, leaves the book as it was. */
  void record(Grant[] grants) {
    for (int n = 0; n < grants.length; n++) {
      if (placements.putIfAbsent(grants[n].instanceId, grants[n]) != null) {
        for (int k = 0; k < n; k++) {
          counted(placements.remove(grants[k].instanceId), -1);
        }
        throw new IllegalArgumentException("instance " + grants[n].instanceId + " is already placed");
      }
      counted(grants[n], +1);
    }
  }

  /** Removes a placement from the book and its agent (its accounts are released by the caller). */
  Grant remove(String instanceId) {
    Grant g = placements.remove(instanceId);
    if (g == null) {
      throw new IllegalArgumentException("unknown instance " + instanceId);
    }
    counted(g, -1);
    g.agent.unlink(g);
    return g;
  }

  /** Books a recorded placement on its agent (its accounts are applied by the caller). */
  Grant restore(Agent a, Fw f, Placement p) {
    if (placements.containsKey(p.instanceId())) {
      throw new IllegalArgumentException("instance " + p.instanceId() + " is already placed");
    }
    long[] need = p.resources().toArray();
    long[][] fromReserved = p.reserved() == null ? inferReserved(a, f, p, need) : recordedReserved(a, p, need);
    if (!Vec.fits(need, a.freeUnreserved())) {
      throw new IllegalStateException(
          "placement " + p.instanceId() + " needs " + p.resources() + " but agent " + a.info.id()
              + " has only " + Resources.ofArray(schema, a.freeUnreserved()) + " unreserved free");
    }
    Grant g = new Grant(f, a, need, fromReserved, p.revocable());
    g.instanceId = p.instanceId();
    g.priority = p.priority();
    addPlacement(g);
    return g;
  }

  /** The reservation portions a placement recorded; {@code need} is left with the unreserved rest. */
  long[][] recordedReserved(Agent a, Placement p, long[] need) {
    long[][] fromReserved = new long[a.reservations.length][];
    for (var e : p.reserved().entrySet()) {
      int i = a.reservationIndex(e.getKey());
      long[] take = e.getValue().toArray();
      if (i < 0 || !Vec.fits(take, a.reservations[i].free()) || !Vec.fits(take, need)) {
        throw new IllegalStateException(
            "placement " + p.instanceId() + " records " + e.getValue() + " of the reservation for role "
                + e.getKey() + " on agent " + a.info.id() + ", which " + (i < 0 ? "has no such reservation"
                    : "has only " + Resources.ofArray(schema, a.reservations[i].free()) + " of it free"));
      }
      fromReserved[i] = take;
      Vec.subtract(need, take);
    }
    return fromReserved;
  }

  /**
   * A placement without a recorded split: a non-revocable one takes its role's own reservation
   * first, then its ancestors' (deepest first); a revocable one takes other roles' reservations.
   * {@code need} is left with the unreserved rest.
   */
  long[][] inferReserved(Agent a, Fw f, Placement p, long[] need) {
    long[][] fromReserved = new long[a.reservations.length][];
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < a.reservations.length; i++) {
      boolean owned = RolePaths.isSelfOrDescendant(f.role.path, a.reservations[i].role());
      if (owned != p.revocable()) {
        order.add(i);
      }
    }
    order.sort(Comparator.comparingInt((Integer i) -> -a.reservations[i].role().length()));
    for (int i : order) {
      long[] take = need.clone();
      Vec.min(take, a.reservations[i].free());
      if (Vec.anyPositive(take)) {
        fromReserved[i] = take;
        Vec.subtract(need, take);
      }
    }
    return fromReserved;
  }

  void addPlacement(Grant p) {
    counted(placements.put(p.instanceId, p), -1);
    counted(p, +1);
    p.agent.link(p);
  }

  /**
   * The placements an accept made, each built when read: a caller that does not read them (the
   * scheduler's own caller knows them from its decisions) does not pay for them. What a placement
   * holds never changes, so a view read later is the same as one read at once.
   */
  List<Placement> placedViews(Grant[] grants, List<Launch> launches) {
    return new AbstractList<>() {
      @Override
      public Placement get(int n) {
        return view(grants[n], launches.get(n).resources()); // what it holds is what it launched with
      }

      @Override
      public int size() {
        return grants.length;
      }
    };
  }

  Map<String, Resources> reservationsOf(Grant g) {
    if (g.reserved.length == 0) {
      return Map.of();
    }
    Map<String, Resources> byRole = new TreeMap<>();
    for (int i = 0; i < g.reserved.length; i++) {
      if (g.reserved[i] != null && Vec.anyPositive(g.reserved[i])) {
        byRole.put(g.agent.reservations[i].role(), Resources.ofArray(schema, g.reserved[i]));
      }
    }
    return byRole;
  }

  Placement view(Grant g) {
    return view(g, Resources.ofArray(schema, g.total()));
  }

  Placement view(Grant g, Resources total) {
    return new Placement(
        g.instanceId, g.fw.info.id(), g.agent.info.id(), g.agent.info.pool(), total, g.revocable, g.priority,
        reservationsOf(g));
  }

  Offer offerView(Grant g) {
    return new Offer(
        g.offerId, g.fw.info.id(), g.agent.info.id(), g.agent.info.pool(),
        Resources.ofArray(schema, g.total()), g.revocable);
  }
}
