package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One pool of capacity at one provider and region: bare metal listed as a static inventory, or the
 * Nodes of a Kubernetes cluster picked by a label selector. Cluster-scoped; owned by the platform
 * team.
 */
@Group(ResourcePool.GROUP)
@Version(ResourcePool.VERSION)
@Kind("ResourcePool")
@Plural("resourcepools")
@Singular("resourcepool")
@ShortNames("rpool")
@Categories("poolbridge")
@AdditionalPrinterColumn(name = "Provider", jsonPath = ".spec.provider", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Region", jsonPath = ".spec.region", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.nodeCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyNodes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "CPU", jsonPath = ".status.cpu", type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "CPU allocated / total")
@AdditionalPrinterColumn(name = "Memory", jsonPath = ".status.memory", type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Memory allocated / total")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "size(self.metadata.name) <= " + Rules.MAX_LABEL_VALUE,
    message = "must be no more than 63 characters: the nodes of a pool carry its name as a taint value (poolbridge.io/pool=<name>)",
    fieldPath = ".metadata.name")
public class ResourcePool extends CustomResource<ResourcePoolSpec, ResourcePoolStatus> {
  public static final String GROUP = "poolbridge.io";
  public static final String VERSION = "v1alpha1";

  @Override
  @JsonPropertyDescription("What the platform team declares about the pool: provider, region, where its nodes come from, prices, reservations and maintenance.")
  public ResourcePoolSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Capacity, allocation and health of the pool and of each of its nodes; written by the operator.")
  public ResourcePoolStatus getStatus() {
    return super.getStatus();
  }
}
