/**
 * The pure core of Workload lifecycles, on {@code java.time} alone (no Kubernetes, Fabric8, JOSDK
 * or Jackson): what the operator decides, not how it carries it out.
 *
 * <p>Cron schedules of Jobs: {@link io.poolbridge.lifecycle.CronSchedule} parses a
 * {@code spec.schedule} expression in its time zone and finds the scheduled instants with
 * Kubernetes CronJob's daylight-saving semantics; {@link io.poolbridge.lifecycle.CronPlanner}
 * decides, from the last scheduled run and {@code now}, which run starts, which were missed and
 * when to look again (Kubernetes CronJob controller's rules: no stampede after downtime,
 * {@code startingDeadlineSeconds}, {@code concurrencyPolicy}, {@code suspend});
 * {@link io.poolbridge.lifecycle.RunHistory} is the bounded history of runs a Workload's status
 * shows. See docs/architecture.md, "Cron schedules".
 */
package io.poolbridge.lifecycle;
