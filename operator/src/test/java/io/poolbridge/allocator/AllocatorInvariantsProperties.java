package io.poolbridge.allocator;

import static io.poolbridge.allocator.AllocatorWorld.ROLES;
import static io.poolbridge.allocator.AllocatorWorld.res;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

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
 */
class AllocatorInvariantsProperties {

  @Property(tries = 150)
  void invariantsHoldAfterEveryOperation(@ForAll("operations") ActionChain<AllocatorWorld> chain) {
    AllocatorWorld end = chain.withInvariant("allocator invariants", AllocatorWorld::checkInvariants).run();
    for (String event : EVENTS) {
      Statistics.label(event).collect(end.seen.containsKey(event));
    }
  }

  /** What a run should reach now and then; the report shows in how many runs each happened. */
  private static final List<String> EVENTS = List.of(
      "reserved offer", "revocable offer", "borrowed reservation", "revocation", "revocable offer rescinded",
      "offer rescinded by a lowered limit", "limit below placements", "role at its limit");

  @Provide
  Arbitrary<ActionChain<AllocatorWorld>> operations() {
    return ActionChain.startWith(() -> new AllocatorWorld(7))
        .withAction(4, addAgent())
        .withAction(1, removeAgent())
        .withAction(3, addFramework())
        .withAction(1, removeFramework())
        .withAction(1, setWeight())
        .withAction(3, setQuota())
        .withAction(5, allocate())
        .withAction(2, allocateSome())
        .withAction(6, accept())
        .withAction(3, decline())
        .withAction(1, rescind())
        .withAction(3, recover())
        .withAction(1, suppress())
        .withAction(1, revive())
        .withAction(1, setAgentState())
        .withAction(2, advanceClock())
        .withAction(3, updateDemand())
        .withAction(3, honourRevocations())
        .withMaxTransformations(60);
  }

  // ------------------------------------------------------------------ generators

  static Arbitrary<String> roles() {
    return Arbitraries.of(ROLES);
  }

  static Arbitrary<Duration> refuse() {
    return Arbitraries.of(Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(30));
  }

  /** An agent's capacity: a few cpus, some memory, sometimes GPUs. */
  static Arbitrary<Resources> capacity() {
    return Combinators.combine(
            Arbitraries.longs().between(1, 16),
            Arbitraries.longs().between(1, 64),
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0L)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 4))))
        .as(AllocatorWorld::res);
  }

  /** Up to two reservations, each a percentage (together at most 100 %) of the agent's capacity. */
  static Arbitrary<Map<String, Integer>> reservationShares() {
    return Arbitraries.maps(roles(), Arbitraries.integers().between(1, 50)).ofMaxSize(2);
  }

  static Action.Independent<AllocatorWorld> addAgent() {
    return () -> Combinators.combine(capacity(), reservationShares(), Arbitraries.of(0, 1))
        .as((total, shares, reservedVariant) -> Transformer.mutate(
            "addAgent " + total + " reserving " + shares + " %",
            (AllocatorWorld w) -> {
              Map<String, Resources> reservations = new LinkedHashMap<>();
              shares.forEach((role, pct) -> reservations.put(role, scale(total, pct)));
              String id = w.nextAgentId();
              w.addAgent(new AgentInfo(id, "pool" + (id.hashCode() & 1), Map.of("zone", "z" + reservedVariant),
                  total, reservations));
            }));
  }

  static Resources scale(Resources r, int pct) {
    long[] v = r.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i] * pct / 100;
    }
    return Resources.ofArray(AllocatorWorld.SCHEMA, v);
  }

  static Action.Dependent<AllocatorWorld> removeAgent() {
    return dependent(w -> !w.agents.isEmpty(),
        w -> Arbitraries.of(List.copyOf(w.agents.keySet()))
            .map(id -> Transformer.mutate("removeAgent " + id, (AllocatorWorld s) -> s.removeAgent(id))));
  }

  static Action.Dependent<AllocatorWorld> setAgentState() {
    return dependent(w -> !w.agents.isEmpty(),
        w -> Combinators.combine(Arbitraries.of(List.copyOf(w.agents.keySet())), Arbitraries.of(AgentState.class))
            .as((id, state) -> Transformer.mutate("setAgentState " + id + " " + state,
                (AllocatorWorld s) -> s.setAgentState(id, state))));
  }

  static Action.Independent<AllocatorWorld> addFramework() {
    return () -> Combinators.combine(
            roles(), Arbitraries.of(true, false), refuse(),
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just((Resources) null)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 4).map(c -> res(c, 0, 0)))))
        .as((role, revocable, refuse, min) -> Transformer.mutate(
            "addFramework role " + role + (revocable ? " revocable" : "") + " refuse " + refuse
                + (min == null ? "" : " min " + min),
            (AllocatorWorld w) -> w.addFramework(new FrameworkInfo(w.nextFrameworkId(), role, revocable, refuse, min))));
  }

  static Action.Dependent<AllocatorWorld> removeFramework() {
    return dependent(w -> !w.frameworks.isEmpty(),
        w -> Arbitraries.of(List.copyOf(w.frameworks.keySet()))
            .map(id -> Transformer.mutate("removeFramework " + id, (AllocatorWorld s) -> s.removeFramework(id))));
  }

  static Action.Independent<AllocatorWorld> setWeight() {
    return () -> Combinators.combine(roles(), Arbitraries.of(0.5, 1.0, 2.0, 4.0))
        .as((role, weight) -> Transformer.mutate("setWeight " + role + " " + weight,
            (AllocatorWorld w) -> w.setWeight(role, weight)));
  }

  /** A quota on cpus and mem: each has a guarantee, a limit, both (guarantee ≤ limit) or neither. */
  static Arbitrary<Quota> quota() {
    Arbitrary<long[]> cpus = bounds(12);
    Arbitrary<long[]> mem = bounds(48);
    return Combinators.combine(cpus, mem).as((c, m) -> {
      Map<String, Long> guarantee = new HashMap<>();
      Map<String, Long> limit = new HashMap<>();
      put(guarantee, limit, "cpus", c);
      put(guarantee, limit, "mem", m);
      return new Quota(guarantee, limit);
    });
  }

  /** {guarantee or -1, limit or -1}. */
  private static Arbitrary<long[]> bounds(long max) {
    return Combinators.combine(
            Arbitraries.of(0, 1, 2, 3), Arbitraries.longs().between(0, max), Arbitraries.longs().between(0, max))
        .as((kind, a, b) -> switch (kind) {
          case 0 -> new long[] {-1, -1};
          case 1 -> new long[] {a, -1};
          case 2 -> new long[] {-1, a};
          default -> new long[] {Math.min(a, b), Math.max(a, b)};
        });
  }

  private static void put(Map<String, Long> guarantee, Map<String, Long> limit, String name, long[] bounds) {
    if (bounds[0] >= 0) {
      guarantee.put(name, bounds[0]);
    }
    if (bounds[1] >= 0) {
      limit.put(name, bounds[1]);
    }
  }

  static Action.Independent<AllocatorWorld> setQuota() {
    return () -> Combinators.combine(roles(), quota())
        .as((role, quota) -> Transformer.mutate("setQuota " + role + " guarantee " + quota.guarantee()
                + " limit " + quota.limit(),
            (AllocatorWorld w) -> w.setQuota(role, quota)));
  }

  static Action.Independent<AllocatorWorld> allocate() {
    return Action.just(Transformer.mutate("allocate", (AllocatorWorld w) -> w.allocate()));
  }

  static Action.Dependent<AllocatorWorld> allocateSome() {
    return dependent(w -> !w.agents.isEmpty(),
        w -> Arbitraries.subsetOf(List.copyOf(w.agents.keySet())).ofMinSize(1)
            .map(ids -> {
              List<String> list = new ArrayList<>(ids);
              list.add("no-such-agent");
              return Transformer.mutate("allocate " + list, (AllocatorWorld s) -> s.allocate(list));
            }));
  }

  /** Accepts some outstanding offers, each for up to three launches cut from what it holds. */
  static Action.Dependent<AllocatorWorld> accept() {
    return dependent(w -> !w.allocator.outstandingOffers().isEmpty(),
        w -> Combinators.combine(
                Arbitraries.subsetOf(w.allocator.outstandingOffers()).ofMinSize(1).ofMaxSize(4),
                Arbitraries.integers().between(0, 100).list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.integers().between(0, 3))
            .as((offers, pcts, priority) -> {
              Map<Offer, List<Launch>> plan = new LinkedHashMap<>();
              StringBuilder description = new StringBuilder("accept");
              int n = 0;
              for (Offer o : offers.stream().sorted(java.util.Comparator.comparingLong(Offer::id)).toList()) {
                Resources left = o.resources();
                List<Launch> launches = new ArrayList<>();
                for (int pct : pcts) {
                  Resources r = scale(left, pct);
                  if (!r.isEmpty()) {
                    launches.add(new Launch("n" + (n++), r, priority));
                    left = left.minus(r);
                  }
                }
                plan.put(o, launches);
                description.append(" offer ").append(o.id()).append(" (").append(o.resources()).append(") for ")
                    .append(launches.stream().map(l -> l.resources().toString()).toList());
              }
              return Transformer.mutate(description.toString(), (AllocatorWorld s) -> plan.forEach((o, launches) -> {
                List<Launch> named = new ArrayList<>();
                for (Launch l : launches) {
                  named.add(new Launch(s.nextInstanceId(), l.resources(), l.priority()));
                }
                s.accept(o, named);
              }));
            }));
  }

  static Action.Dependent<AllocatorWorld> decline() {
    return dependent(w -> !w.allocator.outstandingOffers().isEmpty(),
        w -> Combinators.combine(
                Arbitraries.subsetOf(w.allocator.outstandingOffers()).ofMinSize(1).ofMaxSize(4),
                refuse().injectNull(0.3))
            .as((offers, refuse) -> Transformer.mutate(
                "decline offers " + offers.stream().map(Offer::id).sorted().toList() + " refuse " + refuse,
                (AllocatorWorld s) -> offers.forEach(o -> s.decline(o, refuse)))));
  }

  static Action.Dependent<AllocatorWorld> rescind() {
    return dependent(w -> !w.allocator.outstandingOffers().isEmpty(),
        w -> Arbitraries.of(w.allocator.outstandingOffers())
            .map(o -> Transformer.mutate("rescind offer " + o.id(), (AllocatorWorld s) -> s.rescind(o))));
  }

  static Action.Dependent<AllocatorWorld> recover() {
    return dependent(w -> !w.allocator.placements().isEmpty(),
        w -> Arbitraries.subsetOf(w.allocator.placements().stream().map(Placement::instanceId).toList())
            .ofMinSize(1).ofMaxSize(3)
            .map(ids -> Transformer.mutate("recover " + ids.stream().sorted().toList(),
                (AllocatorWorld s) -> ids.forEach(s::recover))));
  }

  static Action.Dependent<AllocatorWorld> suppress() {
    return dependent(w -> !w.frameworks.isEmpty(),
        w -> Arbitraries.of(List.copyOf(w.frameworks.keySet()))
            .map(id -> Transformer.mutate("suppress " + id, (AllocatorWorld s) -> s.suppress(id))));
  }

  static Action.Dependent<AllocatorWorld> revive() {
    return dependent(w -> !w.frameworks.isEmpty(),
        w -> Arbitraries.of(List.copyOf(w.frameworks.keySet()))
            .map(id -> Transformer.mutate("revive " + id, (AllocatorWorld s) -> s.revive(id))));
  }

  static Action.Independent<AllocatorWorld> advanceClock() {
    return () -> Arbitraries.of(250L, 1000L, 3000L, 6000L, 31000L)
        .map(ms -> Transformer.mutate("advance " + ms + " ms", (AllocatorWorld w) -> w.advance(Duration.ofMillis(ms))));
  }

  static Action.Dependent<AllocatorWorld> updateDemand() {
    return dependent(w -> !w.frameworks.isEmpty(),
        w -> Combinators.combine(
                Arbitraries.of(List.copyOf(w.frameworks.keySet())),
                Arbitraries.longs().between(0, 12), Arbitraries.longs().between(0, 48))
            .as((id, cpus, mem) -> Transformer.mutate("updateDemand " + id + " " + res(cpus, mem, 0),
                (AllocatorWorld s) -> s.updateDemand(id, res(cpus, mem, 0)))));
  }

  static Action.Dependent<AllocatorWorld> honourRevocations() {
    return dependent(w -> !w.toRevoke.isEmpty(),
        w -> Arbitraries.just(Transformer.mutate("recover revoked " + w.toRevoke, AllocatorWorld::honourRevocations)));
  }

  static Action.Dependent<AllocatorWorld> dependent(
      Predicate<AllocatorWorld> precondition, Function<AllocatorWorld, Arbitrary<Transformer<AllocatorWorld>>> f) {
    return new Action.Dependent<>() {
      @Override
      public boolean precondition(AllocatorWorld w) {
        return precondition.test(w);
      }

      @Override
      public Arbitrary<Transformer<AllocatorWorld>> transformer(AllocatorWorld w) {
        return f.apply(w);
      }
    };
  }
}
