package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * A consumer of pooled capacity. The {@code weight} and {@code quota} apply to the framework's
 * {@code role}, the leaf of the role tree the framework sits in (Mesos semantics: weights and quotas
 * belong to roles; frameworks inside a role share it by DRF).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type == 'KubernetesCluster' || !has(self.cluster)",
    message = "cluster may only be set when type is KubernetesCluster",
    fieldPath = ".cluster")
public record FrameworkSpec(
    @JsonPropertyDescription("KubernetesCluster: a tenant Kubernetes cluster that leases whole nodes (NodeLease workloads). External: any other framework, placed by poolbridge or accepting offers itself.")
    @Required FrameworkType type,
    @JsonPropertyDescription("Hierarchical role the framework belongs to, e.g. eng/analytics. Fairness is computed over the role tree: a subtree's share counts everything allocated under it.")
    @Required @Size(max = 253) @Pattern(Rules.ROLE_PATH) String role,
    @JsonPropertyDescription("Weight of the framework's role in dominant-resource fairness: a role of weight 2 is entitled to twice the share of a role of weight 1. Greater than 0, at most 1000; defaults to 1.")
    @Default("1") @Min(value = 0, inclusive = false) @Max(1000) Double weight,
    @JsonPropertyDescription("Quota of the framework's role: a guarantee the allocator serves before fair share, and a limit it never exceeds.")
    Quota quota,
    @JsonPropertyDescription("Tenancy boundary: the namespaces whose Workloads may use this framework, by name or by label selector. A Workload in any other namespace is refused.")
    Namespaces namespaces,
    @JsonPropertyDescription("How offers are made to the framework.")
    OfferSettings offers,
    @JsonPropertyDescription("What the framework can take.")
    Capabilities capabilities,
    @JsonPropertyDescription("How long the framework's instances are kept when it stops answering (External frameworks), as a duration such as 1h. Defaults to 1h.")
    @Size(max = 64) @Pattern(Rules.DURATION) String failoverTimeout,
    @JsonPropertyDescription("For KubernetesCluster frameworks: which cluster. The operator's own cluster when omitted.")
    ClusterRef cluster) {

  /** The kind of framework. */
  public enum FrameworkType {
    KubernetesCluster,
    External
  }

  /**
   * Guarantee and limit per resource. At most 12 resources each: the API server estimates the
   * guarantee-within-limit rule at about 630,000 cost units per resource (two quantity parses of
   * int-or-string values) against a 10,000,000 budget per rule.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.guarantee) || self.guarantee.all(k, k.matches(" + Rules.RESOURCE_NAME + "))",
      message = Rules.MSG_RESOURCE_NAMES,
      fieldPath = ".guarantee")
  @ValidationRule(
      value = "!has(self.limit) || self.limit.all(k, k.matches(" + Rules.RESOURCE_NAME + "))",
      message = Rules.MSG_RESOURCE_NAMES,
      fieldPath = ".limit")
  @ValidationRule(
      value = "!has(self.guarantee) || !has(self.limit) || self.guarantee.all(k, !(k in self.limit)"
          + " || (type(self.guarantee[k]) == int ? quantity('0').add(self.guarantee[k]) : quantity(self.guarantee[k]))"
          + ".compareTo(type(self.limit[k]) == int ? quantity('0').add(self.limit[k]) : quantity(self.limit[k])) <= 0)",
      message = "quota.guarantee must not exceed quota.limit for any resource")
  public record Quota(
      @JsonPropertyDescription("Capacity the role is guaranteed, served before fair share (e.g. {cpu: 64, memory: 256Gi}). At most 12 resources.")
      @Size(max = 12) Map<String, Quantity> guarantee,
      @JsonPropertyDescription("Capacity the role never exceeds, borrowed capacity included. A resource that is not listed is unlimited. At most 12 resources.")
      @Size(max = 12) Map<String, Quantity> limit) {}

  /** Which namespaces may use the framework. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Namespaces(
      @JsonPropertyDescription("Namespaces allowed by name.")
      @Size(max = 256) List<String> names,
      @JsonPropertyDescription("Namespaces allowed by label.")
      @SchemaFrom(type = SchemaOnly.LabelSelector.class) LabelSelector selector) {}

  /** Offer settings (Mesos: refuse_seconds, min_allocatable_resources, offer_timeout). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.minAllocatable) || self.minAllocatable.all(k, k.matches(" + Rules.RESOURCE_NAME + "))",
      message = Rules.MSG_RESOURCE_NAMES,
      fieldPath = ".minAllocatable")
  public record OfferSettings(
      @JsonPropertyDescription("How long a declined offer (or the unused part of an accepted one) is filtered for the framework on that node, in seconds. Defaults to 5.")
      @Default("5") @Min(0) @Max(86400) Double refuseSeconds,
      @JsonPropertyDescription("Smallest offer worth making: a node with less than this free is not offered to the framework.")
      @Size(max = 32) Map<String, Quantity> minAllocatable,
      @JsonPropertyDescription("How long an offer may stay neither accepted nor declined before it is taken back and offered again, in seconds, so a framework that stopped answering holds no capacity for good. Defaults to the operator's offer timeout (60).")
      @Min(1) @Max(86400) Integer timeoutSeconds) {}

  /** Capabilities of the framework. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Capabilities(
      @JsonPropertyDescription("Whether the framework accepts revocable (borrowed) capacity, which is taken back when its owner needs it. Defaults to false.")
      @Default("false") Boolean revocable) {}

  /** Which cluster a KubernetesCluster framework is. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ClusterRef(
      @JsonPropertyDescription("A Secret holding the kubeconfig of the tenant cluster; omit for the operator's own cluster.")
      SecretKeyRef kubeconfigSecretRef) {}

  /** Weight with its default applied. */
  public double weightOrDefault() {
    return weight == null ? 1.0 : weight;
  }
}
