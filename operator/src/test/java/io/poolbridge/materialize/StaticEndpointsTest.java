package io.poolbridge.materialize;

import io.poolbridge.testing.GoldenFiles;
import static io.poolbridge.materialize.Fixtures.machine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.poolbridge.api.v1alpha1.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticEndpointsTest {
  private static final GoldenFiles GOLDEN = GoldenFiles.in(Path.of("src/test/resources/golden/materialize"));

  static List<StaticInstance> instances(String namespace, String workload, int n) {
    List<StaticInstance> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(new StaticInstance(namespace + "/" + workload + "-" + i,
          machine("ams1-m" + i, "10.1." + (i / 250) + "." + (i % 250 + 1), "ams1")));
    }
    return list;
  }

  @Test
  void staticInstancesAreAHeadlessServiceAndASliceListingTheirAddresses() throws Exception {
    Workload w = Fixtures.cassandra();
    List<StaticInstance> placed = List.of(
        new StaticInstance("storage/cassandra-ring-10", machine("fra1-a01-n01", "2001:db8::10", "fra1")),
        new StaticInstance("storage/cassandra-ring-2", machine("ams1-r02-h01", "10.1.2.1", "ams1")),
        new StaticInstance("storage/cassandra-ring-0", machine("ams1-r01-m01", "10.1.1.1", "ams1")),
        new StaticInstance("storage/cassandra-ring-3", machine("ams2-r11-m03", null, "ams2")));
    StaticEndpoints.Endpoints e = StaticEndpoints.of(w, placed);

    assertThat(e.service().getMetadata().getName()).isEqualTo("cassandra-ring");
    assertThat(e.service().getSpec().getClusterIP()).isEqualTo("None");
    assertThat(e.service().getSpec().getSelector()).isNullOrEmpty();
    assertThat(e.service().getSpec().getPorts()).isEmpty();
    // One slice per address family; the machine without an address is left out; ordinal order (2 before 10).
    assertThat(e.slices()).extracting(EndpointSlice::getAddressType).containsExactly("IPv4", "IPv6");
    EndpointSlice v4 = e.slices().get(0);
    assertThat(v4.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "cassandra-ring");
    assertThat(v4.getEndpoints()).extracting(Endpoint::getHostname).containsExactly("cassandra-ring-0", "cassandra-ring-2");
    assertThat(v4.getEndpoints().get(1).getAddresses()).containsExactly("10.1.2.1");
    assertThat(v4.getEndpoints().get(1).getNodeName()).isEqualTo("ams1-r02-h01");
    assertThat(v4.getEndpoints().get(1).getConditions().getReady()).isTrue();
    assertThat(v4.getPorts()).isNull();
    StringBuilder yaml = new StringBuilder(Fixtures.SERIALIZATION.asYaml(e.service()));
    e.slices().forEach(s -> yaml.append(Fixtures.SERIALIZATION.asYaml(s)));
    GOLDEN.assertMatches("static-endpoints.yaml", yaml.toString());
  }

  @Test
  void twoHundredFiftyInstancesMakeThreeSlicesOfAtMostAHundred() {
    StaticEndpoints.Endpoints e = StaticEndpoints.of(Fixtures.cassandra(), instances("storage", "cassandra-ring", 250));
    assertThat(e.slices()).extracting(s -> s.getEndpoints().size()).containsExactly(100, 100, 50);
    assertThat(e.slices()).extracting(s -> s.getMetadata().getName())
        .containsExactly("cassandra-ring-ipv4-0", "cassandra-ring-ipv4-1", "cassandra-ring-ipv4-2");
    assertThat(e.slices().get(1).getEndpoints().get(0).getHostname()).isEqualTo("cassandra-ring-100");
  }

  @Test
  void twoThousandInstancesMakeTwentySlices() {
    assertThat(StaticEndpoints.of(Fixtures.cassandra(), instances("storage", "cassandra-ring", 2000)).slices()).hasSize(20);
  }

  @Test
  void theServicesPortsAreTheTemplatesContainerPorts() {
    Workload w = Fixtures.kafkaConnect();
    StaticEndpoints.Endpoints e = StaticEndpoints.of(w, instances("streaming", "kafka-connect", 1));
    assertThat(e.service().getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("rest");
      assertThat(p.getPort()).isEqualTo(8083);
      assertThat(p.getProtocol()).isEqualTo("TCP");
    });
    assertThat(e.slices().get(0).getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8083));
  }

  @Test
  void aWorkloadNameThatCannotNameAServiceIsRefusedWithAMessage() {
    Workload w = Fixtures.cassandra();
    w.getMetadata().setName("cassandra.ring");
    assertThatThrownBy(() -> StaticEndpoints.of(w, List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("workload cassandra.ring cannot name a Service");
  }

  @Test
  void addressFamilies() {
    assertThat(StaticEndpoints.addressType("10.0.0.1")).isEqualTo("IPv4");
    assertThat(StaticEndpoints.addressType("fd00::1")).isEqualTo("IPv6");
    assertThat(StaticEndpoints.addressType("m1.ams.example.net")).isEqualTo("FQDN");
    assertThat(StaticEndpoints.addressType("300.1.1.1")).isEqualTo("FQDN");
  }
}
