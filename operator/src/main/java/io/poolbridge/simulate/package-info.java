/**
 * What-if: the estate users declare in YAML, run through both levels of allocation in simulated
 * time ({@link io.poolbridge.engine.Simulation}), reported as tables, JSON or YAML. The engine
 * behind {@code poolbridge simulate}.
 */
package io.poolbridge.simulate;
