package io.poolbridge.allocator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The allocation core is plain Java: nothing in {@code io.poolbridge.allocator..} (nor in {@code
 * io.poolbridge.scheduler..}, the level-2 scheduler, once it exists) may depend on Kubernetes
 * clients, the operator SDK, Jackson, the API model or the operator's reconcilers. The operator
 * feeds the core; the core never reaches back.
 *
 * <p>ArchUnit reads bytecode, so it sees every type a class uses (fields, parameters, calls,
 * annotations kept at run time); an import that nothing uses leaves no trace and is left to the
 * compiler's warnings.
 */
class AllocatorArchitectureTest {
  private static final String[] FORBIDDEN = {
    "io.fabric8..",
    "io.javaoperatorsdk..",
    "io.poolbridge.api..",
    "io.poolbridge.reconciler..",
    "io.poolbridge.operator..",
    "com.fasterxml.jackson..",
  };

  /** The allocator package must exist (an empty selection would make the rule pass vacuously). */
  static final ArchRule ALLOCATOR_IS_PLAIN_JAVA =
      noClasses()
          .that()
          .resideInAPackage("io.poolbridge.allocator..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(FORBIDDEN)
          .because("the allocation core is a library with no Kubernetes in it (DESIGN.md)");

  /** The scheduler package may not exist yet: the rule holds trivially until it does. */
  static final ArchRule SCHEDULER_IS_PLAIN_JAVA =
      noClasses()
          .that()
          .resideInAPackage("io.poolbridge.scheduler..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(FORBIDDEN)
          .allowEmptyShould(true)
          .because("the level-2 scheduler belongs to the allocation core, not to the operator");

  /** The production classes: everything where the allocator itself was compiled to (not the tests). */
  private static final JavaClasses PRODUCTION =
      new ClassFileImporter()
          .importLocations(
              Set.of(Location.of(HierarchicalAllocator.class.getProtectionDomain().getCodeSource().getLocation())));

  @Test
  void allocatorDependsOnNoKubernetesJacksonOrOperatorCode() {
    assertThat(PRODUCTION.containPackage("io.poolbridge.allocator")).isTrue();
    ALLOCATOR_IS_PLAIN_JAVA.check(PRODUCTION);
  }

  @Test
  void schedulerDependsOnNoKubernetesJacksonOrOperatorCode() {
    SCHEDULER_IS_PLAIN_JAVA.check(PRODUCTION);
  }

  /** A class in the allocator package that reaches for Fabric8 and Jackson: the rule must reject it. */
  static final class Violation {
    io.fabric8.kubernetes.api.model.Node node;

    String json(Object o) throws Exception {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(o);
    }
  }

  @Test
  void theRuleRejectsAnAllocatorClassThatImportsFabric8OrJackson() {
    JavaClasses violating = new ClassFileImporter().importClasses(Violation.class);
    assertThatThrownBy(() -> ALLOCATOR_IS_PLAIN_JAVA.check(violating))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.fabric8.kubernetes.api.model.Node")
        .hasMessageContaining("com.fasterxml.jackson.databind.ObjectMapper");
  }
}
