package io.poolbridge.scheduler;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.Offer;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Nodes, offers and requests for scheduler tests: cpu in millicores, memory in bytes. */
public final class Fixtures {
  public static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory");
  public static final String FW = "spark";
  public static final long GIB = 1L << 30;

  private Fixtures() {}

  public static Resources res(double cores, double gib) {
    return Resources.of(SCHEMA, "cpu", Math.round(cores * 1000), "memory", Math.round(gib * GIB));
  }

  /**
   * A node {@code <pool>/<name>} with hostname and pool attributes, plus the given key/value pairs.
   */
  public static AgentInfo node(String pool, String name, double cores, double gib, String... attributes) {
    Map<String, String> attrs = new HashMap<>();
    attrs.put("hostname", name);
    attrs.put("pool", pool);
    for (int i = 0; i < attributes.length; i += 2) {
      attrs.put(attributes[i], attributes[i + 1]);
    }
    return new AgentInfo(pool + "/" + name, pool, attrs, res(cores, gib), Map.of());
  }

  public static WorkloadDemand.Builder workload(String key, double cores, double gib) {
    return WorkloadDemand.builder(key, FW, res(cores, gib));
  }

  public static PlacedInstance running(String instanceId, WorkloadDemand w, AgentInfo node) {
    return PlacedInstance.of(w, instanceId, node, w.resources(), false);
  }

  /** Offers numbered from 1, to {@link #FW} unless stated. */
  public static final class Offers {
    private long next = 1;
    private final List<NodeOffer> offers = new ArrayList<>();

    /** The whole node. */
    public Offers whole(AgentInfo... nodes) {
      for (AgentInfo n : nodes) {
        part(n, n.total());
      }
      return this;
    }

    public Offers part(AgentInfo node, Resources r) {
      offers.add(new NodeOffer(new Offer(next++, FW, node.id(), node.pool(), r, false), node));
      return this;
    }

    public Offers revocable(AgentInfo node, Resources r) {
      offers.add(new NodeOffer(new Offer(next++, FW, node.id(), node.pool(), r, true), node));
      return this;
    }

    public List<NodeOffer> list() {
      return List.copyOf(offers);
    }
  }

  public static Offers offers() {
    return new Offers();
  }

  public static Decisions schedule(List<NodeOffer> offers, List<PlacedInstance> placed, WorkloadDemand... demands) {
    return schedule(Prices.NONE, offers, placed, demands);
  }

  public static Decisions schedule(Prices prices, List<NodeOffer> offers, List<PlacedInstance> placed, WorkloadDemand... demands) {
    return new FrameworkScheduler(prices).schedule(new SchedulingRequest(FW, null, offers, List.of(demands), placed));
  }

  /** Instance id to the node name (hostname) it was placed on. */
  public static Map<String, String> hosts(Decisions d) {
    Map<String, String> m = new java.util.TreeMap<>();
    d.assignments().forEach(a -> m.put(a.instanceId(), a.agentId().substring(a.agentId().indexOf('/') + 1)));
    return m;
  }

  /** Instances per value of an attribute, over the given nodes. */
  public static Map<String, Integer> perValue(Decisions d, String attribute, AgentInfo... nodes) {
    Map<String, AgentInfo> byId = new HashMap<>();
    for (AgentInfo n : nodes) {
      byId.put(n.id(), n);
    }
    Map<String, Integer> m = new java.util.TreeMap<>();
    d.assignments().forEach(a -> m.merge(byId.get(a.agentId()).attributes().get(attribute), 1, Integer::sum));
    return m;
  }
}
