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
 * One consumer of capacity: a Kubernetes cluster that leases nodes, or any other framework (Spark,
 * Kafka, Cassandra, an in-house scheduler). Cluster-scoped; owned by the platform team.
 */
@Group(ResourcePool.GROUP)
@Version(ResourcePool.VERSION)
@Kind("Framework")
@Plural("frameworks")
@Singular("framework")
@ShortNames("fw")
@Categories("poolbridge")
@AdditionalPrinterColumn(name = "Type", jsonPath = ".spec.type", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Role", jsonPath = ".spec.role", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Weight", jsonPath = ".spec.weight", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Share", jsonPath = ".status.dominantShare", type = AdditionalPrinterColumn.Type.NUMBER,
    getDescription = "Dominant share of the pooled capacity")
@AdditionalPrinterColumn(name = "Guaranteed", jsonPath = ".status.guaranteeMet", type = AdditionalPrinterColumn.Type.BOOLEAN,
    getDescription = "Whether the quota guarantee is met")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "size(self.metadata.name) <= " + Rules.MAX_LABEL_VALUE,
    message = "must be no more than 63 characters: leased nodes and Pods carry the framework's name as a label value (poolbridge.io/leased-to=<name>)",
    fieldPath = ".metadata.name")
public class Framework extends CustomResource<FrameworkSpec, FrameworkStatus> {

  @Override
  @JsonPropertyDescription("What the platform team declares about the framework: its type, role, weight, quota, offer settings and tenancy.")
  public FrameworkSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the allocator gives the framework and how fair that is; written by the operator.")
  public FrameworkStatus getStatus() {
    return super.getStatus();
  }
}
