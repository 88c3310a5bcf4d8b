package io.poolbridge.allocator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Inputs into the allocator's current resource schema: {@link Resources} of an earlier (prefix)
 * schema are widened with zeros, those of a wider schema extend the allocator's first (see
 * Allocator.extendSchema); anything else is refused.
 */
final class Intake {
  private final Supplier<ResourceSchema> schema;
  private final Consumer<ResourceSchema> extend;

  Intake(Supplier<ResourceSchema> schema, Consumer<ResourceSchema> extend) {
    this.schema = schema;
    this.extend = extend;
  }

  /**
   * {@code r} in the current schema: one of an earlier (prefix) schema is widened, one of a wider
   * schema extends the allocator's first; {@code null} stays null.
   */
  Resources current(Resources r, String of) {
    if (r == null || r.schema().equals(schema.get())) {
      return r;
    }
    if (r.schema().isPrefixOf(schema.get())) {
      return r.widen(schema.get());
    }
    if (schema.get().isPrefixOf(r.schema())) {
      extend.accept(r.schema());
      return r;
    }
    throw new IllegalArgumentException(of + " uses another resource schema");
  }

  AgentInfo current(AgentInfo info) {
    String of = "agent " + info.id();
    Resources total = current(info.total(), of);
    Map<String, Resources> reserved = new HashMap<>();
    info.reservations().forEach((role, r) -> reserved.put(role, current(r, of).widen(schema.get())));
    total = total.widen(schema.get());
    return total == info.total() && reserved.equals(info.reservations())
        ? info
        : new AgentInfo(info.id(), info.pool(), info.attributes(), total, reserved);
  }

  FrameworkInfo current(FrameworkInfo info) {
    Resources min = current(info.minAllocatable(), "framework " + info.id());
    return min == info.minAllocatable()
        ? info
        : new FrameworkInfo(info.id(), info.role(), info.revocable(), info.refuse(), min, info.offerTimeout());
  }

  /** Launches in the current schema (a launch of a wider one is an error: no offer holds its new resources). */
  List<Launch> current(List<Launch> launches) {
    for (int i = 0; i < launches.size(); i++) {
      if (!launches.get(i).resources().schema().equals(schema.get())) {
        List<Launch> wider = new ArrayList<>(launches.size());
        for (Launch l : launches) {
          wider.add(new Launch(l.instanceId(), l.resources().widen(schema.get()), l.priority()));
        }
        return wider;
      }
    }
    return launches;
  }

  Placement current(Placement p) {
    if (p.resources().schema().equals(schema.get())
        && (p.reserved() == null || p.reserved().values().stream().allMatch(r -> r.schema().equals(schema.get())))) {
      return p;
    }
    String of = "placement " + p.instanceId();
    Resources resources = current(p.resources(), of);
    Map<String, Resources> reserved = null;
    if (p.reserved() != null) {
      reserved = new HashMap<>();
      for (var e : p.reserved().entrySet()) {
        reserved.put(e.getKey(), current(e.getValue(), of));
      }
      reserved.replaceAll((role, r) -> r.widen(schema.get()));
    }
    resources = resources.widen(schema.get());
    return new Placement(p.instanceId(), p.frameworkId(), p.agentId(), p.pool(), resources, p.revocable(), p.priority(), reserved);
  }

  /** Demand shapes in the current schema (null stays null). */
  java.util.Collection<DemandShape> shapes(java.util.Collection<DemandShape> shapes, String of) {
    if (shapes == null || shapes.stream().allMatch(s -> s.resources().schema().equals(schema.get()))) {
      return shapes;
    }
    List<DemandShape> wider = new ArrayList<>(shapes.size());
    for (DemandShape s : shapes) {
      Resources r = current(s.resources(), of);
      wider.add(r == s.resources() ? s : new DemandShape(r, s.agents()));
    }
    // A shape of a wider schema seen late widens the ones before it too.
    for (int i = 0; i < wider.size(); i++) {
      DemandShape s = wider.get(i);
      if (!s.resources().schema().equals(schema.get())) {
        wider.set(i, new DemandShape(s.resources().widen(schema.get()), s.agents()));
      }
    }
    return wider;
  }
}
