package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolbridge.cli.SimulateCommandTest.Run;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * Defect 3 at the bounds, through {@code simulate}: every quantity is below 1P, but a pool's figures
 * are sums over its nodes. Twelve nodes of 999999999999999 cpu (the largest the CRD and simulate
 * accept) hold 11999999999999988 cores; in millicores that is past a long, and the pool table must
 * not print a negative capacity (exact, or saturated, but never wrapped around).
 */
class PoolFiguresAtTheBoundsTest {
  @Test
  void aPoolOfNodesAtTheQuantityBoundNeverReportsANegativeCapacity() throws Exception {
    Run run = SimulateCommandTest.run("simulate", "-f", "src/test/resources/hostile/huge-pool", "--seed", "1",
        "--at", "2026-12-05T23:00:00Z", "-o", "json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode pool = new ObjectMapper().readTree(run.out()).get("pools").get(0);
    BigDecimal capacity = new BigDecimal(pool.get("capacity").get("cpu").asText());
    BigDecimal allocated = new BigDecimal(pool.get("allocated").get("cpu").asText());
    assertThat(capacity).as("pool capacity cpu").isPositive();
    assertThat(allocated).as("pool allocated cpu").isNotNegative().isLessThanOrEqualTo(capacity);
  }
}
