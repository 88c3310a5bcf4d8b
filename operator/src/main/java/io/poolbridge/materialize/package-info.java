/**
 * Materialization: what a committed placement becomes in a Kubernetes API. Pure builders
 * ({@link io.poolbridge.materialize.InstancePods}, {@link io.poolbridge.materialize.NodeTaints},
 * {@link io.poolbridge.materialize.StaticEndpoints}) derive the desired objects with no I/O; the
 * {@link io.poolbridge.materialize.Materializer} makes an API match them, idempotently (a second
 * apply of the same desired state writes nothing). Uses the Fabric8 model and client; not part of
 * the allocation core.
 */
package io.poolbridge.materialize;
