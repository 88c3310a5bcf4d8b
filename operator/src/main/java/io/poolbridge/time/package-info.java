/**
 * Time the allocation core and its clients share, with no dependency beyond {@code java.time}:
 * {@link io.poolbridge.time.ManualClock}, simulated time for {@code Simulation}, {@code simulate},
 * benchmarks and tests.
 */
package io.poolbridge.time;
