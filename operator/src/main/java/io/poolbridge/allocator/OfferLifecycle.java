package io.poolbridge.allocator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The offer lifecycle: an offer made (recorded and accounted), accepted (carved into placements,
 * the rest released), declined or rescinded (released), the refusal filters an answer sets, the
 * offer timeout, and a placement recovered or restored. The accounts are the allocator's
 * ({@link Accounts}); the book only indexes grants ({@link PlacementBook}).
 */
final class OfferLifecycle {
  private ResourceSchema schema;
  private final Clock clock;
  private final long intervalMillis;
  private final PlacementBook book;
  private final Accounts accounts;
  private final Intake intake;
  /** Offers made, accepted, declined and rescinded so far (read by {@link #counts}). */
  private long made, accepted, declined, rescinded;

  OfferLifecycle(ResourceSchema schema, Clock clock, long intervalMillis, PlacementBook book, Accounts accounts, Intake intake) {
    this.schema = schema;
    this.clock = clock;
    this.intervalMillis = intervalMillis;
    this.book = book;
    this.accounts = accounts;
    this.intake = intake;
  }

  void widen(ResourceSchema wider) {
    this.schema = wider;
  }

  /** Records a composed grant as an outstanding offer and accounts it. */
  Offer offer(Grant g) {
    book.addOffer(g);
    accounts.use(g, +1);
    made++;
    return book.offerView(g);
  }

  List<Placement> accept(long offerId, List<Launch> launches) {
    Grant offer = book.requireOffer(offerId);
    launches = intake.current(launches);
    long[] remaining = offer.total();
    long[] asked = new long[schema.size()];
    for (Launch l : launches) {
      Vec.add(asked, l.resources().amounts);
    }
    if (!Vec.fits(asked, remaining)) {
      throw new IllegalArgumentException(
          "launches need " + Resources.ofArray(schema, asked) + " but offer " + offerId + " holds "
              + Resources.ofArray(schema, remaining));
    }
    long[] unreservedLeft = offer.unreserved.clone();
    long[][] reservedLeft = new long[offer.reserved.length][];
    Grant[] grants = book.carve(offer, launches, unreservedLeft, reservedLeft);
    book.record(grants);
    // Every account is linear in what a grant holds, so the offer's accounting stays with its
    // placements and only what is left of it is released: one update of the sorters per offer,
    // not one per launch.
    book.removeOffer(offer);
    accepted++;
    for (Grant g : grants) {
      offer.agent.link(g);
    }
    for (Role r : offer.fw.role.chain) {
      r.placed += grants.length;
    }
    Grant rest = new Grant(offer.fw, offer.agent, unreservedLeft, reservedLeft, offer.revocable);
    if (Vec.anyPositive(rest.total())) {
      accounts.use(rest, -1);
    }
    if (Vec.anyPositive(Vec.positiveDifference(offer.total(), asked))) {
      filter(offer.fw, offer.agent, offer.fw.info.refuse());
    }
    return book.placedViews(grants, List.copyOf(launches));
  }

  void decline(long offerId, Duration refuse) {
    Grant g = book.requireOffer(offerId);
    book.removeOffer(g);
    accounts.use(g, -1);
    declined++;
    filter(g.fw, g.agent, refuse == null ? g.fw.info.refuse() : refuse);
  }

  private void filter(Fw f, Agent a, Duration refuse) {
    if (refuse.isZero()) {
      return;
    }
    // A filter lasts max(refuse, interval), and one of a single interval still holds at the cycle
    // exactly an interval later: a short filter is never overtaken by the next periodic cycle, even
    // when it was set in the same instant as the previous cycle (Mesos expires it only after that
    // cycle, MESOS-4302). The stored expiry is the first instant the filter no longer holds.
    long now = clock.millis();
    f.filters.put(a.idx, Math.max(now + refuse.toMillis(), now + intervalMillis + 1));
  }

  Offer rescind(long offerId) {
    Grant g = book.requireOffer(offerId);
    book.removeOffer(g);
    accounts.use(g, -1);
    rescinded++;
    return book.offerView(g);
  }

  /** Rescinds every offer outstanding on the agent, in the order they were made. */
  List<Offer> rescindAll(Agent a) {
    List<Offer> rescinded = new ArrayList<>();
    for (Long id : List.copyOf(a.offerIds)) {
      rescinded.add(rescind(id));
    }
    return rescinded;
  }

  /**
   * Rescinds, without a filter, the offers outstanding for their framework's offer timeout or longer
   * (Mesos' offer_timeout), so a framework that stopped answering holds no capacity for good.
   */
  void expireOffers(long now, List<Offer> rescinded) {
    if (book.offers.isEmpty()) {
      return;
    }
    List<Grant> expired = null;
    for (Grant g : book.offers.values()) {
      if (now - g.offeredAt >= g.fw.offerTimeoutMillis) {
        if (expired == null) {
          expired = new ArrayList<>();
        }
        expired.add(g);
      }
    }
    if (expired != null) {
      for (Grant g : expired) {
        rescinded.add(rescind(g.offerId));
      }
    }
  }

  /** The offers made, accepted, declined and rescinded so far. */
  OfferCounts counts() {
    return new OfferCounts(made, accepted, declined, rescinded);
  }

  Placement recover(String instanceId) {
    Grant g = book.remove(instanceId);
    accounts.use(g, -1);
    return book.view(g);
  }

  /** Restores a recorded placement (already in the current schema) of {@code f} on {@code a}. */
  Placement restore(Agent a, Fw f, Placement p) {
    Grant g = book.restore(a, f, p);
    accounts.use(g, +1);
    return book.view(g);
  }
}
