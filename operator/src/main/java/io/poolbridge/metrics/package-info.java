/**
 * The operator's observability: Prometheus metrics (JOSDK's controller metrics and poolbridge's
 * allocation metrics, {@link io.poolbridge.metrics.OperatorMetrics}) and the HTTP endpoints
 * {@code /metrics}, {@code /healthz} and {@code /readyz} ({@link io.poolbridge.metrics.OperatorHttpServer}).
 * Not part of the allocation core.
 */
package io.poolbridge.metrics;
