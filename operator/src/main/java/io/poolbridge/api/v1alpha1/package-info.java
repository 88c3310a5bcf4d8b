/**
 * The poolbridge API, group {@code poolbridge.io}, version {@code v1alpha1}: {@link
 * io.poolbridge.api.v1alpha1.ResourcePool}, {@link io.poolbridge.api.v1alpha1.Framework} and
 * {@link io.poolbridge.api.v1alpha1.Workload}.
 *
 * <p>The CRD YAML under {@code crds/} is generated from these classes by the Fabric8 CRD
 * generator; every OpenAPI constraint and CEL rule lives here, as annotations, so the Java model
 * and the schema the API server enforces cannot drift apart. Specs are immutable records (what the
 * user declared); fields a user may omit are {@code null} in Java and documented with their
 * default.
 */
package io.poolbridge.api.v1alpha1;
