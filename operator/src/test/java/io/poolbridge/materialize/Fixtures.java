package io.poolbridge.materialize;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.PoolNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Workloads and placements the materialize tests share. */
final class Fixtures {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Fixtures() {}

  /** Kafka Connect workers as in samples/30-workloads-streaming.yaml, with a metrics sidecar when asked. */
  static Workload kafkaConnect(String extraContainers) {
    Workload w = SERIALIZATION.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: kafka-connect, namespace: streaming, uid: 6f1c1f4e-1111-4a2b-9c3d-000000000001, generation: 1}
        spec:
          framework: kafka
          kind: Service
          instances: 3
          resources: {cpu: 2, memory: 8Gi}
          template:
            metadata:
              labels: {app.kubernetes.io/name: kafka-connect}
              annotations: {prometheus.io/scrape: "true"}
            spec:
              tolerations:
              - {key: dedicated, operator: Exists, effect: NoSchedule}
              containers:
              - name: connect
                image: confluentinc/cp-kafka-connect:7.7.1
                ports:
                - {name: rest, containerPort: 8083}
        """ + extraContainers, Workload.class);
    return w;
  }

  static Workload kafkaConnect() {
    return kafkaConnect("");
  }

  static Map<String, Quantity> resources(String... pairs) {
    Map<String, Quantity> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], new Quantity(pairs[i + 1]));
    }
    return m;
  }

  static PodPlacement placement(String instance, String node) {
    return new PodPlacement("streaming/" + instance, node, "aws-eu-west-1", resources("cpu", "2", "memory", "8Gi"), false, "kafka", null);
  }

  /** A static machine of metal-ams. */
  static PoolNode machine(String name, String address, String zone) {
    return new PoolNode(name, address, zone, resources("cpu", "64", "memory", "512Gi"), Map.of(), true);
  }

  /** Cassandra on static machines: no pod template. */
  static Workload cassandra() {
    return SERIALIZATION.unmarshal("""
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: cassandra-ring, namespace: storage, uid: 6f1c1f4e-2222-4a2b-9c3d-000000000002}
        spec:
          framework: cassandra
          kind: Service
          instances: 4
          resources: {cpu: 16, memory: 128Gi}
        """, Workload.class);
  }
}
