package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.EstateLoader;
import io.poolbridge.operator.EmbeddedEstate;
import io.poolbridge.operator.PoolbridgeOperator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The permissions {@code poolbridge run} needs, derived from what it does: the operator runs with
 * leader election on the sample estate (cluster-wide, then limited to two namespaces), places the
 * samples, and then a Workload, a static Workload and a pool are deleted. Every request it makes to
 * its own cluster is mapped to the RBAC (API group, resource, verb) and namespace that authorizes it,
 * and compared with {@code helm/poolbridge/rbac-expected.yaml}, which the Helm chart's rendered
 * rules must equal (the e2e module's {@code HelmRbacTest}): each request is granted by a rule of the
 * right scope, and each rule there is used by a request or says why no run of the embedded API
 * can show it ({@code notExercised}).
 *
 * <p>Requests to the remote cluster a pool reads through its kubeconfig Secret are checked the same
 * way against the file's {@code remoteCluster} section (what that kubeconfig's account needs).
 */
class OperatorRbacIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String OPERATOR_NS = EmbeddedEstate.OPERATOR_NAMESPACE;
  /** Requests every authenticated account may make (system:discovery, system:basic-user): no rule needed. */
  private static final Set<String> GRANTED_TO_EVERY_ACCOUNT = Set.of(
      "authorization.k8s.io/selfsubjectaccessreviews/create", "authorization.k8s.io/selfsubjectrulesreviews/create");

  /** One (group, resource[/subresource], verb) the operator used, and where. */
  record Use(String group, String resource, String verb, String namespace) {
    String grant() {
      return group + "/" + resource + "/" + verb;
    }
  }

  @Test
  @Timeout(240)
  void theChartsRulesAreExactlyWhatTheOperatorCalls(@TempDir Path dir) throws Exception {
    Expected expected = Expected.read(EmbeddedEstate.dir("helm").resolve("poolbridge/rbac-expected.yaml"));
    Set<String> used = new TreeSet<>();
    Set<String> refused = new TreeSet<>();

    for (Set<String> watched : List.of(Set.<String>of(), Set.of("streaming", "analytics"))) {
      Observed observed = runOnce(dir, watched);
      for (Use use : observed.local()) {
        if (GRANTED_TO_EVERY_ACCOUNT.contains(use.grant())) {
          continue;
        }
        String section = expected.section(use, watched);
        if (section == null) {
          refused.add((watched.isEmpty() ? "cluster-wide run: " : "watchNamespaces run: ") + use.grant()
              + (use.namespace() == null ? " (cluster)" : " in " + use.namespace()));
        } else {
          used.add(section + " " + use.grant());
        }
      }
      for (Use use : observed.remote()) {
        if (GRANTED_TO_EVERY_ACCOUNT.contains(use.grant())) {
          continue;
        }
        if (expected.remoteCluster().contains(use.grant())) {
          used.add("remoteCluster " + use.grant());
        } else {
          refused.add("remote cluster: " + use.grant() + (use.namespace() == null ? "" : " in " + use.namespace()));
        }
      }
    }

    assertThat(refused).as("requests the rules in rbac-expected.yaml do not grant").isEmpty();
    Set<String> unused = new TreeSet<>();
    expected.all().forEach((section, grants) -> grants.forEach(g -> {
      if (!used.contains(section + " " + g) && !expected.notExercised().contains(section + " " + g)) {
        unused.add(section + " " + g);
      }
    }));
    assertThat(unused).as("rules no request used (remove them, or list them in notExercised with the reason)").isEmpty();
    // A notExercised rule a run happens to use (a 409 race, say) is no error: it is still needed.
    Set<String> exercisedAfterAll = new TreeSet<>(expected.notExercised());
    exercisedAfterAll.retainAll(used);
    if (!exercisedAfterAll.isEmpty()) {
      System.out.println("notExercised rules this run used: " + exercisedAfterAll);
    }
  }

  private record Observed(List<Use> local, List<Use> remote) {}

  /** Runs {@code poolbridge run} on the samples until placed, deletes some objects, and returns what it asked the API servers. */
  private Observed runOnce(Path dir, Set<String> watched) throws Exception {
    try (EmbeddedEstate estate = EmbeddedEstate.samples(new RulesReviewing())) {
      Path kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(kubeconfig, EmbeddedEstate.kubeconfig(estate.client()));
      System.setProperty("kubeconfig", kubeconfig.toString());
      KubernetesMockServer remoteServer = estate.remoteServer("gke-europe-west4-kubeconfig");
      drain(estate.server());
      drain(remoteServer);
      EstateLoader.Input input = new EstateLoader().load(List.of(EmbeddedEstate.dir("samples"),
          EmbeddedEstate.dir("samples").resolve("simulation")));
      // Metrics port 0: no HTTP server; the rates as the settings ConfigMap would give them are
      // left to the ConfigMap (none here), so run reads it as in a pod.
      RunCommand.Settings settings = new RunCommand.Settings(null, Duration.ofSeconds(1), watched, true, OPERATOR_NS,
          "rbac-it", 0, io.poolbridge.scheduler.ExchangeRates.NONE, 0);
      CountDownLatch stop = new CountDownLatch(1);
      AtomicReference<PoolbridgeOperator> operator = new AtomicReference<>();
      AtomicInteger exit = new AtomicInteger(-1);
      StringWriter err = new StringWriter();
      Thread run = new Thread(() -> {
        try {
          exit.set(RunCommand.runOperator(settings, new PrintWriter(new StringWriter()), new PrintWriter(err), stop, operator::set));
        } catch (Exception e) {
          e.printStackTrace(new PrintWriter(err, true));
          exit.set(99);
        }
      });
      run.start();
      try {
        try {
          await().atMost(Duration.ofSeconds(90)).until(() -> exit.get() != -1 || operator.get() != null && operator.get().leader()
              && operator.get().loop().state().settled());
          assertThat(exit.get()).as("run stopped early: %s", err).isEqualTo(-1);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError("the operator did not settle as leader (exit " + exit.get() + ", started "
              + (operator.get() != null) + ", leader " + (operator.get() != null && operator.get().leader()) + "): " + err, e);
        }
        // The test's own requests carry their own User-Agent, and are left out of the log.
        var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
            new io.fabric8.kubernetes.client.ConfigBuilder(estate.client().getConfiguration()).withUserAgent(TEST_AGENT).build())
            .withHttpClientFactory(new io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory()).build();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.pods().inNamespace("streaming").list().getItems().size() > 0
            && !client.discovery().v1().endpointSlices().inNamespace("streaming").list().getItems().isEmpty());
        // Deletions: a Workload with Pods, a static one (Service and EndpointSlices), a pool.
        client.resources(Workload.class).inNamespace("streaming").withName("kafka-connect").delete();
        client.resources(Workload.class).inNamespace("streaming").withName("kafka-brokers").delete();
        client.resources(ResourcePool.class).withName("metal-ams").delete();
        await().atMost(Duration.ofSeconds(60)).until(() ->
            client.resources(Workload.class).inNamespace("streaming").withName("kafka-connect").get() == null
                && client.resources(Workload.class).inNamespace("streaming").withName("kafka-brokers").get() == null
                && client.resources(ResourcePool.class).withName("metal-ams").get() == null
                && client.services().inNamespace("streaming").withName("kafka-brokers").get() == null);
        Thread.sleep(2000);
        client.close();
      } finally {
        stop.countDown();
        run.join(30_000);
        System.clearProperty("kubeconfig");
      }
      assertThat(exit.get()).as("exit code; stderr: %s", err).isZero();
      return new Observed(uses(estate.server()), uses(remoteServer));
    }
  }

  /**
   * The validating embedded API, answering JOSDK's SelfSubjectRulesReview (made before leader
   * election) as a real API server would for an account allowed its Lease: the mock cannot compute rules.
   */
  private static final class RulesReviewing extends io.fabric8.mockwebserver.http.Dispatcher {
    private final io.poolbridge.embedded.ValidatingCrudDispatcher crud = new io.poolbridge.embedded.ValidatingCrudDispatcher();

    @Override
    public io.fabric8.mockwebserver.http.MockResponse dispatch(RecordedRequest request) {
      if (request.getMethod().equals("POST") && request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
        return new io.fabric8.mockwebserver.http.MockResponse().setResponseCode(201).setBody(
            "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\",\"metadata\":{},\"spec\":{},"
                + "\"status\":{\"incomplete\":false,\"nonResourceRules\":[],\"resourceRules\":[{\"apiGroups\":"
                + "[\"coordination.k8s.io\"],\"resources\":[\"leases\"],\"verbs\":[\"create\",\"update\",\"get\"]}]}}");
      }
      return crud.dispatch(request);
    }

    @Override
    public void shutdown() {
      crud.shutdown();
    }
  }

  private static void drain(KubernetesMockServer server) throws InterruptedException {
    while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
      // discard: the estate's setup
    }
  }

  /** The requests a server received, except the test's own (recognized by the test client's User-Agent marker). */
  private static List<Use> uses(KubernetesMockServer server) throws InterruptedException {
    List<Use> uses = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      if (TEST_AGENT.equals(r.getHeader("User-Agent"))) {
        continue;
      }
      Use use = use(r.getMethod(), r.getPath());
      if (use != null) {
        uses.add(use);
      }
    }
    return uses;
  }

  static final String TEST_AGENT = "poolbridge-rbac-it-test";

  /** The RBAC attributes of one request; null for a non-resource URL (discovery: /api, /apis, /version). */
  static Use use(String method, String rawPath) {
    String path = rawPath;
    String query = "";
    int q = path.indexOf('?');
    if (q >= 0) {
      query = path.substring(q + 1);
      path = path.substring(0, q);
    }
    String[] parts = path.replaceAll("^/+", "").split("/");
    int i;
    String group;
    if (parts[0].equals("api") && parts.length >= 3) {
      group = "";
      i = 2;
    } else if (parts[0].equals("apis") && parts.length >= 4) {
      group = parts[1];
      i = 3;
    } else {
      return null;
    }
    String namespace = null;
    if (parts.length > i + 2 && parts[i].equals("namespaces")) {
      namespace = URLDecoder.decode(parts[i + 1], StandardCharsets.UTF_8);
      i += 2;
    }
    String resource = parts[i];
    String name = parts.length > i + 1 ? parts[i + 1] : null;
    String sub = parts.length > i + 2 ? parts[i + 2] : null;
    if (sub != null) {
      resource = resource + "/" + sub;
    }
    boolean watch = query.contains("watch=true") || query.contains("watch=1");
    String verb = switch (method) {
      case "GET" -> name == null ? (watch ? "watch" : "list") : (watch ? "watch" : "get");
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name == null ? "deletecollection" : "delete";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
    return new Use(group, resource, verb, namespace);
  }

  /** rbac-expected.yaml: the grants of each section as "group/resource/verb". */
  record Expected(Set<String> clusterWide, Set<String> clusterScopedKinds, Set<String> watched, Set<String> operatorNamespace,
      Set<String> remoteCluster, Set<String> notExercised) {

    static Expected read(Path file) throws IOException {
      Map<?, ?> doc = YAML.readValue(file.toFile(), Map.class);
      Set<String> notExercised = new TreeSet<>();
      for (Object o : (List<?>) doc.get("notExercised")) {
        Map<?, ?> entry = (Map<?, ?>) o;
        for (String g : grants((List<?>) List.of(entry))) {
          notExercised.add(entry.get("section") + " " + g);
        }
      }
      return new Expected(grants((List<?>) doc.get("clusterWide")), Set.of(), grants((List<?>) doc.get("watched")),
          grants((List<?>) doc.get("operatorNamespace")), grants((List<?>) doc.get("remoteCluster")), notExercised);
    }

    private static Set<String> grants(List<?> rules) {
      Set<String> out = new TreeSet<>();
      if (rules == null) {
        return out;
      }
      for (Object o : rules) {
        Map<?, ?> rule = (Map<?, ?>) o;
        for (Object g : (List<?>) rule.get("apiGroups")) {
          for (Object r : (List<?>) rule.get("resources")) {
            for (Object v : (List<?>) rule.get("verbs")) {
              out.add(g + "/" + r + "/" + v);
            }
          }
        }
      }
      return out;
    }

    Map<String, Set<String>> all() {
      Map<String, Set<String>> all = new TreeMap<>();
      all.put("clusterWide", clusterWide);
      all.put("watched", watched);
      all.put("operatorNamespace", operatorNamespace);
      all.put("remoteCluster", remoteCluster);
      return all;
    }

    /**
     * The section whose rule grants {@code use} where the chart binds it: clusterWide everywhere;
     * watched cluster-wide without watchNamespaces, else in those namespaces only;
     * operatorNamespace in the release namespace only. Null when none does.
     */
    String section(Use use, Set<String> watchedNamespaces) {
      String g = use.grant();
      if (clusterWide.contains(g)) {
        return "clusterWide";
      }
      if (watched.contains(g) && (watchedNamespaces.isEmpty()
          || (use.namespace() != null && watchedNamespaces.contains(use.namespace())))) {
        return "watched";
      }
      if (operatorNamespace.contains(g) && OPERATOR_NS.equals(use.namespace())) {
        return "operatorNamespace";
      }
      return null;
    }
  }
}
