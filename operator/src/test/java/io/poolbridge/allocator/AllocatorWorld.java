package io.poolbridge.allocator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An allocator plus what the test knows it was told (agents, frameworks, quotas, filters), and the
 * invariants every state must satisfy. The properties drive it with random operations and call
 * {@link #checkInvariants()} after each one; every check is recomputed from the allocator's public
 * observations ({@code outstandingOffers()}, {@code placements()}, the reservation breakdowns) and
 * from the test's own record, never from the allocator's internal accounts.
 */
final class AllocatorWorld {
  static final ResourceSchema SCHEMA = ResourceSchema.of("cpus", "mem", "gpus");
  /** A role tree of depth 3; a run uses whichever part of it its operations name. */
  static final List<String> ROLES = List.of("a", "a/b", "a/b/c", "a/d", "e", "e/f", "g");

  static final Duration INTERVAL = Duration.ofSeconds(1);

  final TestClock clock = new TestClock();
  final HierarchicalAllocator allocator;

  final Map<String, AgentInfo> agents = new TreeMap<>();
  final Map<String, AgentState> agentStates = new TreeMap<>();
  final Map<String, FrameworkInfo> frameworks = new TreeMap<>();
  final Set<String> suppressed = new TreeSet<>();
  final Map<String, Quota> quotas = new TreeMap<>();
  /** Per limited role: what its subtree may be charged with (see {@link #checkLimits()}). */
  final Map<String, long[]> allowance = new TreeMap<>();
  /** Model of offer filters: framework -> agent -> expiry (epoch millis). */
  final Map<String, Map<String, Long>> filters = new HashMap<>();
  /** Placements named by revocations and not yet recovered. */
  final Set<String> toRevoke = new TreeSet<>();

  /** How often interesting things happened in this run: the properties report it as coverage. */
  final Map<String, Integer> seen = new TreeMap<>();

  private int agentSeq;
  private int frameworkSeq;
  private int instanceSeq;

  AllocatorWorld(long seed) {
    allocator = new HierarchicalAllocator(SCHEMA, new AllocatorConfig(clock, INTERVAL, seed));
  }

  @Override
  public String toString() {
    return "world(" + agents.size() + " agents, " + frameworks.size() + " frameworks, "
        + allocator.outstandingOffers().size() + " offers, " + allocator.placements().size() + " placements)";
  }

  static Resources res(long cpus, long mem, long gpus) {
    return Resources.of(SCHEMA, "cpus", cpus, "mem", mem, "gpus", gpus);
  }

  // ------------------------------------------------------------------ operations

  String nextAgentId() {
    return "agent" + (++agentSeq);
  }

  String nextFrameworkId() {
    return "fw" + (++frameworkSeq);
  }

  String nextInstanceId() {
    return "i" + (++instanceSeq);
  }

  void addAgent(AgentInfo info) {
    allocator.addAgent(info);
    agents.put(info.id(), info);
    agentStates.put(info.id(), AgentState.ACTIVE);
    // Static reservations are the platform team's decision: a role's subtree is charged with them
    // at once, even when that takes it past its limit.
    for (var e : allowance.entrySet()) {
      for (var r : info.reservations().entrySet()) {
        if (RolePaths.isSelfOrDescendant(r.getKey(), e.getKey())) {
          Vec.add(e.getValue(), r.getValue().toArray());
        }
      }
    }
  }

  void removeAgent(String id) {
    Set<Long> offersBefore = offerIdsOn(id);
    Set<String> placementsBefore = placementIdsOn(id);
    AgentRemoval removal = allocator.removeAgent(id);
    agents.remove(id);
    agentStates.remove(id);
    filters.values().forEach(m -> m.remove(id));
    check(ids(removal.rescinded()).equals(offersBefore), "removeAgent rescinds exactly the agent's offers");
    check(instanceIds(removal.lost()).equals(placementsBefore), "removeAgent reports exactly the agent's placements lost");
    toRevoke.removeAll(placementsBefore);
  }

  void updateAgent(AgentInfo info) {
    AgentInfo before = agents.get(info.id());
    Set<Long> offersBefore = offerIdsOn(info.id());
    List<Placement> placementsBefore = allocator.placements();
    List<Offer> rescinded = allocator.updateAgent(info);
    agents.put(info.id(), info);
    check(ids(rescinded).equals(offersBefore), "updateAgent rescinds exactly the agent's offers");
    List<Placement> after = allocator.placements();
    check(instanceIds(after).equals(instanceIds(placementsBefore)), "updateAgent keeps every placement");
    for (int i = 0; i < after.size(); i++) {
      check(after.get(i).resources().equals(placementsBefore.get(i).resources()),
          "updateAgent keeps what every placement holds");
    }
    if (!info.total().fitsIn(before.total()) || !info.reservations().equals(before.reservations())) {
      filters.values().forEach(m -> m.remove(info.id()));
    }
  }

  void setAgentState(String id, AgentState state) {
    AgentState before = agentStates.get(id);
    Set<Long> offersBefore = offerIdsOn(id);
    List<Offer> rescinded = allocator.setAgentState(id, state);
    agentStates.put(id, state);
    boolean leavesActive = before == AgentState.ACTIVE && state != AgentState.ACTIVE;
    check(ids(rescinded).equals(leavesActive ? offersBefore : Set.of()),
        "setAgentState rescinds the agent's offers exactly when it leaves ACTIVE");
  }

  void addFramework(FrameworkInfo info) {
    allocator.addFramework(info);
    frameworks.put(info.id(), info);
  }

  void removeFramework(String id) {
    Set<String> before = new TreeSet<>();
    for (Placement p : allocator.placements()) {
      if (p.frameworkId().equals(id)) {
        before.add(p.instanceId());
      }
    }
    List<Placement> released = allocator.removeFramework(id);
    frameworks.remove(id);
    suppressed.remove(id);
    filters.remove(id);
    check(instanceIds(released).equals(before), "removeFramework releases exactly its placements");
    for (Offer o : allocator.outstandingOffers()) {
      check(!o.frameworkId().equals(id), "a removed framework keeps no offer");
    }
    toRevoke.removeAll(before);
  }

  void setWeight(String role, double weight) {
    allocator.setWeight(role, weight);
  }

  void setQuota(String role, Quota quota) {
    Set<Long> subtreeOffersBefore = new TreeSet<>();
    for (Offer o : allocator.outstandingOffers()) {
      if (RolePaths.isSelfOrDescendant(roleOf(o.frameworkId()), role)) {
        subtreeOffersBefore.add(o.id());
      }
    }
    List<Offer> rescinded = allocator.setQuota(role, quota);
    quotas.put(role, quota);
    check(subtreeOffersBefore.containsAll(ids(rescinded)), "setQuota rescinds only offers of the role's subtree");
    if (quota.limit().isEmpty()) {
      allowance.remove(role);
      return;
    }
    long[] limit = quota.limitVector(SCHEMA);
    long[] charged = charged(role);
    if (!Vec.fits(charged, limit)) {
      // A lowered limit takes back outstanding offers but evicts no placement: what may stay above
      // the limit is what the subtree holds in placements and reservations, with no offer left.
      for (Offer o : allocator.outstandingOffers()) {
        check(!RolePaths.isSelfOrDescendant(roleOf(o.frameworkId()), role),
            "role " + role + " is charged " + vec(charged) + " above its new limit " + quota.limit()
                + " yet its subtree keeps offer " + o);
      }
    }
    if (!rescinded.isEmpty()) {
      see("offer rescinded by a lowered limit");
    }
    if (!Vec.fits(charged, limit)) {
      see("limit below placements");
    }
    long[] allowed = limit.clone();
    for (int k = 0; k < allowed.length; k++) {
      allowed[k] = Math.max(allowed[k], charged[k]);
    }
    allowance.put(role, allowed);
  }

  void suppress(String frameworkId) {
    allocator.suppress(frameworkId);
    suppressed.add(frameworkId);
  }

  CycleResult revive(String frameworkId) {
    suppressed.remove(frameworkId);
    filters.remove(frameworkId);
    Map<String, Long> before = outstandingOfferCounts();
    CycleResult result = allocator.revive(frameworkId);
    checkCycle(result, before);
    return result;
  }

  void updateDemand(String frameworkId, Resources demand) {
    allocator.updateDemand(frameworkId, demand);
  }

  CycleResult allocate() {
    Map<String, Long> before = outstandingOfferCounts();
    CycleResult result = allocator.allocate();
    checkCycle(result, before);
    return result;
  }

  CycleResult allocate(Collection<String> agentIds) {
    Map<String, Long> before = outstandingOfferCounts();
    CycleResult result = allocator.allocate(agentIds);
    checkCycle(result, before);
    for (Offer o : result.offers()) {
      check(agentIds.contains(o.agentId()), "an event-driven cycle offers only its agents: " + o);
    }
    return result;
  }

  List<Placement> accept(Offer offer, List<Launch> launches) {
    List<Placement> placed = allocator.accept(offer.id(), launches);
    check(placed.size() == launches.size(), "accept places every launch");
    Resources used = Resources.none(SCHEMA);
    for (int i = 0; i < placed.size(); i++) {
      Placement p = placed.get(i);
      Launch l = launches.get(i);
      check(p.instanceId().equals(l.instanceId()) && p.resources().equals(l.resources())
              && p.agentId().equals(offer.agentId()) && p.frameworkId().equals(offer.frameworkId())
              && p.revocable() == offer.revocable() && p.priority() == l.priority(),
          "placement " + p + " is launch " + l + " on offer " + offer);
      used = used.plus(l.resources());
    }
    if (!used.equals(offer.resources())) {
      filter(offer.frameworkId(), offer.agentId(), frameworks.get(offer.frameworkId()).refuse());
    }
    return placed;
  }

  void decline(Offer offer, Duration refuse) {
    allocator.decline(offer.id(), refuse);
    filter(offer.frameworkId(), offer.agentId(), refuse == null ? frameworks.get(offer.frameworkId()).refuse() : refuse);
  }

  private void filter(String frameworkId, String agentId, Duration refuse) {
    if (!refuse.isZero()) {
      long millis = Math.max(refuse.toMillis(), INTERVAL.toMillis());
      filters.computeIfAbsent(frameworkId, k -> new HashMap<>()).put(agentId, clock.millis() + millis);
    }
  }

  void rescind(Offer offer) {
    Offer back = allocator.rescind(offer.id());
    check(back.equals(offer), "rescind returns the offer");
  }

  void recover(String instanceId) {
    Placement p = allocator.recover(instanceId);
    check(p.instanceId().equals(instanceId), "recover returns the placement");
    toRevoke.remove(instanceId);
  }

  /** Does what a caller must do with revocations: stops the named instances and recovers them. */
  void honourRevocations() {
    for (String id : List.copyOf(toRevoke)) {
      recover(id);
    }
  }

  void advance(Duration d) {
    clock.advance(d);
  }

  // ------------------------------------------------------------------ cycle checks

  private Map<String, Long> outstandingOfferCounts() {
    Map<String, Long> m = new HashMap<>();
    for (Offer o : allocator.outstandingOffers()) {
      m.merge(o.frameworkId(), 1L, Long::sum);
    }
    return m;
  }

  /** When each offer was made, in clock millis. */
  private final Map<Long, Long> offeredAt = new java.util.HashMap<>();

  /** What one cycle decided must respect suppression, filters, agent states and borrowing rules. */
  private void checkCycle(CycleResult result, Map<String, Long> offersBefore) {
    long now = clock.millis();
    for (Offer o : result.offers()) {
      see(o.revocable() ? "revocable offer" : "offer");
      if (!allocator.offerReservations(o.id()).isEmpty()) {
        see(o.revocable() ? "borrowed reservation" : "reserved offer");
      }
    }
    if (!result.revocations().isEmpty()) {
      see("revocation");
    }
    if (!result.rescinded().isEmpty()) {
      see("revocable offer rescinded");
    }
    Set<Long> outstanding = ids(allocator.outstandingOffers());
    for (Offer o : result.offers()) {
      offeredAt.put(o.id(), now);
      check(frameworks.containsKey(o.frameworkId()) && agents.containsKey(o.agentId()), "offer to known parties: " + o);
      check(!suppressed.contains(o.frameworkId()), "a suppressed framework gets no offer: " + o);
      check(agentStates.get(o.agentId()) == AgentState.ACTIVE, "only ACTIVE agents are offered: " + o);
      Long expiry = filters.getOrDefault(o.frameworkId(), Map.of()).get(o.agentId());
      check(expiry == null || expiry <= now,
          "offer " + o + " made at " + now + " ms while the framework filters the agent until " + expiry);
      check(!o.resources().isEmpty(), "no empty offer: " + o);
      FrameworkInfo f = frameworks.get(o.frameworkId());
      check(!o.revocable() || f.revocable(), "revocable offers only to frameworks that take them: " + o);
      check(f.minAllocatable() == null || f.minAllocatable().fitsIn(o.resources()),
          "offer " + o + " is at least the framework's minimum " + f.minAllocatable());
    }
    for (Offer o : result.rescinded()) {
      // Revocable offers whose capacity its owner needs, and offers left unanswered for their
      // framework's offer timeout (Mesos' --offer_timeout).
      FrameworkInfo f = frameworks.get(o.frameworkId());
      Duration timeout = f == null || f.offerTimeout() == null ? AllocatorConfig.DEFAULT_OFFER_TIMEOUT : f.offerTimeout();
      Long made = offeredAt.get(o.id());
      boolean timedOut = made != null && now - made >= timeout.toMillis();
      check(!outstanding.contains(o.id()) && (o.revocable() || timedOut),
          "a cycle rescinds only revocable offers and offers that timed out, for good: " + o + " made at " + made + " ms, now " + now);
    }
    Map<String, Placement> placements = new HashMap<>();
    for (Placement p : allocator.placements()) {
      placements.put(p.instanceId(), p);
    }
    for (Revocation r : result.revocations()) {
      Placement p = placements.get(r.placement().instanceId());
      check(p != null && p.revocable() && p.equals(r.placement()), "a revocation names a revocable placement: " + r);
      check(toRevoke.add(p.instanceId()), "a placement is revoked once: " + r);
    }
    for (Placement p : result.toMove()) {
      check(agentStates.get(p.agentId()) != AgentState.ACTIVE && placements.containsKey(p.instanceId()),
          "toMove names placements on agents that are not ACTIVE: " + p);
    }
    int notActive = 0;
    for (Placement p : placements.values()) {
      if (agentStates.get(p.agentId()) != AgentState.ACTIVE) {
        notActive++;
      }
    }
    check(result.toMove().size() == notActive, "toMove names every placement on an agent that is not ACTIVE");
  }

  // ------------------------------------------------------------------ invariants

  void checkInvariants() {
    checkCapacity();
    checkReservationsStayInTheirSubtree();
    checkLimits();
    checkRebuildFromTheRecord();
  }

  /**
   * After a restart the allocator is rebuilt from the recorded placements alone (offers are not
   * recorded): a fresh allocator given the same agents, frameworks and quotas takes every placement
   * back, with the same reservation split, and holds exactly what they hold on every agent.
   */
  void checkRebuildFromTheRecord() {
    HierarchicalAllocator rebuilt = new HierarchicalAllocator(SCHEMA, new AllocatorConfig(clock, INTERVAL, 0));
    agents.values().forEach(rebuilt::addAgent);
    agentStates.forEach((id, state) -> rebuilt.setAgentState(id, state));
    frameworks.values().forEach(rebuilt::addFramework);
    quotas.forEach(rebuilt::setQuota);
    List<Placement> record = allocator.placements();
    record.forEach(rebuilt::restore);
    check(rebuilt.placements().equals(record),
        "a rebuilt allocator holds the recorded placements unchanged: " + record + " became " + rebuilt.placements());
    for (String id : agents.keySet()) {
      long[] placed = new long[SCHEMA.size()];
      for (Placement p : record) {
        if (p.agentId().equals(id)) {
          Vec.add(placed, p.resources().toArray());
        }
      }
      check(rebuilt.usage(id).allocated().equals(Resources.ofArray(SCHEMA, placed)),
          "a rebuilt allocator holds on " + id + " exactly what the recorded placements hold");
    }
  }

  /**
   * No agent is allocated beyond its capacity on any resource: what {@code usage} reports, what the
   * outstanding offers and placements on it add up to, and, within that, what they take from each
   * reservation and from the unreserved part.
   */
  void checkCapacity() {
    Map<String, long[]> held = new HashMap<>();
    Map<String, long[]> unreservedHeld = new HashMap<>();
    Map<String, Map<String, long[]>> reservedHeld = new HashMap<>();
    for (Grant g : grants()) {
      check(agents.containsKey(g.agentId) && frameworks.containsKey(g.frameworkId), "grant of known parties: " + g);
      Vec.add(held.computeIfAbsent(g.agentId, k -> new long[SCHEMA.size()]), g.total);
      long[] unreserved = g.total.clone();
      for (var e : g.reserved.entrySet()) {
        long[] portion = e.getValue().toArray();
        check(agents.get(g.agentId).reservations().containsKey(e.getKey()), "grant uses a reservation its agent has: " + g);
        Vec.add(reservedHeld.computeIfAbsent(g.agentId, k -> new HashMap<>())
            .computeIfAbsent(e.getKey(), k -> new long[SCHEMA.size()]), portion);
        Vec.subtract(unreserved, portion);
      }
      check(!Arrays.stream(unreserved).anyMatch(x -> x < 0), "reserved portions are part of the grant: " + g);
      Vec.add(unreservedHeld.computeIfAbsent(g.agentId, k -> new long[SCHEMA.size()]), unreserved);
      if (g.offer) {
        check(agentStates.get(g.agentId) == AgentState.ACTIVE, "outstanding offer on an agent that is not ACTIVE: " + g);
      }
    }
    for (AgentInfo a : agents.values()) {
      long[] total = a.total().toArray();
      long[] sum = held.getOrDefault(a.id(), new long[SCHEMA.size()]);
      AgentUsage usage = allocator.usage(a.id());
      check(usage.total().equals(a.total()), "usage total of " + a.id());
      check(usage.allocated().fitsIn(a.total()),
          "agent " + a.id() + " allocated " + usage.allocated() + " beyond its capacity " + a.total());
      check(Vec.fits(sum, total),
          "offers and placements on " + a.id() + " add up to " + vec(sum) + ", beyond its capacity " + a.total());
      check(Arrays.equals(usage.allocated().toArray(), sum),
          "usage of " + a.id() + " reports " + usage.allocated() + " but its offers and placements hold " + vec(sum));
      check(usage.allocated().plus(usage.free()).equals(a.total()), "allocated + free = total on " + a.id());
      long[] unreservedTotal = total.clone();
      for (var r : a.reservations().entrySet()) {
        long[] reservation = r.getValue().toArray();
        Vec.subtract(unreservedTotal, reservation);
        long[] used = reservedHeld.getOrDefault(a.id(), Map.of()).getOrDefault(r.getKey(), new long[SCHEMA.size()]);
        check(Vec.fits(used, reservation),
            "agent " + a.id() + " hands out " + vec(used) + " of the reservation " + r.getValue() + " for " + r.getKey());
      }
      long[] unreserved = unreservedHeld.getOrDefault(a.id(), new long[SCHEMA.size()]);
      check(Vec.fits(unreserved, unreservedTotal),
          "agent " + a.id() + " hands out " + vec(unreserved) + " unreserved of " + vec(unreservedTotal));
    }
  }

  /**
   * Reserved capacity is offered only to its role's subtree; outside it, only as revocable capacity,
   * and revocable capacity only to frameworks that take it.
   */
  void checkReservationsStayInTheirSubtree() {
    for (Grant g : grants()) {
      String role = roleOf(g.frameworkId);
      check(!g.revocable || frameworks.get(g.frameworkId).revocable(),
          "revocable capacity held by a framework that does not take it: " + g);
      for (var e : g.reserved.entrySet()) {
        check(g.revocable || RolePaths.isSelfOrDescendant(role, e.getKey()),
            "framework " + g.frameworkId + " of role " + role + " holds " + e.getValue() + " reserved for "
                + e.getKey() + " as non-revocable: " + g);
      }
    }
  }

  /**
   * A role with a limit is never charged beyond it. A subtree is charged with the reservations of
   * its roles, used or not (as {@link Quota} says), plus everything else its frameworks hold in
   * offers and placements, revocable included (borrowed capacity and a parent's reservation alike).
   *
   * <p>Two events may leave a subtree above its limit, and neither is the allocator's doing: a
   * limit lowered below what placements already hold (offers are rescinded, placements are not
   * evicted) and a new agent with reservations for the subtree. The allowance records that: it is
   * the limit, raised to what the subtree was charged right after such an event, and it only comes
   * back down (to the limit at the lowest) as the subtree releases capacity. The allocator must
   * never make an offer that takes a subtree above its allowance.
   */
  void checkLimits() {
    for (var e : allowance.entrySet()) {
      String role = e.getKey();
      long[] limit = quotas.get(role).limitVector(SCHEMA);
      long[] allowed = e.getValue();
      long[] charged = charged(role);
      for (int k = 0; k < limit.length; k++) {
        if (limit[k] < Vec.UNLIMITED && charged[k] == limit[k] && charged[k] > 0) {
          see("role at its limit");
        }
      }
      check(Vec.fits(charged, allowed),
          "role " + role + " with limit " + quotas.get(role).limit() + " is charged " + vec(charged)
              + " (allowance " + vec(allowed) + ")");
      for (int k = 0; k < allowed.length; k++) {
        allowed[k] = Math.max(limit[k], Math.min(allowed[k], charged[k]));
      }
    }
  }

  /** What the subtree of {@code role} is charged with: see {@link #checkLimits()}. */
  long[] charged(String role) {
    long[] c = new long[SCHEMA.size()];
    for (AgentInfo a : agents.values()) {
      for (var r : a.reservations().entrySet()) {
        if (RolePaths.isSelfOrDescendant(r.getKey(), role)) {
          Vec.add(c, r.getValue().toArray());
        }
      }
    }
    for (Grant g : grants()) {
      if (RolePaths.isSelfOrDescendant(roleOf(g.frameworkId), role)) {
        long[] part = g.total.clone();
        for (var r : g.reserved.entrySet()) {
          if (RolePaths.isSelfOrDescendant(r.getKey(), role)) {
            Vec.subtract(part, r.getValue().toArray());
          }
        }
        Vec.add(c, part);
      }
    }
    return c;
  }

  // ------------------------------------------------------------------ observation helpers

  /** An outstanding offer or a placement, with its reservation breakdown. */
  record Grant(boolean offer, String id, String frameworkId, String agentId, long[] total, boolean revocable,
      Map<String, Resources> reserved) {
    @Override
    public String toString() {
      return (offer ? "offer " : "placement ") + id + " of " + frameworkId + " on " + agentId + " " + vec(total)
          + (revocable ? " revocable" : "") + (reserved.isEmpty() ? "" : " reserved " + reserved);
    }
  }

  List<Grant> grants() {
    List<Grant> list = new ArrayList<>();
    for (Offer o : allocator.outstandingOffers()) {
      list.add(new Grant(true, String.valueOf(o.id()), o.frameworkId(), o.agentId(), o.resources().toArray(),
          o.revocable(), allocator.offerReservations(o.id())));
    }
    for (Placement p : allocator.placements()) {
      list.add(new Grant(false, p.instanceId(), p.frameworkId(), p.agentId(), p.resources().toArray(),
          p.revocable(), allocator.placementReservations(p.instanceId())));
    }
    return list;
  }

  String roleOf(String frameworkId) {
    return frameworks.get(frameworkId).role();
  }

  private Set<Long> offerIdsOn(String agentId) {
    Set<Long> s = new TreeSet<>();
    for (Offer o : allocator.outstandingOffers()) {
      if (o.agentId().equals(agentId)) {
        s.add(o.id());
      }
    }
    return s;
  }

  private Set<String> placementIdsOn(String agentId) {
    Set<String> s = new TreeSet<>();
    for (Placement p : allocator.placements()) {
      if (p.agentId().equals(agentId)) {
        s.add(p.instanceId());
      }
    }
    return s;
  }

  private static Set<Long> ids(List<Offer> offers) {
    Set<Long> s = new TreeSet<>();
    offers.forEach(o -> s.add(o.id()));
    return s;
  }

  private static Set<String> instanceIds(List<Placement> placements) {
    Set<String> s = new TreeSet<>();
    placements.forEach(p -> s.add(p.instanceId()));
    return s;
  }

  void see(String event) {
    seen.merge(event, 1, Integer::sum);
  }

  static String vec(long[] v) {
    return Resources.ofArray(SCHEMA, v).toString();
  }

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
