package io.poolbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadStatus;
import io.poolbridge.estate.Estate;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.estate.PoolNode;
import io.poolbridge.reconciler.workload.WorkloadReconciler;
import io.poolbridge.simulate.EstateSimulation;
import io.poolbridge.simulate.SimulationOutcome;
import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The samples applied to an embedded API server whose dispatcher can inject faults ({@link
 * FaultyApi}), with what {@code simulate} predicts for them and the checks every recovery and fault
 * test makes of the record: each instance once, no node over-committed.
 */
final class FaultyEstate implements AutoCloseable {
  final FaultyApi api = new FaultyApi();
  final EmbeddedEstate estate;
  final KubernetesMockServer server;
  final KubernetesClient client;
  final EstateLoader.Input input;
  private final List<PoolbridgeOperator> operators = new ArrayList<>();

  /** The samples on an API answering through {@link #api}, the gcp pool's Nodes in its remote cluster. */
  FaultyEstate() throws Exception {
    estate = EmbeddedEstate.samples(api);
    server = estate.server();
    client = estate.client();
    Path samples = OperatorSamplesIT.dir("samples");
    input = new EstateLoader().load(List.of(samples, samples.resolve("simulation")));
  }

  void apply(File file) throws Exception {
    List<HasMetadata> items;
    try (var in = new java.io.FileInputStream(file)) {
      items = client.load(in).items();
    }
    for (HasMetadata item : items) {
      client.resource(item).create();
    }
  }

  PoolbridgeOperator.Config config() {
    return PoolbridgeOperator.Config.defaults().withRates(input.settings().rates());
  }

  /** A new operator on this API (closed with the estate), not started. */
  PoolbridgeOperator operator(PoolbridgeOperator.Config config, Clock clock) {
    PoolbridgeOperator op = new PoolbridgeOperator(client, config, clock, WorkloadReconciler.Materializer.NONE);
    operators.add(op);
    return op;
  }

  /** A new operator that carries out the record (Pods, Services, taints), not started. */
  PoolbridgeOperator materializingOperator() {
    PoolbridgeOperator op = new PoolbridgeOperator(client, config(), Clock.systemUTC(), null);
    operators.add(op);
    return op;
  }

  PoolbridgeOperator operator() {
    return operator(config(), Clock.systemUTC());
  }

  /** What simulate predicts: workload key → instance id → "pool/node" or "pending reason". */
  Map<String, Map<String, String>> predicted() {
    SimulationOutcome predicted = new EstateSimulation(input, 0, java.time.Instant.now(), input.settings().rates()).run(100);
    Map<String, Map<String, String>> expected = new TreeMap<>();
    for (SimulationOutcome.WorkloadPlacement w : predicted.workloads()) {
      Map<String, String> nodes = new TreeMap<>();
      w.placements().forEach(i -> nodes.put(i.id(), i.pool() + "/" + i.node()));
      w.pending().forEach(p -> nodes.put(p.id(), "pending " + p.reason()));
      expected.put(w.key(), nodes);
    }
    return expected;
  }

  List<Workload> workloads() {
    return client.resources(Workload.class).inAnyNamespace().list().getItems();
  }

  /** The record as OperatorSamplesIT reads it. */
  Map<String, Map<String, String>> recorded() {
    Map<String, Map<String, String>> actual = new TreeMap<>();
    for (Workload w : workloads()) {
      Map<String, String> nodes = new TreeMap<>();
      if (w.getStatus() != null && w.getStatus().instances() != null) {
        w.getStatus().instances().forEach(i -> nodes.put(i.id(),
            i.node() == null ? "pending " + reason(w, i) : i.pool() + "/" + i.node()));
      }
      actual.put(key(w), nodes);
    }
    return actual;
  }

  /** Placed instances only: workload key → instance id → "pool/node". */
  Map<String, Map<String, String>> placed() {
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (Workload w : workloads()) {
      Map<String, String> nodes = new TreeMap<>();
      if (w.getStatus() != null && w.getStatus().instances() != null) {
        w.getStatus().instances().stream().filter(i -> i.node() != null)
            .forEach(i -> nodes.put(i.id(), i.pool() + "/" + i.node()));
      }
      out.put(key(w), nodes);
    }
    return out;
  }

  static String key(Workload w) {
    return w.getMetadata().getNamespace() + "/" + w.getMetadata().getName();
  }

  private static String reason(Workload w, WorkloadStatus.InstanceStatus i) {
    return w.getStatus().conditions().stream().filter(c -> c.getType().equals(i.state() == null ? "" : "Placed"))
        .map(io.fabric8.kubernetes.api.model.Condition::getReason).findFirst().orElse("?");
  }

  /**
   * The record is a valid outcome: every Workload's status lists each of its instances once (no
   * more than spec.instances, no id twice), placed instances name a node of their pool, and no
   * node holds more than its capacity (static inventories, Node allocatable).
   */
  void assertValidRecord() {
    Map<String, Map<String, Quantity>> capacity = capacities();
    Map<String, Map<String, BigDecimal>> used = new TreeMap<>();
    for (Workload w : workloads()) {
      if (w.getStatus() == null || w.getStatus().instances() == null) {
        continue;
      }
      List<String> ids = w.getStatus().instances().stream().map(WorkloadStatus.InstanceStatus::id).toList();
      assertThat(ids).as("instances of %s", key(w)).doesNotHaveDuplicates();
      assertThat(ids.size()).as("instances recorded for %s", key(w)).isLessThanOrEqualTo(w.getSpec().instances());
      Set<String> valid = new HashSet<>();
      for (int n = 0; n < w.getSpec().instances(); n++) {
        valid.add(w.getMetadata().getName() + "-" + n);
      }
      assertThat(valid).as("instance ids of %s", key(w)).containsAll(ids);
      for (WorkloadStatus.InstanceStatus i : w.getStatus().instances()) {
        if (i.node() == null) {
          continue;
        }
        String node = i.pool() + "/" + i.node();
        assertThat(capacity).as("%s of %s is on a node of its pool", i.id(), key(w)).containsKey(node);
        java.util.Map<String, Quantity> held = i.resources() != null ? i.resources()
            : w.getStatus().resources() != null ? w.getStatus().resources() : w.getSpec().resources();
        held.forEach((r, q) -> used.computeIfAbsent(node, n -> new TreeMap<>())
            .merge(r, Quantity.getAmountInBytes(q), BigDecimal::add));
      }
    }
    used.forEach((node, resources) -> resources.forEach((r, amount) -> {
      Quantity cap = capacity.get(node).get(r);
      assertThat(cap).as("%s has %s", node, r).isNotNull();
      assertThat(amount).as("%s of %s used on %s", r, node, node).isLessThanOrEqualTo(Quantity.getAmountInBytes(cap));
    }));
  }

  /** Each node's capacity, by "pool/node". */
  Map<String, Map<String, Quantity>> capacities() {
    List<ResourcePool> pools = client.resources(ResourcePool.class).list().getItems();
    List<Node> nodes = new ArrayList<>(client.nodes().list().getItems());
    KubernetesClient remote = estate.remote("gke-europe-west4-kubeconfig");
    if (remote != null) {
      nodes.addAll(remote.nodes().list().getItems());
    }
    Estate.NodeAssignment assignment = Estate.assignNodes(pools, nodes);
    Map<String, Map<String, Quantity>> out = new TreeMap<>();
    for (ResourcePool pool : pools) {
      String name = pool.getMetadata().getName();
      List<PoolNode> all = new ArrayList<>(Estate.staticNodes(pool));
      all.addAll(assignment.nodesByPool().get(name));
      all.forEach(n -> out.put(name + "/" + n.name(), n.capacity()));
    }
    return out;
  }

  @Override
  public void close() {
    for (PoolbridgeOperator op : operators) {
      try {
        op.close();
      } catch (RuntimeException e) {
        // closing what is closed
      }
    }
    estate.close();
  }
}
