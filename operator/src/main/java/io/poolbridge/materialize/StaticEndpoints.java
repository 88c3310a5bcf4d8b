package io.poolbridge.materialize;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.poolbridge.api.v1alpha1.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The headless Service and EndpointSlices that make {@code <workload>.<namespace>.svc} resolve to
 * the addresses of a Workload's instances on static machines (no kubelet, so no Pods): what
 * Mesos-DNS did for Mesos tasks. Pure: the same workload and instances give equal objects.
 *
 * <ul>
 *   <li>The Service is named after the Workload, {@code clusterIP: None}, with no selector (so
 *       kube-controller-manager leaves its slices alone). Its ports are the container ports of the
 *       Workload's pod template when it has one (named as the template names them, else {@code
 *       <protocol>-<port>}); the Workload API has no ports of its own, so a Workload without a
 *       template gets a Service with no ports, which a headless Service may have: DNS then answers
 *       with the addresses and clients bring their own port.
 *   <li>EndpointSlices ({@code discovery.k8s.io/v1}), labelled {@code kubernetes.io/service-name}
 *       and managed by {@code poolbridge.io}: one endpoint per placed instance, in ordinal order,
 *       with the machine's address, {@code hostname} the instance's name (left out when it is not a
 *       DNS label), {@code nodeName} the machine, its zone, and {@code ready} its health. At most
 *       {@value #MAX_ENDPOINTS} endpoints per slice, as kube-controller-manager does, in slices named
 *       {@code <workload>-<addresstype>-<n>} so that the same instances give the same slices. Slices
 *       are by address type: {@code IPv4}, {@code IPv6}, or {@code FQDN} for a DNS name (CoreDNS
 *       serves no FQDN slices: a machine listed by name is in the slice but not in DNS answers). An
 *       instance whose machine has no address is left out.
 *   <li>Both are owned by the Workload (owner reference), so they go with it.
 * </ul>
 */
public final class StaticEndpoints {
  /** Endpoints per slice: kube-controller-manager's default {@code --max-endpoints-per-slice}. */
  public static final int MAX_ENDPOINTS = 100;

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern DNS_1035 = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern DNS_1123_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern IPV4 = Pattern.compile("^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");

  private StaticEndpoints() {}

  /** A headless Service and its slices. */
  public record Endpoints(Service service, List<EndpointSlice> slices) {}

  /**
   * The Service and slices of {@code workload}'s instances on static machines.
   *
   * @throws IllegalArgumentException when the Workload's name cannot name a Service (a DNS label:
   *     at most 63 lower-case letters, digits and '-', starting with a letter)
   */
  public static Endpoints of(Workload workload, List<StaticInstance> instances) {
    String name = workload.getMetadata().getName();
    if (name.length() > 63 || !DNS_1035.matcher(name).matches()) {
      throw new IllegalArgumentException("workload " + name + " cannot name a Service (a DNS label of at most 63 lower-case"
          + " letters, digits and '-', starting with a letter), so its instances on static machines get no DNS name");
    }
    String namespace = workload.getMetadata().getNamespace();
    List<ServicePort> ports = ports(workload);

    Service service = new Service();
    service.setApiVersion("v1");
    service.setKind("Service");
    service.setMetadata(meta(workload, name, InstancePods.ownerLabels(workload)));
    ServiceSpec spec = new ServiceSpec();
    spec.setClusterIP("None");
    spec.setType("ClusterIP");
    spec.setPorts(ports);
    service.setSpec(spec);

    Map<String, List<StaticInstance>> byType = new TreeMap<>();
    instances.stream()
        .filter(i -> i.node().address() != null && !i.node().address().isBlank())
        .sorted(Comparator.comparingInt(StaticInstance::ordinal).thenComparing(StaticInstance::instanceId))
        .forEach(i -> byType.computeIfAbsent(addressType(i.node().address()), t -> new ArrayList<>()).add(i));
    List<EndpointPort> slicePorts = ports.stream()
        .map(p -> new EndpointPortBuilder().withName(p.getName()).withPort(p.getPort()).withProtocol(p.getProtocol()).build())
        .toList();
    List<EndpointSlice> slices = new ArrayList<>();
    byType.forEach((type, list) -> {
      for (int from = 0, n = 0; from < list.size(); from += MAX_ENDPOINTS, n++) {
        List<Endpoint> endpoints = list.subList(from, Math.min(list.size(), from + MAX_ENDPOINTS)).stream()
            .map(StaticEndpoints::endpoint).toList();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Keys.SERVICE_NAME, name);
        labels.put(Keys.SLICE_MANAGED_BY, Keys.SLICE_MANAGER);
        labels.putAll(InstancePods.ownerLabels(workload));
        slices.add(new EndpointSliceBuilder()
            .withApiVersion("discovery.k8s.io/v1")
            .withKind("EndpointSlice")
            .withMetadata(meta(workload, name + "-" + type.toLowerCase(Locale.ROOT) + "-" + n, labels))
            .withAddressType(type)
            .withEndpoints(endpoints)
            .withPorts(slicePorts.isEmpty() ? null : slicePorts)
            .build());
      }
    });
    service.getMetadata().setNamespace(namespace);
    return new Endpoints(service, slices);
  }

  /** {@code IPv4}, {@code IPv6} or {@code FQDN}. */
  static String addressType(String address) {
    if (IPV4.matcher(address).matches()) {
      return "IPv4";
    }
    if (IPV6.matcher(address).matches()) {
      return "IPv6";
    }
    return "FQDN";
  }

  private static Endpoint endpoint(StaticInstance i) {
    EndpointBuilder b = new EndpointBuilder()
        .withAddresses(i.node().address())
        .withNewConditions().withReady(i.node().ready()).endConditions()
        .withNodeName(i.node().name());
    String hostname = i.name();
    if (hostname.length() <= 63 && DNS_1123_LABEL.matcher(hostname).matches()) {
      b.withHostname(hostname);
    }
    if (i.node().zone() != null) {
      b.withZone(i.node().zone());
    }
    return b.build();
  }

  private static ObjectMeta meta(Workload workload, String name, Map<String, String> labels) {
    ObjectMeta m = new ObjectMeta();
    m.setName(name);
    m.setNamespace(workload.getMetadata().getNamespace());
    m.setLabels(labels);
    m.setOwnerReferences(List.of(InstancePods.ownerReference(workload)));
    return m;
  }

  private static List<ServicePort> ports(Workload workload) {
    Map<String, ServicePort> ports = new LinkedHashMap<>();
    if (workload.getSpec().template() == null) {
      return List.of();
    }
    PodTemplateSpec template = SERIALIZATION.convertValue(workload.getSpec().template(), PodTemplateSpec.class);
    if (template.getSpec() == null || template.getSpec().getContainers() == null) {
      return List.of();
    }
    template.getSpec().getContainers().forEach(c -> {
      if (c.getPorts() != null) {
        for (ContainerPort p : c.getPorts()) {
          if (p.getContainerPort() == null) {
            continue;
          }
          String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
          String portName = p.getName() != null ? p.getName() : protocol.toLowerCase(Locale.ROOT) + "-" + p.getContainerPort();
          ports.putIfAbsent(protocol + "/" + p.getContainerPort(), new ServicePortBuilder().withName(portName)
              .withPort(p.getContainerPort()).withTargetPort(new IntOrString(p.getContainerPort())).withProtocol(protocol).build());
        }
      }
    });
    return List.copyOf(ports.values());
  }
}
