package io.poolbridge.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small harness to re-express Mesos' allocator scenarios: an allocator over a {@link TestClock},
 * resources written as Mesos writes them ({@code "cpus:1;mem:512;cpus(role1):2"}), and offers shown
 * as readable lines ({@code "framework1 <- agent1 cpus:1;mem:512"}) so that a test states exactly who
 * was offered what.
 *
 * <p>Units: {@code cpus} are written in cores and held in millicores (the allocator's unit), so
 * {@code cpus:0.25} is 250; every other resource ({@code mem} and {@code disk} in MB, {@code gpus})
 * is a whole count.
 */
final class Scenario {
  static final String POOL = "pool";
  /** Mesos' default allocation interval. */
  static final Duration MESOS_INTERVAL = Duration.ofSeconds(1);

  final ResourceSchema schema;
  final TestClock clock = new TestClock();
  final Duration interval;
  final HierarchicalAllocator allocator;

  Scenario(ResourceSchema schema, Duration interval) {
    this.schema = schema;
    this.interval = interval;
    this.allocator = new HierarchicalAllocator(schema, new AllocatorConfig(clock, interval, 7));
  }

  /** Resources named {@code names}, cycles every second. */
  static Scenario of(String... names) {
    return new Scenario(ResourceSchema.of(names), MESOS_INTERVAL);
  }

  // ------------------------------------------------------------ resources

  /** Everything in {@code spec}, reserved or not, as one vector. */
  Resources res(String spec) {
    Resources total = Resources.none(schema);
    for (Resources r : parse(spec).values()) {
      total = total.plus(r);
    }
    return total;
  }

  /** The spec by role: "" for unreserved, otherwise the role a part is reserved for. */
  private Map<String, Resources> parse(String spec) {
    Map<String, long[]> byRole = new LinkedHashMap<>();
    for (String part : spec.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int colon = part.indexOf(':');
      String key = part.substring(0, colon).trim();
      String role = "";
      int paren = key.indexOf('(');
      if (paren >= 0) {
        role = key.substring(paren + 1, key.length() - 1);
        key = key.substring(0, paren);
      }
      BigDecimal value = new BigDecimal(part.substring(colon + 1).trim());
      long amount = (key.equals("cpus") ? value.movePointRight(3) : value).longValueExact();
      byRole.computeIfAbsent(role, r -> new long[schema.size()])[schema.indexOf(key)] += amount;
    }
    Map<String, Resources> result = new LinkedHashMap<>();
    byRole.forEach((role, v) -> result.put(role, Resources.ofArray(schema, v)));
    return result;
  }

  /** Resources as a Mesos string, in schema order, zeros left out. */
  static String show(Resources r) {
    List<String> parts = new ArrayList<>();
    r.asMap().forEach((name, amount) -> parts.add(
        name + ":" + (name.equals("cpus")
            ? BigDecimal.valueOf(amount, 3).stripTrailingZeros().toPlainString()
            : Long.toString(amount))));
    return String.join(";", parts);
  }

  static String show(Offer o) {
    return o.frameworkId() + " <- " + o.agentId() + " " + show(o.resources()) + (o.revocable() ? " (revocable)" : "");
  }

  static List<String> show(List<Offer> offers) {
    return offers.stream().map(Scenario::show).toList();
  }

  static String show(Placement p) {
    return p.instanceId() + " of " + p.frameworkId() + " @ " + p.agentId() + " " + show(p.resources())
        + (p.revocable() ? " (revocable)" : "");
  }

  static List<String> showPlacements(List<Placement> placements) {
    return placements.stream().map(Scenario::show).toList();
  }

  // ------------------------------------------------------------ agents and frameworks

  /** An agent whose parts written {@code name(role):amount} are statically reserved for that role. */
  AgentInfo agent(String id, String spec) {
    Map<String, Resources> byRole = parse(spec);
    Map<String, Resources> reservations = new LinkedHashMap<>(byRole);
    reservations.remove("");
    return new AgentInfo(id, POOL, Map.of("hostname", id), res(spec), reservations);
  }

  void addAgent(String id, String spec) {
    allocator.addAgent(agent(id, spec));
  }

  /** Adds an agent and runs the event-driven cycle Mesos runs for it; returns the offers made. */
  List<String> addAgentAndAllocate(String id, String spec) {
    addAgent(id, spec);
    return show(allocator.allocate(List.of(id)).offers());
  }

  /** Changes an agent in place (its placements stay); returns the offers rescinded on it. */
  List<String> updateAgent(String id, String spec) {
    return show(allocator.updateAgent(agent(id, spec)));
  }

  void addFramework(String id, String role) {
    allocator.addFramework(FrameworkInfo.of(id, role));
  }

  void addRevocableFramework(String id, String role) {
    allocator.addFramework(new FrameworkInfo(id, role, true, null, null));
  }

  /** A quota whose guarantee and limit are the same (Mesos' {@code createQuota(resources)}). */
  Quota quota(String spec) {
    return new Quota(res(spec).asMap(), res(spec).asMap());
  }

  // ------------------------------------------------------------ cycles and offers

  /** A full (periodic) cycle; returns the offers made. */
  List<String> allocate() {
    return show(allocator.allocate().offers());
  }

  void advance(Duration d) {
    clock.advance(d);
  }

  /** Lets one allocation interval pass. */
  void tick() {
    clock.advance(interval);
  }

  /** The single outstanding offer of {@code frameworkId} on {@code agentId}. */
  Offer outstanding(String frameworkId, String agentId) {
    List<Offer> matching = allocator.outstandingOffers().stream()
        .filter(o -> o.frameworkId().equals(frameworkId) && o.agentId().equals(agentId))
        .toList();
    assertThat(matching).as("outstanding offers of %s on %s", frameworkId, agentId).hasSize(1);
    return matching.get(0);
  }

  void decline(String frameworkId, String agentId, Duration refuse) {
    allocator.decline(outstanding(frameworkId, agentId).id(), refuse);
  }

  /** Declines every outstanding offer (Mesos' recoverResources with the given filter). */
  void declineAll(Duration refuse) {
    for (Offer o : allocator.outstandingOffers()) {
      allocator.decline(o.id(), refuse);
    }
  }

  Launch launch(String instanceId, String spec, int priority) {
    return new Launch(instanceId, res(spec), priority);
  }

  List<Placement> accept(String frameworkId, String agentId, Launch... launches) {
    return allocator.accept(outstanding(frameworkId, agentId).id(), List.of(launches));
  }

  /** Records an instance that already runs (Mesos' addSlave with used resources). */
  void running(String instanceId, String frameworkId, String agentId, String spec) {
    allocator.restore(new Placement(instanceId, frameworkId, agentId, POOL, res(spec), false, 0));
  }
}
