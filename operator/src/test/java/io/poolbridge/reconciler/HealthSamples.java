package io.poolbridge.reconciler;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.res;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.AgentState;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.EngineSnapshot.FrameworkView;
import io.poolbridge.engine.EngineSnapshot.NodeView;
import io.poolbridge.engine.EngineSnapshot.PoolView;
import io.poolbridge.engine.EngineSnapshot.WorkloadView;
import io.poolbridge.estate.Refusal;
import io.poolbridge.reconciler.framework.FrameworkStatusFactory;
import io.poolbridge.reconciler.pool.PoolSource;
import io.poolbridge.reconciler.pool.ResourcePoolStatusFactory;
import io.poolbridge.reconciler.workload.WorkloadStatusFactory;
import io.poolbridge.scheduler.Assignment;
import io.poolbridge.scheduler.Reason;
import io.poolbridge.scheduler.Unplaced;
import io.poolbridge.time.ManualClock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resources of the three kinds as the API server would return them, each with a status its factory
 * writes, in the cases a GitOps tool tells apart: healthy, being worked on, stuck. Shared by the
 * kstatus and the Argo CD health-check tests.
 */
public final class HealthSamples {
  /** The health a person expects of a sample, in kstatus' words. */
  public enum Expected { Current, InProgress, Failed }

  /**
   * @param name what the case is, for test names
   * @param object the resource as JSON maps
   */
  public record Sample(String name, Expected expected, Map<String, Object> object) {
    @Override
    public String toString() {
      return name;
    }
  }

  private HealthSamples() {}

  private static final ManualClock CLOCK = new ManualClock();

  public static List<Sample> all() {
    List<Sample> out = new ArrayList<>();
    out.addAll(workloads());
    out.addAll(frameworks());
    out.addAll(pools());
    return out;
  }

  static Workload workload(long generation) {
    Workload w = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: web, namespace: shop}
        spec: {framework: marathon, kind: Service, instances: 2, resources: {cpu: "2", memory: 4Gi}}
        """, Workload.class);
    w.getMetadata().setGeneration(generation);
    return w;
  }

  private static EngineSnapshot.Placed placed(String id, String node) {
    return new EngineSnapshot.Placed(new Assignment("shop/" + id, "shop/web", 1, "metal-fra/" + node, "metal-fra",
        res(2, 4), 0, false, null), Map.of(), true);
  }

  public static List<Sample> workloads() {
    WorkloadStatusFactory f = new WorkloadStatusFactory(CLOCK);
    List<Sample> out = new ArrayList<>();
    Workload w = workload(3);
    WorkloadView all = new WorkloadView("shop/web", "marathon", 2, List.of(placed("web-0", "n1"), placed("web-1", "n2")), List.of());
    w.setStatus(f.of(w, all, p -> null, null));
    out.add(sample("Workload all placed", Expected.Current, w));

    w = workload(3);
    WorkloadView half = new WorkloadView("shop/web", "marathon", 2, List.of(placed("web-0", "n1")),
        List.of(new Unplaced("shop/web-1", "shop/web", new Reason(Reason.Code.INSUFFICIENT_RESOURCES, "Insufficient cpu on every offered node"))));
    w.setStatus(f.of(w, half, p -> null, null));
    out.add(sample("Workload partly pending", Expected.InProgress, w));

    w = workload(3);
    w.setStatus(f.refused(w, new Refusal(Refusal.Reason.FrameworkNotFound, "Framework marathon does not exist"), null));
    out.add(sample("Workload whose Framework is missing", Expected.Failed, w));

    w = workload(3);
    w.setStatus(f.refused(w, new Refusal(Refusal.Reason.NamespaceNotAllowed,
        "Framework marathon does not admit namespace shop: add it to spec.namespaces"), null));
    out.add(sample("Workload in a namespace its Framework does not admit", Expected.Failed, w));

    // As the allocation loop writes them: suspended, and a placement that cannot be carried out.
    w = workload(3);
    StatusConditions c = new StatusConditions(CLOCK);
    w.setStatus(new WorkloadStatus(3L, WorkloadStatus.Phase.Suspended, 0, List.of(), f.withHealth(w,
        List.of(c.condition(null, 3L, "Placed", false, "Suspended", "The Workload's schedule is suspended: nothing is placed")), null),
        null));
    out.add(sample("Workload suspended", Expected.Current, w));

    w = workload(3);
    WorkloadStatus placedAll = f.of(w, all, p -> null, null);
    List<io.fabric8.kubernetes.api.model.Condition> list = new ArrayList<>(placedAll.conditions());
    list.add(c.condition(null, 3L, "Materialized", false, "NamespaceMissing", "namespace missing: shop in cluster edge-fra"));
    w.setStatus(new WorkloadStatus(3L, placedAll.phase(), placedAll.placed(), placedAll.instances(), f.withHealth(w, list, null),
        null, placedAll.resources()));
    out.add(sample("Workload whose placements cannot be carried out", Expected.Failed, w));

    w = workload(4);
    w.setStatus(f.of(workload(3), all, p -> null, null));
    out.add(sample("Workload changed, not yet observed", Expected.InProgress, w));
    return out;
  }

  static Framework framework(long generation) {
    Framework fw = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Framework
        metadata: {name: spark}
        spec: {type: External, role: eng/analytics, namespaces: {names: [analytics]}}
        """, Framework.class);
    fw.getMetadata().setGeneration(generation);
    return fw;
  }

  public static List<Sample> frameworks() {
    FrameworkStatusFactory f = new FrameworkStatusFactory(CLOCK);
    List<Sample> out = new ArrayList<>();
    Framework fw = framework(2);
    fw.setStatus(f.of(fw, new FrameworkView("spark", "eng/analytics", 0.25, 0.125, true, Resources.none(SCHEMA), 0, 0, res(8, 32)), null));
    out.add(sample("Framework with its guarantee", Expected.Current, fw));
    fw = framework(2);
    fw.setStatus(f.of(fw, new FrameworkView("spark", "eng/analytics", 0.1, 0.05, false, res(4, 0), 3, 1, res(4, 16)), null));
    out.add(sample("Framework short of its guarantee", Expected.InProgress, fw));
    fw = framework(2);
    fw.setStatus(f.of(fw, new FrameworkView("spark", "eng/analytics", 0.1, 0.05, false, res(4, 0), 0, 0, res(4, 16)), null));
    out.add(sample("Framework short of a guarantee nothing asks for", Expected.Current, fw));
    return out;
  }

  static ResourcePool pool(long generation) {
    ResourcePool p = Serialization.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: ResourcePool
        metadata: {name: edge-fra}
        spec:
          provider: onprem
          region: fra
          source:
            kubernetes:
              nodeSelector: {matchLabels: {poolbridge.io/pool: edge}}
              kubeconfigSecretRef: {name: edge-kubeconfig, namespace: poolbridge-system}
        """, ResourcePool.class);
    p.getMetadata().setGeneration(generation);
    return p;
  }

  private static PoolView view(AgentState... states) {
    List<NodeView> agents = new ArrayList<>();
    int active = 0;
    for (int i = 0; i < states.length; i++) {
      Resources total = res(8, 32);
      agents.add(new NodeView(new AgentInfo("edge-fra/n" + i, "edge-fra", Map.of(), total, Map.of()), Resources.none(SCHEMA),
          total, states[i], null));
      active += states[i] == AgentState.ACTIVE ? 1 : 0;
    }
    return new PoolView("edge-fra", states.length, active, res(8 * states.length, 32 * states.length), Resources.none(SCHEMA),
        res(8 * active, 32 * active), agents);
  }

  public static List<Sample> pools() {
    ResourcePoolStatusFactory f = new ResourcePoolStatusFactory(CLOCK);
    List<Sample> out = new ArrayList<>();
    ResourcePool p = pool(1);
    p.setStatus(f.of(p, view(AgentState.ACTIVE, AgentState.ACTIVE), PoolSource.REACHABLE, List.of(), null));
    out.add(sample("ResourcePool with its nodes offered", Expected.Current, p));
    p = pool(1);
    p.setStatus(f.of(p, view(AgentState.ACTIVE, AgentState.DOWN), PoolSource.REACHABLE, List.of(), null));
    out.add(sample("ResourcePool with a node down, others offered", Expected.Current, p));
    p = pool(1);
    p.setStatus(f.of(p, null, PoolSource.secretNotFound("Secret poolbridge-system/edge-kubeconfig does not exist"), List.of(), null));
    out.add(sample("ResourcePool whose source Secret is missing", Expected.Failed, p));
    p = pool(1);
    p.setStatus(f.of(p, null, PoolSource.REACHABLE, List.of(), null));
    out.add(sample("ResourcePool no Node matches", Expected.Failed, p));
    p = pool(1);
    p.setStatus(f.of(p, view(AgentState.MAINTENANCE, AgentState.DRAINING), PoolSource.REACHABLE, List.of(), null));
    out.add(sample("ResourcePool every node out of service", Expected.Failed, p));
    p = pool(1);
    p = Serialization.unmarshal(Serialization.asYaml(p).replace("spec:\n", """
        spec:
          maintenance:
          - {nodes: [n0, n1], start: "1970-01-01T00:00:00Z", duration: 4h, reason: firmware}
        """), ResourcePool.class);
    p.setStatus(f.of(p, view(AgentState.MAINTENANCE, AgentState.MAINTENANCE), PoolSource.REACHABLE, List.of(), null));
    out.add(sample("ResourcePool every node in its maintenance windows", Expected.InProgress, p));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Sample sample(String name, Expected expected, HasMetadata resource) {
    Map<String, Object> json = Serialization.jsonMapper().convertValue(resource, LinkedHashMap.class);
    return new Sample(name, expected, json);
  }
}
