package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/**
 * Schema-only mirrors of the Kubernetes types the API model uses from Fabric8 ({@code LabelSelector},
 * {@code Condition}), for {@code @SchemaFrom}: the same fields, with the descriptions {@code kubectl
 * explain} shows. The Java model keeps the Fabric8 types; these records are never instantiated.
 */
final class SchemaOnly {
  private SchemaOnly() {}

  /** The schema of {@link io.fabric8.kubernetes.api.model.LabelSelector}. */
  record LabelSelector(
      @JsonPropertyDescription("Labels an object must have, each with exactly this value. ANDed with matchExpressions.")
      @Size(max = 64) Map<String, String> matchLabels,
      @JsonPropertyDescription("Label requirements an object must meet, ANDed together and with matchLabels.")
      @Size(max = 32) List<LabelSelectorRequirement> matchExpressions) {}

  /** The schema of {@link io.fabric8.kubernetes.api.model.LabelSelectorRequirement}. */
  record LabelSelectorRequirement(
      @JsonPropertyDescription("The label key the requirement applies to.")
      @Required @Size(max = 317) String key,
      @JsonPropertyDescription("How the key relates to the values: In, NotIn, Exists or DoesNotExist.")
      @Required LabelSelectorOperator operator,
      @JsonPropertyDescription("The values for In and NotIn (non-empty); empty for Exists and DoesNotExist.")
      @Size(max = 256) List<String> values) {}

  /** The operators of a label selector requirement. */
  enum LabelSelectorOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist
  }

  /** The schema of {@link io.fabric8.kubernetes.api.model.Condition}, a standard status condition. */
  record Condition(
      @JsonPropertyDescription("Type of the condition, e.g. Ready.")
      String type,
      @JsonPropertyDescription("Status of the condition: True, False or Unknown.")
      String status,
      @JsonPropertyDescription("The metadata.generation the condition was set for.")
      Long observedGeneration,
      @JsonPropertyDescription("When the condition last changed status, RFC 3339.")
      String lastTransitionTime,
      @JsonPropertyDescription("Machine-readable reason for the last transition, in CamelCase.")
      String reason,
      @JsonPropertyDescription("Human-readable message about the last transition.")
      String message) {}
}
