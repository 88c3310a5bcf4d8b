package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/** What the allocator gives a framework, and how fair that is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FrameworkStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
    Long observedGeneration,
    @JsonPropertyDescription("Standard conditions: Ready (accepted by the allocator), GuaranteeMet, LimitReached.")
    @SchemaFrom(type = SchemaOnly.Condition[].class) List<Condition> conditions,
    @JsonPropertyDescription("Capacity allocated to the framework's instances and leases.")
    Map<String, Quantity> allocated,
    @JsonPropertyDescription("Dominant share: the largest fraction of the pooled total of any resource that the framework holds.")
    Double dominantShare,
    @JsonPropertyDescription("Dominant share divided by the role's weight; lower is served first.")
    Double weightedShare,
    @JsonPropertyDescription("Whether the role's quota guarantee is met (true when it has none).")
    Boolean guaranteeMet,
    @JsonPropertyDescription("Instances of the framework's Workloads that are still waiting for capacity.")
    Integer pendingInstances,
    @JsonPropertyDescription("Offers made to the framework that it has not answered yet (accepted or declined).")
    Integer outstandingOffers) {}
