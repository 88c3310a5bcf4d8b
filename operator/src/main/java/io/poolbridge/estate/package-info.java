/**
 * The boundary between the Kubernetes API model and the allocation core: Kubernetes quantities
 * become whole numbers in base units, ResourcePools become agents ({@link io.poolbridge.estate.Estate}),
 * Frameworks become roles and frameworks ({@link io.poolbridge.estate.RoleOwnership} says whose
 * weight and quota a shared role has), Workloads become demand or a refusal with its reason
 * ({@link io.poolbridge.estate.Workloads}, {@link io.poolbridge.estate.Refusal}), pool costs become
 * prices ({@link io.poolbridge.estate.PoolPrices}). Used by the {@code simulate} command and by the
 * reconcilers alike, so both feed the core the same way.
 */
package io.poolbridge.estate;
