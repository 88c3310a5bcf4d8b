package io.poolbridge.lifecycle;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle core decides on {@code java.time} and cron-utils alone: no Kubernetes client,
 * operator SDK, Jackson, nor the API model (whose records carry Fabric8 annotations); the operator
 * maps the spec to it and its decisions back to status.
 */
class LifecycleArchitectureTest {
  private static final JavaClasses PRODUCTION = new ClassFileImporter().importLocations(
      Set.of(Location.of(CronSchedule.class.getProtectionDomain().getCodeSource().getLocation())));

  @Test
  void lifecycleDependsOnNoKubernetesNorTheApiModel() {
    assertThat(PRODUCTION.containPackage("io.poolbridge.lifecycle")).isTrue();
    noClasses().that().resideInAPackage("io.poolbridge.lifecycle..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.fabric8..", "io.javaoperatorsdk..", "com.fasterxml.jackson..", "io.poolbridge.api..",
            "io.poolbridge.reconciler..", "io.poolbridge.operator..", "io.poolbridge.engine..")
        .allowEmptyShould(false)
        .because("the lifecycle core is pure: the operator feeds it and carries out its decisions")
        .check(PRODUCTION);
  }
}
