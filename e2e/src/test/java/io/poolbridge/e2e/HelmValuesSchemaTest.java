package io.poolbridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json, as helm applies it: a mistyped or invalid value is refused, naming the value. */
class HelmValuesSchemaTest {
  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a namespace list given as a string      | watchNamespaces: team-a                  | watchNamespaces
      a namespace that is no DNS label        | watchNamespaces: [Team_A]                | watchNamespaces
      replicas as a word                      | replicaCount: two                        | replicaCount
      an unknown log level                    | logLevel: verbose                        | logLevel
      an interval without a unit              | allocationInterval: "5"                  | allocationInterval
      a port out of range                     | port: 70000                              | port
      a misspelt top-level value              | watchNamespace: [team-a]                 | watchNamespace
      a misspelt nested value                 | metrics: {serviceMonitor: {enable: true}} | enable
      a currency that is not an ISO code      | currency: dollars                        | currency
      """)
  void invalidValuesAreRefusedNamingTheValue(String what, String values, String named) {
    assertThatThrownBy(() -> HelmTemplate.render(tmp, values + "\n"))
        .as(what)
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(named);
  }

  @Test
  void theDefaultsAndADocumentedOverrideAreValid() {
    assertThat(HelmTemplate.render(tmp, "{}\n")).contains("kind: Deployment");
    assertThat(HelmTemplate.render(tmp, """
        replicaCount: 3
        watchNamespaces: [team-a]
        allocationInterval: 250ms
        currency: USD
        exchangeRates: {EUR: "1.08"}
        logFormat: json
        metrics: {prometheusRule: {enabled: true, slowCycleSeconds: 0.5}}
        """)).contains("kind: PrometheusRule");
  }
}
