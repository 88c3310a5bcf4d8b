package io.poolbridge.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolbridge.reconciler.HealthSamples.Sample;
import io.poolbridge.testing.GoldenFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health check ({@code helm/poolbridge/argocd/health.lua}) run as Argo CD runs it (the
 * resource as the global {@code obj}, the chunk returning {@code {status, message}}) on the sample
 * statuses: Healthy, Progressing or Degraded as a person reads them, saying why.
 */
class ArgoHealthLuaTest {
  static final Path ARGOCD = dir().resolve("helm/poolbridge/argocd");
  static final List<String> KINDS = List.of("ResourcePool", "Framework", "Workload");

  private static Path dir() {
    return Files.isDirectory(Path.of("..", "helm")) ? Path.of("..") : Path.of(".");
  }

  record Health(String status, String message) {}

  static Health run(Map<String, Object> object) throws IOException {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", lua(object));
    LuaValue result = globals.load(Files.readString(ARGOCD.resolve("health.lua")), "health.lua").call();
    return new Health(result.get("status").tojstring(), result.get("message").tojstring());
  }

  /** JSON (maps, lists, strings, numbers, booleans) as Argo CD hands it to the script. */
  @SuppressWarnings("unchecked")
  static LuaValue lua(Object json) {
    if (json == null) {
      return LuaValue.NIL;
    }
    if (json instanceof Map<?, ?> map) {
      LuaTable t = new LuaTable();
      ((Map<String, Object>) map).forEach((k, v) -> t.set(k, lua(v)));
      return t;
    }
    if (json instanceof List<?> list) {
      LuaTable t = new LuaTable();
      for (int i = 0; i < list.size(); i++) {
        t.set(i + 1, lua(list.get(i)));
      }
      return t;
    }
    if (json instanceof Number n) {
      return LuaValue.valueOf(n.doubleValue());
    }
    if (json instanceof Boolean b) {
      return LuaValue.valueOf(b);
    }
    return LuaValue.valueOf(json.toString());
  }

  static Stream<Sample> samples() {
    return HealthSamples.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void eachSampleHasTheHealthAPersonExpects(Sample sample) throws IOException {
    Health health = run(sample.object());
    String expected = sample.name().equals("Workload suspended") ? "Suspended" : switch (sample.expected()) {
      case Current -> "Healthy";
      case InProgress -> "Progressing";
      case Failed -> "Degraded";
    };
    assertThat(health.status()).as(sample.name() + ": " + health.message()).isEqualTo(expected);
    assertThat(health.message()).isNotBlank();
  }

  private static Map<String, Object> sample(String name) {
    return HealthSamples.all().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().object();
  }

  @Test
  void theMessageSaysWhyInTheOperatorsWords() throws IOException {
    assertThat(run(sample("Workload whose Framework is missing")))
        .isEqualTo(new Health("Degraded", "FrameworkNotFound: Framework marathon does not exist"));
    assertThat(run(sample("Workload partly pending")))
        .isEqualTo(new Health("Progressing", "InsufficientResources: 1 of 2 instances pending: Insufficient cpu on every offered node"));
    assertThat(run(sample("Workload all placed"))).isEqualTo(new Health("Healthy", "AllPlaced: 2 of 2 instances placed"));
    assertThat(run(sample("Workload changed, not yet observed")))
        .isEqualTo(new Health("Progressing", "Waiting for the poolbridge operator to observe generation 4"));
    assertThat(run(sample("Framework short of its guarantee")))
        .isEqualTo(new Health("Progressing", "GuaranteeShort: Role eng/analytics is short of 4 cpu of its guarantee while 3 instances wait"));
    assertThat(run(sample("ResourcePool whose source Secret is missing"))).isEqualTo(new Health("Degraded",
        "SourceUnreachable: The pool's nodes cannot be read: Secret poolbridge-system/edge-kubeconfig does not exist"));
    assertThat(run(sample("ResourcePool every node in its maintenance windows"))).as("back by itself when the window ends")
        .isEqualTo(new Health("Progressing",
            "InMaintenance: None of the pool's 2 nodes takes new work: all are in maintenance windows; the first ends at 1970-01-01T04:00:00Z"));
    assertThat(run(sample("ResourcePool with a node down, others offered")).message())
        .as("healthy, and it says what is degraded").isEqualTo("NodesOffered: 1 of 2 nodes take new work; NodesNotReady: 1 of 2 nodes not ready (n1)");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aResourceWithoutStatusYetIsProgressing() throws IOException {
    Map<String, Object> object = new LinkedHashMap<>(sample("Workload all placed"));
    object.remove("status");
    assertThat(run(object)).isEqualTo(new Health("Progressing", "Waiting for the poolbridge operator to write a status"));
  }

  /** The argocd-cm snippet docs/gitops.md shows carries the script, verbatim, for each kind. */
  @Test
  void theArgoCdConfigMapCarriesTheScriptForEachKind() throws IOException {
    String script = Files.readString(ARGOCD.resolve("health.lua"));
    StringBuilder cm = new StringBuilder("""
        # Generated from health.lua by ArgoHealthLuaTest (-Dpoolbridge.golden.update=true): do not edit.
        # Merge its data into Argo CD's argocd-cm ConfigMap (see docs/gitops.md), e.g.
        #   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file argocd-cm.yaml
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: argocd-cm
          namespace: argocd
          labels:
            app.kubernetes.io/name: argocd-cm
            app.kubernetes.io/part-of: argocd
        data:
        """);
    for (String kind : KINDS) {
      cm.append("  resource.customizations.health.poolbridge.io_").append(kind).append(": |\n");
      script.lines().forEach(l -> cm.append(l.isEmpty() ? "" : "    " + l).append('\n'));
    }
    GoldenFiles.in(ARGOCD).assertMatches("argocd-cm.yaml", cm.toString());
  }
}
