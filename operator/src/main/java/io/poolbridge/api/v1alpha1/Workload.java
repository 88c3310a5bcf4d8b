package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A tenant's request for capacity through one Framework: a long-running Service, a Job (optionally
 * on a cron schedule) or a NodeLease of whole nodes. Namespaced; owned by a tenant.
 */
@Group(ResourcePool.GROUP)
@Version(ResourcePool.VERSION)
@Kind("Workload")
@Plural("workloads")
@Singular("workload")
@ShortNames("wl")
@Categories("poolbridge")
@AdditionalPrinterColumn(name = "Kind", jsonPath = ".spec.kind", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Framework", jsonPath = ".spec.framework", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Instances", jsonPath = ".spec.instances", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Placed", jsonPath = ".status.placed", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "size(self.metadata.name) <= " + Workload.MAX_NAME_LENGTH,
    message = "must be no more than " + Workload.MAX_NAME_LENGTH + " characters: an instance's name, <name>-<ordinal> (up to <name>-"
        + Workload.MAX_ORDINAL + "), is a label value of its Pod, at most 63 characters",
    fieldPath = ".metadata.name")
public class Workload extends CustomResource<WorkloadSpec, WorkloadStatus> implements Namespaced {
  /**
   * The largest ordinal of an instance: a Workload lists at most {@link WorkloadSpec#MAX_INSTANCES}
   * instances, its own and those above them (a rollout's surge instances, a scheduled Job's runs
   * alongside), so that its status stays within the API server's object size limit.
   */
  public static final int MAX_ORDINAL = WorkloadSpec.MAX_INSTANCES - 1;

  /** Decimal digits of the largest ordinal, {@link #MAX_ORDINAL}, as a constant expression. */
  static final int ORDINAL_DIGITS = MAX_ORDINAL < 10 ? 1
      : MAX_ORDINAL < 100 ? 2
      : MAX_ORDINAL < 1000 ? 3
      : MAX_ORDINAL < 10000 ? 4 : 5;

  /**
   * The longest name a Workload may have: its instances are named {@code <name>-<ordinal>}, and
   * that id is a label value of the instance's Pod ({@code poolbridge.io/instance}), so it must fit
   * in {@link Rules#MAX_LABEL_VALUE} with the dash and the digits of the largest ordinal, {@link
   * #MAX_ORDINAL}.
   */
  public static final int MAX_NAME_LENGTH = Rules.MAX_LABEL_VALUE - 1 - ORDINAL_DIGITS;


  @Override
  @JsonPropertyDescription("What the tenant asks for: instances of a given size through one Framework, with placement constraints.")
  public WorkloadSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Where each instance runs and why the rest do not yet; written by the operator.")
  public WorkloadStatus getStatus() {
    return super.getStatus();
  }
}
