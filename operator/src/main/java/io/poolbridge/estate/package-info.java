/**
 * The boundary between the Kubernetes API model and the allocation core: Kubernetes quantities
 * become whole numbers in base units, ResourcePools become agents, Frameworks become roles and
 * frameworks. Used by the {@code simulate} command and by the reconcilers alike, so both feed the
 * core the same way.
 */
package io.poolbridge.estate;
