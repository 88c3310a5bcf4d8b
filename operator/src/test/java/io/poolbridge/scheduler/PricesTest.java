package io.poolbridge.scheduler;

import static io.poolbridge.scheduler.Fixtures.SCHEMA;
import static io.poolbridge.scheduler.Fixtures.node;
import static io.poolbridge.scheduler.Fixtures.offers;
import static io.poolbridge.scheduler.Fixtures.res;
import static io.poolbridge.scheduler.Fixtures.schedule;
import static io.poolbridge.scheduler.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.poolbridge.allocator.AgentInfo;
import io.poolbridge.allocator.ResourceSchema;
import io.poolbridge.allocator.Resources;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One table of priced units, and prices in several currencies compared only through a rate. */
class PricesTest {
  private static final long GIB = 1L << 30;

  @Test
  void everyByteValuedResourceIsPricedPerGiB() {
    ResourceSchema schema = ResourceSchema.of("cpu", "memory", "ephemeral-storage", "hugepages-2Mi", "storage", "nvidia.com/gpu");
    Prices prices = Prices.of(schema, Map.of("p", new double[] {0.03, 0.004, 0.01, 0.5, 0.002, 1.25}));
    // 2 cores, 8 GiB memory, 10 GiB ephemeral storage, 2 GiB of 2Mi hugepages, 100 GiB storage, 1 GPU.
    Resources r = Resources.ofArray(schema, new long[] {2000, 8 * GIB, 10 * GIB, 2 * GIB, 100 * GIB, 1});

    assertThat(prices.perHour("p", r)).isCloseTo(2 * 0.03 + 8 * 0.004 + 10 * 0.01 + 2 * 0.5 + 100 * 0.002 + 1.25, within(1e-9));
    assertThat(List.of("memory", "ephemeral-storage", "storage", "hugepages-1Gi", "hugepages-2Mi"))
        .allSatisfy(name -> assertThat(Prices.unit(name)).isEqualTo(GIB));
    assertThat(Prices.unit("cpu")).isEqualTo(1000);
    assertThat(Prices.unit("nvidia.com/gpu")).isEqualTo(1);
  }

  // Two identical nodes; b-eur's is busier (half of it offered), so the load alone picks a-usd.
  private final AgentInfo usd = node("a-usd", "u1", 8, 32);
  private final AgentInfo eur = node("b-eur", "e1", 8, 32);
  private final List<NodeOffer> offers = offers().whole(usd).part(eur, res(4, 16)).list();
  // cpu per core-hour: 0.02 USD in a-usd, 0.01 EUR in b-eur.
  private final Map<String, Prices.PoolPrice> pools = Map.of(
      "a-usd", new Prices.PoolPrice("USD", new double[] {0.02, 0}),
      "b-eur", new Prices.PoolPrice("EUR", new double[] {0.01, 0}));

  private String poolChosen(Prices prices) {
    Decisions d = schedule(prices, offers, List.of(), workload("shop/web", 1, 1).build());
    assertThat(d.assignments()).hasSize(1);
    return d.assignments().get(0).pool();
  }

  @Test
  void withoutABaseCurrencyTwoCurrenciesAreNotComparedAndTheLoadDecides() {
    Prices prices = Prices.of(SCHEMA, pools, ExchangeRates.NONE);

    assertThat(poolChosen(prices)).isEqualTo("a-usd");
    assertThat(prices.incomparable()).containsExactly(Map.entry("a-usd", "USD"), Map.entry("b-eur", "EUR"));
    assertThat(prices.base()).isNull();
  }

  @Test
  void withoutARateNoPriceIsComparedButEachPoolStillReportsItsOwn() {
    Prices prices = Prices.of(SCHEMA, pools, ExchangeRates.of("USD", Map.of()));

    assertThat(prices.incomparable()).containsExactly(Map.entry("b-eur", "EUR"));
    // Neither free nor dearest: no price is compared, the less loaded a-usd wins as without prices.
    assertThat(prices.rankingPerHour("a-usd", res(1, 0))).isZero();
    assertThat(prices.rankingPerHour("b-eur", res(1, 0))).isZero();
    assertThat(poolChosen(prices)).isEqualTo("a-usd");
    Decisions d = schedule(prices, offers, List.of(), workload("shop/web", 1, 1).build());
    assertThat(d.assignments().get(0).pricePerHour()).isCloseTo(0.02, within(1e-9));
    assertThat(prices.currency("b-eur")).isEqualTo("EUR");
  }

  @Test
  void withARateTheCheaperAfterConversionWins() {
    // 1 EUR = 1.5 USD: 0.015 USD < 0.02 USD, so b-eur wins although busier.
    assertThat(poolChosen(Prices.of(SCHEMA, pools, ExchangeRates.parse("USD", List.of("EUR=1.5"))))).isEqualTo("b-eur");
    // 1 EUR = 2.5 USD: 0.025 USD > 0.02 USD.
    assertThat(poolChosen(Prices.of(SCHEMA, pools, ExchangeRates.parse("USD", List.of("EUR=2.5"))))).isEqualTo("a-usd");
    // The ranking price is in the base currency, the reported one in the pool's.
    Prices prices = Prices.of(SCHEMA, pools, ExchangeRates.of("USD", Map.of("EUR", new BigDecimal("1.5"))));
    assertThat(prices.rankingPerHour("b-eur", res(2, 0))).isCloseTo(0.03, within(1e-9));
    assertThat(prices.perHour("b-eur", res(2, 0))).isCloseTo(0.02, within(1e-9));
    assertThat(prices.incomparable()).isEmpty();
  }

  @Test
  void oneCurrencyEverywhereNeedsNoRate() {
    Prices prices = Prices.of(SCHEMA, Map.of(
        "a", new Prices.PoolPrice("EUR", new double[] {0.02, 0}), "b", new Prices.PoolPrice("EUR", new double[] {0.01, 0})),
        ExchangeRates.NONE);

    assertThat(prices.base()).isEqualTo("EUR");
    assertThat(prices.incomparable()).isEmpty();
    assertThat(prices.rankingPerHour("b", res(1, 0))).isLessThan(prices.rankingPerHour("a", res(1, 0)));
  }

  @Test
  void exchangeRatesAreCheckedAsTheyAreRead() {
    assertThatThrownBy(() -> ExchangeRates.parse("USD", List.of("EUR")))
        .hasMessage("an exchange rate is CURRENCY=RATE, the base currency one unit of CURRENCY is worth, e.g. EUR=1.08; got EUR");
    assertThatThrownBy(() -> ExchangeRates.parse("USD", List.of("EUR=-1"))).hasMessageContaining("EUR=-1");
    assertThatThrownBy(() -> ExchangeRates.parse("USD", List.of("EUR=0"))).hasMessageContaining("exchange rate of EUR");
    assertThatThrownBy(() -> ExchangeRates.parse("USD", List.of("USD=1"))).hasMessageContaining("USD is the base currency");
    assertThatThrownBy(() -> ExchangeRates.parse("USD", List.of("EUR=1", "EUR=2"))).hasMessage("two exchange rates for EUR");
    assertThatThrownBy(() -> ExchangeRates.parse("usd", List.of())).hasMessageContaining("three capital letters");
    assertThat(ExchangeRates.parse("USD", List.of("EUR=1.08", "GBP=1.27")).rates())
        .containsExactly(Map.entry("EUR", new BigDecimal("1.08")), Map.entry("GBP", new BigDecimal("1.27")));
  }
}
