package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/** What a platform team declares about one pool of capacity. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.attributes) || self.attributes.all(k, k.matches('" + Rules.ATTRIBUTE_KEY + "'))",
    message = "attribute keys must be label keys such as rack or topology.kubernetes.io/zone",
    fieldPath = ".attributes")
// Node names are checked with sets.contains over the list of static node names: the API server
// estimates it at about 4.4 million cost units, where nested exists() loops came to 457 million and
// made the CRD impossible to create (the budget is 10 million per rule).
@ValidationRule(
    value = "!has(self.reservations) || !has(self.source.static) || self.reservations.all(r, !has(r.nodes) || sets.contains(self.source.static.nodes.map(s, s.name), r.nodes))",
    message = "reservations may only name nodes listed in source.static.nodes",
    fieldPath = ".reservations")
@ValidationRule(
    value = "!has(self.maintenance) || !has(self.source.static) || self.maintenance.all(m, sets.contains(self.source.static.nodes.map(s, s.name), m.nodes))",
    message = "maintenance may only name nodes listed in source.static.nodes",
    fieldPath = ".maintenance")
public record ResourcePoolSpec(
    @JsonPropertyDescription("Provider that owns the capacity, e.g. equinix-metal, aws, gcp, onprem. Exposed to constraints as the 'provider' attribute.")
    @Required @Size(max = 63) @Pattern(Rules.DNS_LABEL) String provider,
    @JsonPropertyDescription("Region or metro of the pool, e.g. eu-west-1 or ams. Exposed to constraints as the 'region' attribute.")
    @Required @Size(max = 63) @Pattern(Rules.DNS_LABEL) String region,
    @JsonPropertyDescription("Default zone of the pool's nodes; a node's own zone (static nodes) or its topology.kubernetes.io/zone label wins. Exposed as the 'zone' attribute.")
    @Size(max = 63) @Pattern(Rules.DNS_LABEL) String zone,
    @JsonPropertyDescription("Attributes every node of the pool carries, matched by Workload constraints (e.g. tier: gold). Node attributes override them.")
    @Size(max = 64) Map<String, String> attributes,
    @JsonPropertyDescription("Price of the pool's capacity; placement prefers the cheapest pool that fits.")
    Cost cost,
    @JsonPropertyDescription("Where the pool's nodes come from: exactly one of static or kubernetes.")
    @Required Source source,
    @JsonPropertyDescription("Static reservations: capacity on the pool's nodes that is offered only to a role and its descendants.")
    @Size(max = 64) List<Reservation> reservations,
    @JsonPropertyDescription("Maintenance windows: nodes that get no new offers from drainBefore ahead of start until start + duration, and whose instances are drained and placed elsewhere.")
    @Size(max = 64) List<MaintenanceWindow> maintenance) {

  /** Price per resource-hour. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.perHour.all(k, k.matches(" + Rules.RESOURCE_NAME + "))",
      message = Rules.MSG_RESOURCE_NAMES,
      fieldPath = ".perHour")
  @ValidationRule(
      value = "self.perHour.all(k, self.perHour[k].matches('" + Rules.DECIMAL + "'))",
      message = "prices must be decimal numbers such as 0.021",
      fieldPath = ".perHour")
  public record Cost(
      @JsonPropertyDescription("ISO 4217 currency of the prices, e.g. USD or EUR. Defaults to USD. Pools priced in different currencies are compared only through an exchange rate to the base currency (simulate: --currency, --exchange-rate); when some pool's currency has no rate, no price is compared at all, with a warning.")
      @Size(max = 3) @Pattern("^[A-Z]{3}$") String currency,
      @JsonPropertyDescription("Price of one unit of a resource for one hour, as a decimal string: cpu per core, every byte-valued resource (memory, ephemeral-storage, storage, hugepages-*) per GiB, any other resource per unit. Example: {cpu: \"0.021\", memory: \"0.0028\"}.")
      @Required @Size(max = 32) Map<String, @Size(max = 32) String> perHour) {}

  /** Exactly one of the sources. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.static) != has(self.kubernetes)",
      message = "exactly one of source.static and source.kubernetes must be set")
  public record Source(
      @JsonPropertyDescription("An inventory of machines that run no kubelet.")
      @JsonProperty("static") StaticSource inventory,
      @JsonPropertyDescription("Nodes of a Kubernetes cluster, picked by a label selector.")
      KubernetesSource kubernetes) {}

  /** An inventory of machines. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.nodes.all(n, self.nodes.exists_one(m, m.name == n.name))",
      message = "node names must be unique within the pool",
      fieldPath = ".nodes")
  public record StaticSource(
      @JsonPropertyDescription("The machines of the pool.")
      @Required @Size(min = 1, max = 256) List<StaticNode> nodes) {}

  /** One machine of a static inventory. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.capacity.all(k, k.matches(" + Rules.RESOURCE_NAME + "))",
      message = Rules.MSG_RESOURCE_NAMES,
      fieldPath = ".capacity")
  @ValidationRule(
      value = "self.capacity.all(k, size(k) <= " + Rules.MAX_RESOURCE_NAME + ")",
      message = Rules.MSG_RESOURCE_NAME_LENGTH,
      fieldPath = ".capacity")
  @ValidationRule(
      value = "!has(self.attributes) || self.attributes.all(k, k.matches('" + Rules.ATTRIBUTE_KEY + "'))",
      message = "attribute keys must be label keys such as rack or topology.kubernetes.io/zone",
      fieldPath = ".attributes")
  public record StaticNode(
      @JsonPropertyDescription("Name of the machine, unique in the pool; the 'hostname' attribute of constraints.")
      @Required @Size(max = 253) @Pattern(Rules.DNS_SUBDOMAIN) String name,
      @JsonPropertyDescription("Address an external framework uses to reach the machine (IP or DNS name).")
      @Size(max = 253) String address,
      @JsonPropertyDescription("Zone of the machine; defaults to the pool's zone.")
      @Size(max = 63) @Pattern(Rules.DNS_LABEL) String zone,
      @JsonPropertyDescription("Total capacity of the machine, e.g. {cpu: 64, memory: 512Gi, nvidia.com/gpu: 4}.")
      @Required @Size(min = 1, max = 32) Map<String, Quantity> capacity,
      @JsonPropertyDescription("Attributes of the machine (rack, instance-type, ...), matched by Workload constraints.")
      @Size(max = 64) Map<String, String> attributes) {}

  /** Nodes of a Kubernetes cluster. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record KubernetesSource(
      @JsonPropertyDescription("Label selector over Nodes; an empty selector picks every Node. Capacity comes from status.allocatable, attributes from labels, health from the Ready condition.")
      @Required @SchemaFrom(type = SchemaOnly.LabelSelector.class) LabelSelector nodeSelector,
      @JsonPropertyDescription("A Secret holding the kubeconfig of a remote cluster; omit for the cluster the operator runs in.")
      SecretKeyRef kubeconfigSecretRef) {}

  /** Capacity reserved for a role on the pool's nodes. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.resources.all(k, k.matches(" + Rules.RESOURCE_NAME + "))",
      message = Rules.MSG_RESOURCE_NAMES,
      fieldPath = ".resources")
  public record Reservation(
      @JsonPropertyDescription("Role the capacity is reserved for; its descendant roles may use it too.")
      @Required @Size(max = 253) @Pattern(Rules.ROLE_PATH) String role,
      @JsonPropertyDescription("Capacity reserved on each selected node.")
      @Required @Size(min = 1, max = 32) Map<String, Quantity> resources,
      @JsonPropertyDescription("Names of the nodes that carry the reservation; every node of the pool when omitted.")
      @Size(max = 256) List<@Size(max = 253) @Pattern(Rules.DNS_SUBDOMAIN) String> nodes) {}

  /** A maintenance window. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MaintenanceWindow(
      @JsonPropertyDescription("Names of the nodes under maintenance.")
      @Required @Size(min = 1, max = 256) List<@Size(max = 253) @Pattern(Rules.DNS_SUBDOMAIN) String> nodes,
      @JsonPropertyDescription("Start of the window, RFC 3339 (e.g. 2026-12-01T02:00:00Z). From drainBefore ahead of it the nodes get no new offers and their instances are drained; from this time on none runs there.")
      @Required @Size(max = 64) @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$") String start,
      @JsonPropertyDescription("Length of the window as a duration, e.g. 4h or 90m.")
      @Required @Size(max = 64) @Pattern(Rules.DURATION) String duration,
      @JsonPropertyDescription("Why the nodes are under maintenance; shown in events and status.")
      @Size(max = 1024) String reason,
      @JsonPropertyDescription("How long before start the nodes are drained ahead of the window (Mesos inverse offers): they get no new offers, a Service's instance there is placed elsewhere first and stopped once its replacement is recorded (at start at the latest), a Job's instance runs on until start. A duration such as 10m or 1h; 0s drains at start only. Default 10m.")
      @Size(max = 64) @Pattern(Rules.DURATION) String drainBefore) {
    /** The default of {@code drainBefore}. */
    public static final String DEFAULT_DRAIN_BEFORE = "10m";
  }
}
