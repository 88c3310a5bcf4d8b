package io.poolbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart as {@code helm lint}, {@code helm template} and {@code helm show crds} see it,
 * through real helm: what an installation would create, and with which permissions.
 */
class HelmChartTest {

  private static final Path CHART = HelmTemplate.CHART;
  private static final String RELEASE_NAMESPACE = HelmTemplate.RELEASE_NAMESPACE;

  @TempDir
  Path tmp;

  @Test
  void lintReportsNoWarningsOrErrors() {
    LintResult lint = new Helm(CHART).lint().strict().call();

    assertThat(lint.getMessages())
        .as("helm lint --strict messages")
        .noneMatch(m -> m.startsWith("[WARNING]") || m.startsWith("[ERROR]"));
    assertThat(lint.isFailed()).as("helm lint --strict failed: %s", lint.getMessages()).isFalse();
  }

  @Test
  void byDefaultWorkloadsAndPodsAreGrantedClusterWide() {
    Rendered rendered = render("{}");

    List<ClusterRoleBinding> workloadGrants = rendered.all(ClusterRoleBinding.class).stream()
        .filter(b -> rendered.grants(b.getRoleRef(), null, "workloads"))
        .toList();
    assertThat(workloadGrants).hasSize(1);
    assertThat(rendered.grants(workloadGrants.get(0).getRoleRef(), null, "pods")).isTrue();
    assertThat(workloadGrants.get(0).getSubjects()).extracting(Subject::getKind, Subject::getName, Subject::getNamespace)
        .containsExactly(tuple("ServiceAccount", "poolbridge", RELEASE_NAMESPACE));
    assertThat(rendered.all(RoleBinding.class))
        .noneMatch(b -> rendered.grants(b.getRoleRef(), b.getMetadata().getNamespace(), "workloads"));
    assertThat(env(rendered.deployment(), "POOLBRIDGE_WATCH_NAMESPACES")).isEmpty();
  }

  @Test
  void watchNamespacesScopeWorkloadAndPodAccessToThoseNamespaces() {
    Rendered rendered = render("watchNamespaces: [team-a, team-b]\n");

    List<RoleBinding> workloadGrants = rendered.all(RoleBinding.class).stream()
        .filter(b -> rendered.grants(b.getRoleRef(), b.getMetadata().getNamespace(), "workloads"))
        .toList();
    assertThat(workloadGrants).extracting(b -> b.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(workloadGrants)
        .allMatch(b -> rendered.grants(b.getRoleRef(), b.getMetadata().getNamespace(), "pods"))
        .allMatch(b -> b.getSubjects().stream().anyMatch(s ->
            "poolbridge".equals(s.getName()) && RELEASE_NAMESPACE.equals(s.getNamespace())));
    assertThat(rendered.all(ClusterRoleBinding.class))
        .as("cluster-wide grants")
        .noneMatch(b -> rendered.grants(b.getRoleRef(), null, "workloads"))
        .noneMatch(b -> rendered.grants(b.getRoleRef(), null, "pods"));
    assertThat(env(rendered.deployment(), "POOLBRIDGE_WATCH_NAMESPACES")).isEqualTo("team-a,team-b");
  }

  @Test
  void clusterScopedKindsNodesAndTheLeaseAreAlwaysGranted() {
    Rendered rendered = render("watchNamespaces: [team-a]\n");

    ClusterRoleBinding binding = rendered.all(ClusterRoleBinding.class).stream()
        .filter(b -> rendered.grants(b.getRoleRef(), null, "resourcepools"))
        .findFirst().orElseThrow();
    for (String resource : List.of("frameworks", "resourcepools/status", "frameworks/status", "nodes", "namespaces")) {
      assertThat(rendered.grants(binding.getRoleRef(), null, resource)).as(resource).isTrue();
    }
    assertThat(rendered.all(RoleBinding.class))
        .filteredOn(b -> RELEASE_NAMESPACE.equals(b.getMetadata().getNamespace()))
        .anyMatch(b -> rendered.grants(b.getRoleRef(), RELEASE_NAMESPACE, "leases"));
    assertThat(env(rendered.deployment(), "POOLBRIDGE_LEASE_NAMESPACE")).isEqualTo(RELEASE_NAMESPACE);
  }

  @Test
  void operatorRunsNonRootOnAReadOnlyRootFilesystemWithProbesOnItsEndpoints() {
    Deployment deployment = render("{}").deployment();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = pod.getContainers().get(0);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(env(deployment, "POOLBRIDGE_LEADER_ELECTION")).isEqualTo("false");
    // One allocator at a time: without leader election an update stops the old replica first.
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(operator.getImage()).isEqualTo("ghcr.io/poolbridge/poolbridge:0.1.0");
    assertThat(operator.getArgs()).containsExactly("run");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(operator.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(operator.getVolumeMounts()).anyMatch(m -> "/tmp".equals(m.getMountPath()));
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
    // `poolbridge run` serves /healthz, /readyz and /metrics on --metrics-port (POOLBRIDGE_METRICS_PORT).
    assertThat(operator.getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getName()).isEqualTo("http"))
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
    assertThat(env(deployment, "POOLBRIDGE_METRICS_PORT")).isEqualTo("8080");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
  }

  @Test
  void severalReplicasElectALeaderThroughALeaseInTheReleaseNamespace() {
    Deployment deployment = render("replicaCount: 2\n").deployment();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(env(deployment, "POOLBRIDGE_LEADER_ELECTION")).isEqualTo("true");
    assertThat(deployment.getSpec().getStrategy()).as("the default rolling update: the Lease keeps one allocator").isNull();
    assertThat(env(deployment, "POOLBRIDGE_LEASE_NAMESPACE")).isEqualTo(RELEASE_NAMESPACE);
    assertThat(envFrom(deployment, "POD_NAME")).isEqualTo("metadata.name");
    assertThat(envFrom(deployment, "POD_NAMESPACE")).isEqualTo("metadata.namespace");
    // One replica may elect too, when asked (a rolling update then never runs two allocators).
    assertThat(env(render("leaderElection:\n  enabled: true\n").deployment(), "POOLBRIDGE_LEADER_ELECTION")).isEqualTo("true");
  }

  @Test
  void severalReplicasWithoutLeaderElectionAreRefused() {
    assertThatThrownBy(() -> render("replicaCount: 2\nleaderElection:\n  enabled: false\n"))
        .hasMessageContaining("replicaCount > 1 needs leader election");
  }

  @Test
  void runFlagsAreSetThroughTheirEnvironmentVariables() {
    Deployment deployment = render("""
        allocationInterval: 500ms
        seed: 7
        logLevel: debug
        logFormat: json
        """).deployment();

    assertThat(env(deployment, "POOLBRIDGE_ALLOCATION_INTERVAL")).isEqualTo("500ms");
    assertThat(env(deployment, "POOLBRIDGE_SEED")).isEqualTo("7");
    assertThat(env(deployment, "POOLBRIDGE_LOG_LEVEL")).isEqualTo("debug");
    assertThat(env(deployment, "POOLBRIDGE_LOG_FORMAT")).isEqualTo("json");
  }

  /**
   * Every POOLBRIDGE_* variable the chart sets is one `poolbridge run` reads: an option's
   * {@code ${env:...}} default (RunCommand) or the logging configuration (log4j2.xml). A misspelt
   * or invented name would be silently ignored by the operator.
   */
  @Test
  void everyVariableTheChartSetsIsOneTheOperatorReads() throws java.io.IOException {
    java.util.Set<String> read = new java.util.TreeSet<>();
    java.util.regex.Pattern envRef = java.util.regex.Pattern.compile("\\$\\{env:(POOLBRIDGE_[A-Z_]+)");
    for (var field : io.poolbridge.cli.RunCommand.class.getDeclaredFields()) {
      picocli.CommandLine.Option option = field.getAnnotation(picocli.CommandLine.Option.class);
      if (option != null) {
        envRef.matcher(option.defaultValue()).results().forEach(m -> read.add(m.group(1)));
      }
    }
    try (var log4j = getClass().getClassLoader().getResourceAsStream("log4j2.xml")) {
      envRef.matcher(new String(log4j.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).results()
          .forEach(m -> read.add(m.group(1)));
    }
    assertThat(read).contains("POOLBRIDGE_WATCH_NAMESPACES", "POOLBRIDGE_LEADER_ELECTION", "POOLBRIDGE_LOG_LEVEL");

    for (String values : List.of("{}", "replicaCount: 2\nwatchNamespaces: [team-a]\n")) {
      List<String> set = render(values).deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
          .map(EnvVar::getName).filter(n -> n.startsWith("POOLBRIDGE_")).toList();
      assertThat(set).as("POOLBRIDGE_* variables the chart sets").isNotEmpty().isSubsetOf(read);
    }
  }

  /** The settings ConfigMap `run` reads at start, in the form samples/simulation/poolbridge-settings.yaml has it. */
  @Test
  void currencyAndRatesAreTheSettingsConfigMapAndAChangeRestartsTheOperator() {
    Rendered usd = render("currency: USD\nexchangeRates: {GBP: \"1.27\", EUR: \"1.08\"}\n");
    io.fabric8.kubernetes.api.model.ConfigMap settings = usd.all(io.fabric8.kubernetes.api.model.ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().equals("poolbridge")).findFirst().orElseThrow();

    assertThat(settings.getMetadata().getNamespace()).isEqualTo(RELEASE_NAMESPACE);
    assertThat(settings.getData()).containsExactlyInAnyOrderEntriesOf(Map.of("currency", "USD", "exchangeRates", "EUR=1.08, GBP=1.27"));
    // Read as `run` reads it (RunCommand.settingsRates): through the estate loader.
    byte[] yaml = io.fabric8.kubernetes.client.utils.Serialization.asYaml(settings).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var input = new io.poolbridge.estate.EstateLoader(() -> new java.io.ByteArrayInputStream(yaml)).load(List.of(Path.of("-")));
    assertThat(input.settings().rates().base()).isEqualTo("USD");
    assertThat(input.settings().rates().rates()).containsOnlyKeys("EUR", "GBP");
    String checksum = usd.deployment().getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/settings");
    String other = render("currency: USD\nexchangeRates: {EUR: \"1.10\"}\n").deployment()
        .getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/settings");
    assertThat(checksum).isNotBlank().isNotEqualTo(other);
    assertThat(render("{}").all(io.fabric8.kubernetes.api.model.ConfigMap.class)).isEmpty();
    assertThatThrownBy(() -> render("exchangeRates: {EUR: \"1.08\"}\n")).hasMessageContaining("exchangeRates needs currency");
  }

  @Test
  void monitoringIsOffByDefaultAndRenderedOnRequest() {
    assertThat(render("{}").kinds()).doesNotContain("ServiceMonitor", "PrometheusRule", "ConfigMap").contains("Service");
    assertThat(render("""
        metrics:
          serviceMonitor: {enabled: true}
          prometheusRule: {enabled: true}
          grafanaDashboard: {enabled: true}
        """).kinds()).contains("ServiceMonitor", "PrometheusRule", "ConfigMap");
  }

  /** {@code helm install} installs what {@code helm show crds} lists: the committed CRDs, unchanged. */
  @Test
  void chartInstallsTheCommittedCrds() {
    List<Map<String, Object>> chartCrds = Manifests.parse(new Helm(CHART).show().crds().call());
    List<Map<String, Object>> committed = Manifests.yamlFiles(ProjectRoot.resolve("crds")).stream()
        .flatMap(file -> Manifests.read(file).stream())
        .map(Manifests.Document::body)
        .toList();

    assertThat(chartCrds).extracting(crd -> (String) ((Map<?, ?>) crd.get("metadata")).get("name"))
        .containsExactlyInAnyOrder("resourcepools.poolbridge.io", "frameworks.poolbridge.io", "workloads.poolbridge.io");
    assertThat(chartCrds).containsExactlyInAnyOrderElementsOf(committed);
    assertThat(render("{}").kinds()).doesNotContain("CustomResourceDefinition");
  }

  private Rendered render(String values) {
    return new Rendered(HelmTemplate.objects(tmp, values));
  }

  private static String envFrom(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .map(e -> e.getValueFrom().getFieldRef().getFieldPath())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env var " + name + " on the operator container"));
  }

  private static String env(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env var " + name + " on the operator container"));
  }

  /** The objects one {@code helm template} rendered. */
  private record Rendered(List<HasMetadata> objects) {

    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<String> kinds() {
      return objects.stream().map(HasMetadata::getKind).toList();
    }

    Deployment deployment() {
      List<Deployment> deployments = all(Deployment.class);
      assertThat(deployments).hasSize(1);
      return deployments.get(0);
    }

    /** Whether the role a binding refers to (a Role in {@code namespace}, or a ClusterRole) grants access to {@code resource}. */
    boolean grants(RoleRef ref, String namespace, String resource) {
      Optional<List<PolicyRule>> rules = "ClusterRole".equals(ref.getKind())
          ? all(ClusterRole.class).stream().filter(r -> ref.getName().equals(r.getMetadata().getName()))
              .findFirst().map(ClusterRole::getRules)
          : all(Role.class).stream().filter(r -> ref.getName().equals(r.getMetadata().getName())
                  && namespace != null && namespace.equals(r.getMetadata().getNamespace()))
              .findFirst().map(Role::getRules);
      return rules.orElse(List.of()).stream().anyMatch(rule -> rule.getResources().contains(resource));
    }
  }
}
