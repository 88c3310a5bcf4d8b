package io.poolbridge.estate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.Quota;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.api.v1alpha1.Framework;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoleOwnershipTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory");

  private static Framework framework(String name, String role, String rest) {
    return Serialization.unmarshal("apiVersion: poolbridge.io/v1alpha1\nkind: Framework\nmetadata: {name: " + name
        + "}\nspec:\n  type: External\n  role: " + role + "\n" + rest, Framework.class);
  }

  private final Framework kafka = framework("kafka", "data/streaming", """
        weight: 1.5
        quota:
          guarantee: {cpu: 48, memory: 192Gi}
          limit: {cpu: 96}
      """);
  private final Framework spark = framework("spark", "eng/analytics", "  weight: 2\n");
  // Shares kafka's role; sorts after it, so kafka's weight and quota are the role's.
  private final Framework pulsar = framework("pulsar", "data/streaming", """
        weight: 4
        quota:
          guarantee: {cpu: 1}
      """);

  @Test
  void aFrameworksQuotaAndWeightAreItsRoles() {
    RoleOwnership ownership = RoleOwnership.of(List.of(spark, kafka));
    assertThat(ownership.owner("data/streaming")).isEqualTo("kafka");
    assertThat(ownership.quota("data/streaming", SCHEMA))
        .isEqualTo(new Quota(Map.of("cpu", 48_000L, "memory", 192L << 30), Map.of("cpu", 96_000L)));
    assertThat(ownership.weight("data/streaming")).isEqualTo(1.5);
    assertThat(ownership.quota("eng/analytics", SCHEMA)).isNull();
    assertThat(ownership.weight("eng/analytics")).isEqualTo(2.0);
    assertThat(ownership.conflicts()).isEmpty();
  }

  @Test
  void aSharedRoleBelongsToTheFrameworkWhoseNameSortsFirstWhateverTheOrder() {
    for (List<Framework> order : List.of(List.of(kafka, pulsar, spark), List.of(pulsar, spark, kafka))) {
      RoleOwnership ownership = RoleOwnership.of(order);
      assertThat(ownership.owner("data/streaming")).isEqualTo("kafka");
      assertThat(ownership.owns("kafka")).isTrue();
      assertThat(ownership.owns("pulsar")).isFalse();
      assertThat(ownership.weight("data/streaming")).isEqualTo(1.5);
      assertThat(ownership.quota("data/streaming", SCHEMA).guarantee()).containsEntry("cpu", 48_000L);
      assertThat(ownership.conflicts()).containsExactly(new RoleOwnership.Conflict("pulsar", "data/streaming", "kafka"));
      assertThat(ownership.conflicts().get(0).message())
          .isEqualTo("framework pulsar shares role data/streaming with kafka: the role's weight and quota are kafka's");
    }
  }

  @Test
  void aRoleNoFrameworkUsesHasNoOwner() {
    RoleOwnership ownership = RoleOwnership.of(List.of(spark));
    assertThat(ownership.owner("data")).isNull();
    assertThat(ownership.quota("data", SCHEMA)).isNull();
    assertThat(ownership.weight("data")).isEqualTo(1.0);
  }
}
