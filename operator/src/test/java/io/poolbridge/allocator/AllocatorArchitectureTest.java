package io.poolbridge.allocator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The allocation core is plain Java: nothing in {@code io.poolbridge.allocator..} (nor in {@code
 * io.poolbridge.scheduler..}, the level-2 scheduler, once it exists) may depend on Kubernetes
 * clients, the operator SDK, Jackson, the API model or the operator's reconcilers. The operator
 * feeds the core; the core never reaches back. Within the core, level 1 (the allocator) knows
 * nothing of level 2 (the scheduler) nor of the engine that will drive both.
 *
 * <p>A rule over a package that does not exist passes vacuously, so every guarded package must
 * hold classes: the rules refuse an empty selection ({@code allowEmptyShould(false)}, and {@code
 * archRule.failOnEmptyShould} in archunit.properties), and a test asserts each package's classes.
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
          .allowEmptyShould(false)
          .because("the allocation core is a library with no Kubernetes in it (DESIGN.md)");

  static final ArchRule SCHEDULER_IS_PLAIN_JAVA =
      noClasses()
          .that()
          .resideInAPackage("io.poolbridge.scheduler..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(FORBIDDEN)
          .allowEmptyShould(false)
          .because("the level-2 scheduler belongs to the allocation core, not to the operator");

  /** The engine drives both levels and is plain Java too: no Kubernetes, no API model, no estate files. */
  static final ArchRule ENGINE_IS_PLAIN_JAVA =
      noClasses()
          .that()
          .resideInAPackage("io.poolbridge.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(concat(FORBIDDEN, "io.poolbridge.estate..", "io.poolbridge.simulate..", "io.poolbridge.cli.."))
          .allowEmptyShould(false)
          .because("the engine is the allocation core's driver; the operator and simulate feed it, it never reaches back");

  /** Level 2 does not reach up to the engine that drives it. */
  static final ArchRule SCHEDULER_KNOWS_NO_ENGINE =
      noClasses()
          .that()
          .resideInAPackage("io.poolbridge.scheduler..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.poolbridge.engine..")
          .allowEmptyShould(false)
          .because("the scheduler answers one framework's offers; the engine calls it, not the other way round");

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** Level 1 does not reach up to level 2, nor to the engine that drives both. */
  static final ArchRule ALLOCATOR_KNOWS_NO_SCHEDULER_OR_ENGINE =
      noClasses()
          .that()
          .resideInAPackage("io.poolbridge.allocator..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.poolbridge.scheduler..", "io.poolbridge.engine..")
          .allowEmptyShould(false)
          .because("the allocator offers resources; what is placed on them is level 2's business (Mesos' two levels)");

  /** The production classes: everything where the allocator itself was compiled to (not the tests). */
  private static final JavaClasses PRODUCTION =
      new ClassFileImporter()
          .importLocations(
              Set.of(Location.of(HierarchicalAllocator.class.getProtectionDomain().getCodeSource().getLocation())));

  /** Where the allocator and the scheduler are: renaming or emptying one must fail here, not pass. */
  @Test
  void theGuardedPackagesHoldTheCore() {
    assertThat(classesIn("io.poolbridge.allocator")).contains(
        "io.poolbridge.allocator.HierarchicalAllocator", "io.poolbridge.allocator.Allocator");
    assertThat(classesIn("io.poolbridge.scheduler")).contains(
        "io.poolbridge.scheduler.FrameworkScheduler", "io.poolbridge.scheduler.Feasibility");
    assertThat(classesIn("io.poolbridge.engine")).contains(
        "io.poolbridge.engine.Engine", "io.poolbridge.engine.Simulation");
  }

  @Test
  void engineDependsOnNoKubernetesJacksonEstateOrOperatorCode() {
    assertThat(PRODUCTION.containPackage("io.poolbridge.engine")).isTrue();
    ENGINE_IS_PLAIN_JAVA.check(PRODUCTION);
  }

  @Test
  void schedulerDependsOnNoEngine() {
    SCHEDULER_KNOWS_NO_ENGINE.check(PRODUCTION);
  }

  /** An engine class that reads the API model: the rule must reject it. */
  static final class EngineReadingTheModel {
    io.poolbridge.api.v1alpha1.Workload workload;
  }

  @Test
  void theEngineRuleRejectsAnEngineClassThatReadsTheModel() {
    JavaClasses violating = new ClassFileImporter().importClasses(EngineReadingTheModel.class);
    assertThatThrownBy(() -> noClasses().that().resideInAPackage("io.poolbridge.allocator..").should()
            .dependOnClassesThat().resideInAnyPackage(concat(FORBIDDEN, "io.poolbridge.estate.."))
            .check(violating))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.poolbridge.api.v1alpha1.Workload");
  }

  private static Set<String> classesIn(String pkg) {
    Set<String> names = new TreeSet<>();
    PRODUCTION.stream().filter(c -> c.getPackageName().equals(pkg)).forEach(c -> names.add(c.getName()));
    return names;
  }

  @Test
  void allocatorDependsOnNoKubernetesJacksonOrOperatorCode() {
    assertThat(PRODUCTION.containPackage("io.poolbridge.allocator")).isTrue();
    ALLOCATOR_IS_PLAIN_JAVA.check(PRODUCTION);
  }

  @Test
  void schedulerDependsOnNoKubernetesJacksonOrOperatorCode() {
    assertThat(PRODUCTION.containPackage("io.poolbridge.scheduler")).isTrue();
    SCHEDULER_IS_PLAIN_JAVA.check(PRODUCTION);
  }

  @Test
  void allocatorDependsOnNeitherTheSchedulerNorTheEngine() {
    ALLOCATOR_KNOWS_NO_SCHEDULER_OR_ENGINE.check(PRODUCTION);
  }

  /** A rule over a package with no classes (as after a rename) fails instead of passing vacuously. */
  @Test
  void aRuleOverAnEmptyPackageFails() {
    JavaClasses elsewhere = new ClassFileImporter().importClasses(String.class);
    assertThatThrownBy(() -> ALLOCATOR_IS_PLAIN_JAVA.check(elsewhere))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("failed to check any classes");
    assertThatThrownBy(() -> SCHEDULER_IS_PLAIN_JAVA.check(elsewhere)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> ALLOCATOR_KNOWS_NO_SCHEDULER_OR_ENGINE.check(elsewhere)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> ENGINE_IS_PLAIN_JAVA.check(elsewhere)).isInstanceOf(AssertionError.class);
  }

  /** An allocator class that uses the scheduler: the rule must reject it. */
  static final class UsesTheScheduler {
    io.poolbridge.scheduler.FrameworkScheduler scheduler;
  }

  @Test
  void theRuleRejectsAnAllocatorClassThatUsesTheScheduler() {
    JavaClasses violating = new ClassFileImporter().importClasses(UsesTheScheduler.class);
    assertThatThrownBy(() -> ALLOCATOR_KNOWS_NO_SCHEDULER_OR_ENGINE.check(violating))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.poolbridge.scheduler.FrameworkScheduler");
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
