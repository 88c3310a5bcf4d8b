package io.poolbridge.allocator;

import static io.poolbridge.allocator.AllocatorWorld.ROLES;
import static io.poolbridge.allocator.AllocatorWorld.res;

import io.poolbridge.testing.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Random sequences of everything the operator can tell the allocator, with the allocator's
 * invariants checked after every step (see {@link AllocatorWorld#checkInvariants()}):
 *
 * <ul>
 *   <li>no agent is allocated beyond its capacity, nor beyond any of its reservations or its
 *       unreserved part, and {@code usage} agrees with the offers and placements;
 *   <li>no role with a limit is charged beyond it, except for what the platform team's own
 *       changes (a lowered limit, a new reservation) left there, which only shrinks;
 *   <li>reserved capacity is held outside its role's subtree only as revocable capacity;
 *   <li>each cycle respects suppression, filters, agent states and minimum offer sizes, and
 *       names for revocation only revocable placements.
 * </ul>
 *
 * <p>A sequence is a list of {@link Step}s, each an operation kind and the seed of its own choices.
 * A step resolves its choices against the state it meets (which agent, which offer) and is skipped
 * when it has nothing to act on, so any sublist of a sequence is a valid sequence: a failure is
 * shrunk by dropping steps, and the minimal sequence is printed with the seed (see {@link Seeds}).
 */
class AllocatorInvariantsProperties {
  private static final int MAX_STEPS = 60;

  /** What a run should reach now and then; printed after the runs, with in how many runs each happened. */
  private static final List<String> EVENTS = List.of(
      "reserved offer", "revocable offer", "borrowed reservation", "revocation", "revocable offer rescinded",
      "offer rescinded by a lowered limit", "limit below placements", "role at its limit");
  private static final Map<String, Integer> COVERAGE = new TreeMap<>();
  private static int runs;

  @TestFactory
  Stream<DynamicTest> invariantsHoldAfterEveryOperation() {
    return Seeds.forEachSeed("allocator invariants", 150, 25, seed -> {
      List<Step> steps = steps(new Random(seed));
      Throwable failure = Seeds.failureOf(steps, AllocatorInvariantsProperties::run);
      if (failure == null) {
        return;
      }
      List<Step> minimal = Seeds.shrink(steps, s -> Seeds.failureOf(s, AllocatorInvariantsProperties::run) != null, 2000);
      List<String> log = new ArrayList<>();
      Throwable minimalFailure = Seeds.failureOf(minimal, s -> run(s, log));
      throw new AssertionError("minimal failing sequence (" + log.size() + " of the " + steps.size()
          + " generated operations, the last one failing):\n  " + String.join("\n  ", log) + "\n"
          + (minimalFailure == null ? failure.getMessage() : minimalFailure.getMessage()),
          minimalFailure == null ? failure : minimalFailure);
    });
  }

  @AfterAll
  static void printCoverage() {
    synchronized (COVERAGE) {
      StringBuilder sb = new StringBuilder("[allocator invariants] runs reaching each event, of " + runs + ":");
      for (String event : EVENTS) {
        sb.append("\n  ").append(event).append(": ").append(COVERAGE.getOrDefault(event, 0));
      }
      System.out.println(sb);
    }
  }

  private static void run(List<Step> steps) {
    AllocatorWorld end = run(steps, new ArrayList<>());
    synchronized (COVERAGE) {
      runs++;
      for (String event : EVENTS) {
        if (end.seen.containsKey(event)) {
          COVERAGE.merge(event, 1, Integer::sum);
        }
      }
    }
  }

  /** Runs the steps from a fresh world, checking the invariants after each; {@code log} gets what each did. */
  static AllocatorWorld run(List<Step> steps, List<String> log) {
    AllocatorWorld w = new AllocatorWorld(7);
    w.checkInvariants();
    for (Step step : steps) {
      String done;
      try {
        done = step.apply(w);
      } catch (AssertionError | RuntimeException e) {
        log.add(step.kind() + " (failed while applying it)");
        throw e;
      }
      if (done == null) {
        continue;
      }
      log.add(done);
      w.checkInvariants();
    }
    return w;
  }

  // ------------------------------------------------------------------ generation

  /** Operation kinds, with their relative frequencies (as the jqwik action chain had them). */
  enum Kind {
    ADD_AGENT(4), REMOVE_AGENT(1), ADD_FRAMEWORK(3), REMOVE_FRAMEWORK(1), SET_WEIGHT(1), SET_QUOTA(3),
    ALLOCATE(5), ALLOCATE_SOME(2), ACCEPT(6), DECLINE(3), RESCIND(1), RECOVER(3), SUPPRESS(1), REVIVE(1),
    SET_AGENT_STATE(1), ADVANCE_CLOCK(2), UPDATE_DEMAND(3), HONOUR_REVOCATIONS(3), UPDATE_AGENT(2);

    final int weight;

    Kind(int weight) {
      this.weight = weight;
    }
  }

  /** One operation: its kind and the seed of the choices it makes against the state it meets. */
  record Step(Kind kind, long seed) {
    /** Applies the step; what it did, or null when it had nothing to act on (skipped). */
    String apply(AllocatorWorld w) {
      return AllocatorInvariantsProperties.apply(this, w, new Random(seed));
    }
  }

  static List<Step> steps(Random r) {
    int total = 0;
    for (Kind k : Kind.values()) {
      total += k.weight;
    }
    int n = 10 + r.nextInt(MAX_STEPS - 9);
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int pick = r.nextInt(total);
      Kind kind = null;
      for (Kind k : Kind.values()) {
        pick -= k.weight;
        if (pick < 0) {
          kind = k;
          break;
        }
      }
      steps.add(new Step(kind, r.nextLong()));
    }
    return steps;
  }

  static String role(Random r) {
    return ROLES.get(r.nextInt(ROLES.size()));
  }

  static <T> T oneOf(Random r, List<T> values) {
    return values.get(r.nextInt(values.size()));
  }

  static long between(Random r, long min, long max) {
    return min + (long) r.nextInt((int) (max - min + 1));
  }

  /** Between {@code min} and {@code max} distinct elements of {@code from}, in {@code from}'s order. */
  static <T> List<T> subset(Random r, List<T> from, int min, int max) {
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < from.size(); i++) {
      indices.add(i);
    }
    Collections.shuffle(indices, r);
    int k = (int) between(r, Math.min(min, from.size()), Math.min(max, from.size()));
    List<Integer> chosen = new ArrayList<>(indices.subList(0, k));
    Collections.sort(chosen);
    List<T> subset = new ArrayList<>();
    chosen.forEach(i -> subset.add(from.get(i)));
    return subset;
  }

  static final List<Duration> REFUSE = List.of(
      Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30));

  /** An agent's capacity: a few cpus, some memory, sometimes GPUs. */
  static Resources capacity(Random r) {
    long cpus = between(r, 1, 16);
    long mem = between(r, 1, 64);
    long gpus = r.nextInt(4) < 3 ? 0 : between(r, 1, 4);
    return res(cpus, mem, gpus);
  }

  /** Up to two reservations, each a percentage (together at most 100 %) of the agent's capacity. */
  static Map<String, Integer> reservationShares(Random r) {
    Map<String, Integer> shares = new TreeMap<>();
    int n = r.nextInt(3);
    for (int i = 0; i < n; i++) {
      shares.put(role(r), (int) between(r, 1, 50));
    }
    return shares;
  }

  static Resources scale(Resources r, int pct) {
    long[] v = r.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i] * pct / 100;
    }
    return Resources.ofArray(AllocatorWorld.SCHEMA, v);
  }

  /** A quota on cpus and mem: each has a guarantee, a limit, both (guarantee ≤ limit) or neither. */
  static Quota quota(Random r) {
    Map<String, Long> guarantee = new HashMap<>();
    Map<String, Long> limit = new HashMap<>();
    put(guarantee, limit, "cpus", bounds(r, 12));
    put(guarantee, limit, "mem", bounds(r, 48));
    return new Quota(guarantee, limit);
  }

  /** {guarantee or -1, limit or -1}. */
  private static long[] bounds(Random r, long max) {
    int kind = r.nextInt(4);
    long a = between(r, 0, max);
    long b = between(r, 0, max);
    return switch (kind) {
      case 0 -> new long[] {-1, -1};
      case 1 -> new long[] {a, -1};
      case 2 -> new long[] {-1, a};
      default -> new long[] {Math.min(a, b), Math.max(a, b)};
    };
  }

  private static void put(Map<String, Long> guarantee, Map<String, Long> limit, String name, long[] bounds) {
    if (bounds[0] >= 0) {
      guarantee.put(name, bounds[0]);
    }
    if (bounds[1] >= 0) {
      limit.put(name, bounds[1]);
    }
  }

  private static List<Offer> offers(AllocatorWorld w) {
    List<Offer> offers = new ArrayList<>(w.allocator.outstandingOffers());
    offers.sort(Comparator.comparingLong(Offer::id));
    return offers;
  }

  private static String apply(Step step, AllocatorWorld w, Random r) {
    List<String> agents = List.copyOf(w.agents.keySet());
    List<String> frameworks = List.copyOf(w.frameworks.keySet());
    switch (step.kind()) {
      case ADD_AGENT -> {
        Resources total = capacity(r);
        Map<String, Integer> shares = reservationShares(r);
        int zone = r.nextInt(2);
        Map<String, Resources> reservations = new LinkedHashMap<>();
        shares.forEach((role, pct) -> reservations.put(role, scale(total, pct)));
        String id = w.nextAgentId();
        w.addAgent(new AgentInfo(id, "pool" + (id.hashCode() & 1), Map.of("zone", "z" + zone), total, reservations));
        return "addAgent " + id + " " + total + " reserving " + shares + " %";
      }
      case REMOVE_AGENT -> {
        if (agents.isEmpty()) {
          return null;
        }
        String id = oneOf(r, agents);
        w.removeAgent(id);
        return "removeAgent " + id;
      }
      case UPDATE_AGENT -> {
        if (agents.isEmpty()) {
          return null;
        }
        String id = oneOf(r, agents);
        AgentInfo before = w.agents.get(id);
        // Grown (its reservations kept), or its reservations given up (its total kept): never below
        // what its placements hold, which the capacity invariant checks.
        boolean dropReservations = r.nextInt(3) == 0;
        Resources total = dropReservations
            ? before.total()
            : before.total().plus(res(between(r, 0, 4), between(r, 0, 8), r.nextInt(4) == 0 ? 1 : 0));
        Map<String, Resources> reservations = dropReservations ? Map.of() : before.reservations();
        w.updateAgent(new AgentInfo(id, before.pool(), Map.of("zone", "z" + r.nextInt(2)), total, reservations));
        return "updateAgent " + id + " " + total + (dropReservations ? " without reservations" : "");
      }
      case SET_AGENT_STATE -> {
        if (agents.isEmpty()) {
          return null;
        }
        String id = oneOf(r, agents);
        AgentState state = oneOf(r, List.of(AgentState.values()));
        w.setAgentState(id, state);
        return "setAgentState " + id + " " + state;
      }
      case ADD_FRAMEWORK -> {
        String role = role(r);
        boolean revocable = r.nextBoolean();
        Duration refuse = oneOf(r, REFUSE);
        Resources min = r.nextInt(5) < 4 ? null : res(between(r, 1, 4), 0, 0);
        String id = w.nextFrameworkId();
        w.addFramework(new FrameworkInfo(id, role, revocable, refuse, min));
        return "addFramework " + id + " role " + role + (revocable ? " revocable" : "") + " refuse " + refuse
            + (min == null ? "" : " min " + min);
      }
      case REMOVE_FRAMEWORK -> {
        if (frameworks.isEmpty()) {
          return null;
        }
        String id = oneOf(r, frameworks);
        w.removeFramework(id);
        return "removeFramework " + id;
      }
      case SET_WEIGHT -> {
        String role = role(r);
        double weight = oneOf(r, List.of(0.5, 1.0, 2.0, 4.0));
        w.setWeight(role, weight);
        return "setWeight " + role + " " + weight;
      }
      case SET_QUOTA -> {
        String role = role(r);
        Quota quota = quota(r);
        w.setQuota(role, quota);
        return "setQuota " + role + " guarantee " + new TreeMap<>(quota.guarantee()) + " limit " + new TreeMap<>(quota.limit());
      }
      case ALLOCATE -> {
        w.allocate();
        return "allocate";
      }
      case ALLOCATE_SOME -> {
        if (agents.isEmpty()) {
          return null;
        }
        List<String> list = subset(r, agents, 1, agents.size());
        list.add("no-such-agent");
        w.allocate(list);
        return "allocate " + list;
      }
      case ACCEPT -> {
        List<Offer> outstanding = offers(w);
        if (outstanding.isEmpty()) {
          return null;
        }
        List<Offer> chosen = subset(r, outstanding, 1, 4);
        List<Integer> pcts = new ArrayList<>();
        int n = (int) between(r, 1, 3);
        for (int i = 0; i < n; i++) {
          pcts.add((int) between(r, 0, 100));
        }
        int priority = (int) between(r, 0, 3);
        StringBuilder description = new StringBuilder("accept");
        for (Offer o : chosen) {
          Resources left = o.resources();
          List<Launch> launches = new ArrayList<>();
          for (int pct : pcts) {
            Resources part = scale(left, pct);
            if (!part.isEmpty()) {
              launches.add(new Launch(w.nextInstanceId(), part, priority));
              left = left.minus(part);
            }
          }
          description.append(" offer ").append(o.id()).append(" (").append(o.resources()).append(") for ")
              .append(launches.stream().map(l -> l.instanceId() + " " + l.resources()).toList());
          w.accept(o, launches);
        }
        return description.toString();
      }
      case DECLINE -> {
        List<Offer> outstanding = offers(w);
        if (outstanding.isEmpty()) {
          return null;
        }
        List<Offer> chosen = subset(r, outstanding, 1, 4);
        Duration refuse = r.nextInt(10) < 3 ? null : oneOf(r, REFUSE);
        chosen.forEach(o -> w.decline(o, refuse));
        return "decline offers " + chosen.stream().map(Offer::id).toList() + " refuse " + refuse;
      }
      case RESCIND -> {
        List<Offer> outstanding = offers(w);
        if (outstanding.isEmpty()) {
          return null;
        }
        Offer o = oneOf(r, outstanding);
        w.rescind(o);
        return "rescind offer " + o.id();
      }
      case RECOVER -> {
        List<String> placed = w.allocator.placements().stream().map(Placement::instanceId).sorted().toList();
        if (placed.isEmpty()) {
          return null;
        }
        List<String> ids = subset(r, placed, 1, 3);
        ids.forEach(w::recover);
        return "recover " + ids;
      }
      case SUPPRESS -> {
        if (frameworks.isEmpty()) {
          return null;
        }
        String id = oneOf(r, frameworks);
        w.suppress(id);
        return "suppress " + id;
      }
      case REVIVE -> {
        if (frameworks.isEmpty()) {
          return null;
        }
        String id = oneOf(r, frameworks);
        w.revive(id);
        return "revive " + id;
      }
      case ADVANCE_CLOCK -> {
        long ms = oneOf(r, List.of(250L, 1000L, 3000L, 6000L, 31000L));
        w.advance(Duration.ofMillis(ms));
        return "advance " + ms + " ms";
      }
      case UPDATE_DEMAND -> {
        if (frameworks.isEmpty()) {
          return null;
        }
        String id = oneOf(r, frameworks);
        Resources demand = res(between(r, 0, 12), between(r, 0, 48), 0);
        w.updateDemand(id, demand);
        return "updateDemand " + id + " " + demand;
      }
      case HONOUR_REVOCATIONS -> {
        if (w.toRevoke.isEmpty()) {
          return null;
        }
        String revoked = w.toRevoke.toString();
        w.honourRevocations();
        return "recover revoked " + revoked;
      }
      default -> throw new IllegalStateException("unknown step " + step);
    }
  }
}
