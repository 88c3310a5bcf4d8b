package io.poolbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.FrameworkInfo;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.engine.Engine;
import io.poolbridge.engine.Tick;
import io.poolbridge.metrics.OperatorMetrics;
import io.poolbridge.scheduler.Prices;
import io.poolbridge.scheduler.WorkloadDemand;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PrometheusRule's alerts and the Grafana dashboard name only series the operator exports: every
 * {@code poolbridge_*} name in them is in the scrape of an {@link OperatorMetrics} that saw a small
 * estate allocated (a pool of two nodes, two frameworks, one with a quota and a weight, an instance
 * that stays pending), as the allocation loop feeds it.
 */
class HelmMonitoringTest {
  private static final Pattern METRIC = Pattern.compile("\\bpoolbridge_[a-z0-9_]+");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void alertsAndDashboardNameOnlyExportedSeries() throws IOException {
    List<HasMetadata> objects = HelmTemplate.objects(tmp, """
        metrics: {prometheusRule: {enabled: true}, grafanaDashboard: {enabled: true}}
        """);
    GenericKubernetesResource rule = objects.stream().filter(o -> o.getKind().equals("PrometheusRule"))
        .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
    List<String> exprs = new ArrayList<>();
    JsonNode groups = JSON.valueToTree(rule.getAdditionalProperties().get("spec")).get("groups");
    groups.forEach(g -> g.get("rules").forEach(r -> exprs.add(r.get("expr").asText())));
    assertThat(exprs).hasSize(4);

    ConfigMap dashboardMap = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
        .findFirst().orElseThrow();
    JsonNode dashboard = JSON.readTree(dashboardMap.getData().get("poolbridge.json"));
    List<String> queries = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> queries.add(e.asText()));
    dashboard.get("templating").get("list").forEach(v -> {
      if (v.has("definition")) {
        queries.add(v.get("definition").asText());
      }
    });
    assertThat(queries).hasSizeGreaterThan(10);

    Set<String> exported = exportedSeries();
    Set<String> inRules = names(exprs);
    Set<String> inDashboard = names(queries);
    assertThat(inRules).as("series the alerts use").isNotEmpty().isSubsetOf(exported);
    assertThat(inDashboard).as("series the dashboard uses").isNotEmpty().isSubsetOf(exported);
    // What issue 15 asks the dashboard to show.
    assertThat(inDashboard).contains("poolbridge_pool_capacity", "poolbridge_pool_allocated",
        "poolbridge_framework_dominant_share", "poolbridge_framework_weighted_share",
        "poolbridge_framework_pending_instances", "poolbridge_allocation_tick_seconds_bucket", "poolbridge_offers_made_total");
  }

  private static Set<String> names(List<String> queries) {
    Set<String> names = new TreeSet<>();
    for (String q : queries) {
      Matcher m = METRIC.matcher(q);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** The series names an OperatorMetrics scrape holds once the allocation loop has fed it a small estate. */
  private static Set<String> exportedSeries() {
    ResourceSchema schema = ResourceSchema.of("cpu", "memory");
    long gib = 1L << 30;
    Instant now = Instant.EPOCH;
    Engine engine = new Engine(schema, Prices.of(schema, Map.of()), Duration.ofSeconds(1), 7, now);
    for (String node : List.of("a1", "a2")) {
      engine.addAgent(new AgentInfo("metal/" + node, "metal", Map.of("hostname", node, "pool", "metal"),
          Resources.of(schema, "cpu", 8000L, "memory", 32 * gib), Map.of()));
    }
    engine.addFramework(FrameworkInfo.of("marathon", "web"));
    engine.addFramework(FrameworkInfo.of("spark", "batch"));
    engine.setWeight("batch", 2);
    Quota quota = new Quota(Map.of("cpu", 4000L), Map.of("cpu", 10_000L));
    engine.setQuota("web", quota);
    engine.upsert(WorkloadDemand.builder("shop/web", "marathon", Resources.of(schema, "cpu", 2000L, "memory", 4 * gib))
        .instances(3).build());
    engine.upsert(WorkloadDemand.builder("data/huge", "spark", Resources.of(schema, "cpu", 64_000L, "memory", gib))
        .instances(1).build());
    OperatorMetrics metrics = new OperatorMetrics();
    for (int i = 0; i < 100; i++) {
      now = now.plusSeconds(1);
      Tick tick = engine.tick(now);
      tick.placed().forEach(a -> engine.commit(a.instanceId()));
      metrics.recordTick(tick, Duration.ofMillis(3));
      metrics.update(engine.publish(), Map.of("web", quota));
      metrics.recordCreateToPlaced(Duration.ofMillis(200));
      if (tick.settled()) {
        break;
      }
    }
    Set<String> names = new TreeSet<>();
    for (String line : metrics.scrape().split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }
}
