package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.estate.EstateLoader;
import io.poolbridge.estate.EstateLoader.Input;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The change applied to the live estate as {@code kubectl apply -f} then {@code kubectl delete -f}
 * would leave it: same kind, namespace and name replaces, anything else is added; deletions remove
 * by kind, namespace and name, and a deleted Namespace takes its Workloads with it.
 */
class OverlayTest {
  private static Input read(String yaml) {
    return new EstateLoader(() -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).loadPart(List.of(Path.of("-")));
  }

  private static String workload(String namespace, String name, int instances) {
    return """
        apiVersion: poolbridge.io/v1alpha1
        kind: Workload
        metadata: {name: %s%s}
        spec: {framework: apps, kind: Service, instances: %d, resources: {cpu: 1}}
        ---
        """.formatted(name, namespace == null ? "" : ", namespace: " + namespace, instances);
  }

  private static final String FRAMEWORK = """
      apiVersion: poolbridge.io/v1alpha1
      kind: Framework
      metadata: {name: apps}
      spec: {type: External, role: apps, namespaces: {names: [shop, team]}}
      ---
      """;

  private static final Input LIVE = read(FRAMEWORK + workload("shop", "web", 2) + workload("shop", "db", 1) + workload("team", "api", 1)
      + """
      apiVersion: v1
      kind: Namespace
      metadata: {name: team, labels: {tier: gold}}
      """);

  private static Map<String, Integer> instances(Input input) {
    Map<String, Integer> map = new java.util.TreeMap<>();
    input.workloads().forEach(l -> map.put(l.object().getMetadata().getNamespace() + "/" + l.object().getMetadata().getName(),
        l.object().getSpec().instances()));
    return map;
  }

  @Test
  void theChangeReplacesWhatItNamesAndAddsTheRest() {
    Input change = read(workload("shop", "web", 5) + workload(null, "cron", 1));

    Overlay.Result result = Overlay.apply(LIVE, change, null, "shop");

    // web scaled to 5; cron, without a namespace, lands in the context's (shop); db and api untouched.
    assertThat(instances(result.input())).containsExactly(
        Map.entry("shop/cron", 1), Map.entry("shop/db", 1), Map.entry("shop/web", 5), Map.entry("team/api", 1));
    assertThat(result.input().frameworks()).hasSize(1);
    assertThat(result.input().namespaceLabels()).containsEntry("team", Map.of("tier", "gold"));
    assertThat(result.notes()).isEmpty();
  }

  @Test
  void deletionsRemoveByKindNamespaceAndName() {
    Input deletions = read(workload("shop", "db", 7) + workload("shop", "gone", 1) + """
        apiVersion: v1
        kind: Namespace
        metadata: {name: team}
        """);

    Overlay.Result result = Overlay.apply(LIVE, null, deletions, "default");

    // db goes whatever its spec in the file says; team's Workloads go with the Namespace.
    assertThat(instances(result.input())).containsExactly(Map.entry("shop/web", 2));
    assertThat(result.input().namespaceLabels()).doesNotContainKey("team");
    assertThat(result.notes()).containsExactly(
        "--delete: Workload shop/gone (STDIN: document 2) is not in the cluster: nothing to delete");
  }
}
