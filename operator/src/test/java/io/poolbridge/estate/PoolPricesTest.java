package io.poolbridge.estate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.scheduler.ExchangeRates;
import io.poolbridge.scheduler.Prices;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolPricesTest {
  private static final ResourceSchema SCHEMA = ResourceSchema.of("cpu", "memory");

  private static ResourcePool pool(String name, String cost) {
    return Serialization.unmarshal("apiVersion: poolbridge.io/v1alpha1\nkind: ResourcePool\nmetadata: {name: " + name
        + "}\nspec:\n  provider: p\n  region: r\n" + cost
        + "  source: {static: {nodes: [{name: n1, capacity: {cpu: 4}}]}}\n", ResourcePool.class);
  }

  private final ResourcePool fra = pool("fra", "  cost: {currency: EUR, perHour: {cpu: \"0.02\", memory: \"0.003\", nvidia.com/gpu: \"1.5\"}}\n");
  private final ResourcePool aws = pool("aws", "  cost: {perHour: {cpu: \"0.04\"}}\n");
  private final ResourcePool owned = pool("owned", "");

  @Test
  void aPoolsCostIsAPricePerCoreAndGibHourInItsCurrency() {
    Prices prices = PoolPrices.of(SCHEMA, List.of(fra, owned), ExchangeRates.NONE);
    // 2 cores and 4Gi in fra: 2 * 0.02 + 4 * 0.003 EUR an hour; the GPU price prices nothing here.
    assertThat(prices.perHour("fra", Resources.of(SCHEMA, "cpu", 2_000, "memory", 4L << 30)))
        .isCloseTo(0.052, within(1e-9));
    assertThat(prices.perHour("owned", Resources.of(SCHEMA, "cpu", 2_000))).isNull();
    assertThat(PoolPrices.currency(fra)).isEqualTo("EUR");
    assertThat(PoolPrices.currency(aws)).isEqualTo("USD");
  }

  @Test
  void poolsInTwoCurrenciesWithoutARateAreWarnedAbout() {
    List<ResourcePool> pools = List.of(aws, fra, owned);
    Prices prices = PoolPrices.of(SCHEMA, pools, ExchangeRates.NONE);
    assertThat(PoolPrices.incomparable(prices, pools, ExchangeRates.NONE)).containsExactly(
        "pool aws is priced in USD, other pools in EUR: without --currency and an --exchange-rate for each other"
            + " currency, prices are not compared (placement ignores every pool's price)",
        "pool fra is priced in EUR, other pools in USD: without --currency and an --exchange-rate for each other"
            + " currency, prices are not compared (placement ignores every pool's price)");
    ExchangeRates usd = ExchangeRates.parse("USD", List.of());
    assertThat(PoolPrices.incomparable(PoolPrices.of(SCHEMA, pools, usd), pools, usd)).containsExactly(
        "pool fra is priced in EUR, which has no exchange rate to USD: prices are not compared (placement ignores"
            + " every pool's price; set --exchange-rate EUR=<USD per EUR>)");
    ExchangeRates rated = ExchangeRates.parse("USD", List.of("EUR=1.08"));
    assertThat(PoolPrices.incomparable(PoolPrices.of(SCHEMA, pools, rated), pools, rated)).isEmpty();
  }
}
