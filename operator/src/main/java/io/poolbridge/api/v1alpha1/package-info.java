/**
 * The poolbridge API, group {@code poolbridge.io}, version {@code v1alpha1}: {@link
 * io.poolbridge.api.v1alpha1.ResourcePool}, {@link io.poolbridge.api.v1alpha1.Framework} and
 * {@link io.poolbridge.api.v1alpha1.Workload}.
 *
 * <p>The CRD YAML under {@code crds/} is generated from these classes by the Fabric8 CRD
 * generator; every OpenAPI constraint and CEL rule lives here, as annotations, so the Java model
 * and the schema the API server enforces cannot drift apart. One constraint is added by {@code
 * io.poolbridge.tools.CrdFinisher} because the generator cannot express it: every quantity of a
 * spec must be a non-negative Kubernetes quantity ({@link io.poolbridge.api.v1alpha1.Rules#QUANTITY}).
 * CEL rules must compile in the API server's CEL environment and stay within its cost budget; the
 * operator module's tests check both, and check the messages a user gets for bad input. Specs are immutable records (what the
 * user declared); fields a user may omit are {@code null} in Java and documented with their
 * default.
 */
package io.poolbridge.api.v1alpha1;
