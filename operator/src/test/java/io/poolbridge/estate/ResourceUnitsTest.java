package io.poolbridge.estate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Quantity;
import io.poolbridge.allocator.ResourceSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceUnitsTest {

  @Test
  void cpuBecomesMillicoresRoundedUp() {
    assertThat(ResourceUnits.toBase("cpu", new Quantity("500m"))).isEqualTo(500);
    assertThat(ResourceUnits.toBase("cpu", new Quantity("2"))).isEqualTo(2000);
    assertThat(ResourceUnits.toBase("cpu", new Quantity("0.0015"))).isEqualTo(2);
  }

  @Test
  void memoryAndStorageBecomeBytes() {
    assertThat(ResourceUnits.toBase("memory", new Quantity("4Gi"))).isEqualTo(4L << 30);
    assertThat(ResourceUnits.toBase("memory", new Quantity("1G"))).isEqualTo(1_000_000_000L);
    assertThat(ResourceUnits.toBase("ephemeral-storage", new Quantity("2Ti"))).isEqualTo(2L << 40);
  }

  @Test
  void extendedResourcesAreWholeCounts() {
    assertThat(ResourceUnits.toBase("nvidia.com/gpu", new Quantity("4"))).isEqualTo(4);
    assertThatThrownBy(() -> ResourceUnits.toBase("nvidia.com/gpu", new Quantity("500m")))
        .hasMessage("nvidia.com/gpu is counted in whole units: 500m");
  }

  @Test
  void anUnknownResourceNamesWhatIsMissing() {
    ResourceSchema schema = ResourceSchema.of("cpu", "memory");
    assertThatThrownBy(() -> ResourceUnits.toResources(schema, Map.of("nvidia.com/gpu", new Quantity("1"))))
        .hasMessage("resource nvidia.com/gpu is offered by no pool");
  }

  @Test
  void baseUnitsReadBackAsTheQuantitiesPeopleWrite() {
    assertThat(ResourceUnits.format("cpu", 12_000)).isEqualTo("12");
    assertThat(ResourceUnits.format("cpu", 1_500)).isEqualTo("1.5");
    assertThat(ResourceUnits.format("cpu", 95_340)).isEqualTo("95.34");
    assertThat(ResourceUnits.format("cpu", 250)).isEqualTo("250m");
    assertThat(ResourceUnits.format("memory", 96L << 30)).isEqualTo("96Gi");
    assertThat(ResourceUnits.format("memory", 1536L << 20)).isEqualTo("1536Mi");
    assertThat(ResourceUnits.format("nvidia.com/gpu", 3)).isEqualTo("3");
  }

  @Test
  void quantitiesBelow1PAreHeldAndNoneAbove() {
    assertThat(ResourceUnits.toBase("cpu", new Quantity("999999999999999"))).isEqualTo(999_999_999_999_999_000L);
    assertThat(ResourceUnits.toBase("memory", new Quantity("909Ti"))).isEqualTo(909L << 40);
    for (String tooMuch : new String[] {"1P", "1000T", "1Pi", "910Ti", "100Ei", "8Ei", "1e15", "1e999999999", "1000000000000000"}) {
      assertThatThrownBy(() -> ResourceUnits.toBase("memory", new Quantity(tooMuch))).as(tooMuch)
          .hasMessage(tooMuch + " is more than poolbridge can hold (quantities must be below 1P, that is 10^15)");
    }
    assertThat(ResourceUnits.toBase("memory", new Quantity("1e-999999999"))).as("rounded up to a byte").isEqualTo(1);
  }

  @Test
  void theCrdPatternAcceptsEverythingPoolbridgeHoldsAndNothingItCannot() {
    java.util.regex.Pattern crd = java.util.regex.Pattern.compile(io.poolbridge.api.v1alpha1.Rules.BOUNDED_QUANTITY);
    String[] suffixes = {"", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "e3", "E-2", "e+9", "e-9", "e0"};
    long seed = new java.util.Random().nextLong();
    java.util.Random random = new java.util.Random(seed);
    for (int i = 0; i < 20_000; i++) {
      String integer = "0".repeat(random.nextInt(3)) + (random.nextInt(4) == 0 ? "" : Long.toString(Math.abs(random.nextLong()) >>> random.nextInt(64)));
      String fraction = integer.isEmpty() || random.nextBoolean() ? "." + Long.toString(random.nextInt(100000)) : "";
      String text = integer + fraction + suffixes[random.nextInt(suffixes.length)];
      java.math.BigDecimal value = Quantity.getAmountInBytes(new Quantity(text));
      boolean held = value.compareTo(ResourceUnits.LIMIT) < 0;
      boolean accepted = crd.matcher(text).matches();
      if (held) {
        assertThat(accepted).as("seed %d: %s (%s) is held but the CRD refuses it", seed, text, value.toPlainString()).isTrue();
      }
      if (accepted) {
        assertThat(value).as("seed %d: the CRD accepts %s", seed, text).isLessThan(new java.math.BigDecimal("1.2e15"));
      }
    }
  }
}
