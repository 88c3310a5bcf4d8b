package io.poolbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's RBAC is exactly {@code helm/poolbridge/rbac-expected.yaml}: what the operator calls,
 * as the operator module's {@code OperatorRbacIT} derives it from the requests {@code poolbridge run}
 * makes. Each section is granted where it belongs (cluster-wide, per watched namespace, in the
 * release namespace), to the operator's ServiceAccount, with no wildcard and nothing more.
 */
class HelmRbacTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String NAME = "poolbridge";
  private static final String WORKLOADS = "poolbridge-workloads";

  @TempDir
  Path tmp;

  @Test
  void clusterWideByDefaultTheRulesAreExactlyWhatTheOperatorCalls() throws IOException {
    Map<String, Set<String>> expected = expected();
    List<HasMetadata> objects = HelmTemplate.objects(tmp, "{}");

    assertThat(clusterRoles(objects).keySet()).containsExactlyInAnyOrder(NAME, WORKLOADS);
    assertThat(clusterRoles(objects).get(NAME)).as("ClusterRole %s", NAME).isEqualTo(expected.get("clusterWide"));
    assertThat(clusterRoles(objects).get(WORKLOADS)).as("ClusterRole %s", WORKLOADS).isEqualTo(expected.get("watched"));
    assertThat(roles(objects).keySet()).containsExactly(HelmTemplate.RELEASE_NAMESPACE + "/" + NAME);
    assertThat(roles(objects).get(HelmTemplate.RELEASE_NAMESPACE + "/" + NAME)).isEqualTo(expected.get("operatorNamespace"));
    assertBoundToTheServiceAccount(objects);
  }

  @Test
  void withWatchNamespacesTheWorkloadRulesAreRolesInThoseNamespacesOnly() throws IOException {
    Map<String, Set<String>> expected = expected();
    List<HasMetadata> objects = HelmTemplate.objects(tmp, "watchNamespaces: [team-a, team-b, team-a]\n");

    assertThat(clusterRoles(objects).keySet()).containsExactly(NAME);
    assertThat(clusterRoles(objects).get(NAME)).isEqualTo(expected.get("clusterWide"));
    assertThat(roles(objects).keySet()).containsExactlyInAnyOrder(
        "team-a/" + WORKLOADS, "team-b/" + WORKLOADS, HelmTemplate.RELEASE_NAMESPACE + "/" + NAME);
    assertThat(roles(objects).get("team-a/" + WORKLOADS)).isEqualTo(expected.get("watched"));
    assertThat(roles(objects).get("team-b/" + WORKLOADS)).isEqualTo(expected.get("watched"));
    assertThat(roles(objects).get(HelmTemplate.RELEASE_NAMESPACE + "/" + NAME)).isEqualTo(expected.get("operatorNamespace"));
    assertBoundToTheServiceAccount(objects);
  }

  @Test
  void noRuleUsesAWildcardResourceNamesOrNonResourceUrls() {
    for (String values : List.of("{}", "watchNamespaces: [team-a]\n")) {
      List<PolicyRule> rules = HelmTemplate.objects(tmp, values).stream()
          .flatMap(o -> o instanceof ClusterRole c ? c.getRules().stream()
              : o instanceof Role r ? r.getRules().stream() : java.util.stream.Stream.empty())
          .toList();
      assertThat(rules).isNotEmpty().allSatisfy(rule -> {
        assertThat(rule.getApiGroups()).doesNotContain("*");
        assertThat(rule.getResources()).noneMatch(r -> r.contains("*"));
        assertThat(rule.getVerbs()).doesNotContain("*");
        assertThat(rule.getResourceNames()).isNullOrEmpty();
        assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
      });
    }
  }

  @Test
  void rbacCreateFalseRendersNoRbac() {
    assertThat(HelmTemplate.objects(tmp, "rbac:\n  create: false\n")).noneMatch(o ->
        o instanceof ClusterRole || o instanceof Role || o instanceof ClusterRoleBinding || o instanceof RoleBinding);
  }

  /** Every binding binds an existing role of the chart to the operator's ServiceAccount, and every role is bound. */
  private static void assertBoundToTheServiceAccount(List<HasMetadata> objects) {
    Set<String> bound = new TreeSet<>();
    for (HasMetadata o : objects) {
      List<Subject> subjects;
      String role;
      if (o instanceof ClusterRoleBinding b) {
        subjects = b.getSubjects();
        role = "ClusterRole " + b.getRoleRef().getName();
        assertThat(b.getRoleRef().getKind()).isEqualTo("ClusterRole");
      } else if (o instanceof RoleBinding b) {
        subjects = b.getSubjects();
        role = "Role " + b.getMetadata().getNamespace() + "/" + b.getRoleRef().getName();
        assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
      } else {
        continue;
      }
      assertThat(subjects).extracting(Subject::getKind, Subject::getName, Subject::getNamespace)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("ServiceAccount", NAME, HelmTemplate.RELEASE_NAMESPACE));
      bound.add(role);
    }
    Set<String> roles = new TreeSet<>();
    clusterRoles(objects).keySet().forEach(n -> roles.add("ClusterRole " + n));
    roles(objects).keySet().forEach(n -> roles.add("Role " + n));
    assertThat(bound).isEqualTo(roles);
  }

  private static Map<String, Set<String>> clusterRoles(List<HasMetadata> objects) {
    return objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
        .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> grants(r.getRules())));
  }

  private static Map<String, Set<String>> roles(List<HasMetadata> objects) {
    return objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
        .collect(Collectors.toMap(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r -> grants(r.getRules())));
  }

  /** Rules as "apiGroup/resource/verb" grants, the form rbac-expected.yaml is compared in. */
  private static Set<String> grants(List<PolicyRule> rules) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String g : rule.getApiGroups()) {
        for (String r : rule.getResources()) {
          for (String v : rule.getVerbs()) {
            out.add(g + "/" + r + "/" + v);
          }
        }
      }
    }
    return out;
  }

  /** The sections of rbac-expected.yaml the chart renders, as grants. */
  private static Map<String, Set<String>> expected() throws IOException {
    Map<?, ?> doc = YAML.readValue(HelmTemplate.CHART.resolve("rbac-expected.yaml").toFile(), Map.class);
    Map<String, Set<String>> sections = new java.util.TreeMap<>();
    for (String section : List.of("clusterWide", "watched", "operatorNamespace")) {
      List<PolicyRule> rules = ((List<?>) doc.get(section)).stream()
          .map(r -> YAML.convertValue(r, PolicyRule.class)).toList();
      sections.put(section, grants(rules));
    }
    return sections;
  }
}
