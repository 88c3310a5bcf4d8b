package io.poolbridge.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Level 2 is plain Java in, decisions out: no Kubernetes, JOSDK, Fabric8, Jackson or API model. The
 * rule refuses to pass on an empty package (the scheduler renamed or moved away).
 */
class SchedulerArchitectureTest {
  private static final ArchRule PLAIN_JAVA = classes().that().resideInAPackage("io.poolbridge.scheduler..")
      .should().onlyDependOnClassesThat().resideInAnyPackage(
          "java..", "io.poolbridge.allocator..", "io.poolbridge.scheduler..", "io.poolbridge.time..",
          "com.google.re2j..")
      .allowEmptyShould(false)
      .because("the allocation core runs the same in the operator, in simulate and in tests"
          + " (RE2/J, a dependency-free linear-time regex engine, matches LIKE / UNLIKE constraints)");

  private final JavaClasses scheduler = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.poolbridge.scheduler");

  @Test
  void theSchedulerDependsOnlyOnTheJdkAndTheAllocator() {
    assertThat(scheduler.containPackage("io.poolbridge.scheduler")).isTrue();
    assertThat(scheduler.contain(FrameworkScheduler.class)).isTrue();
    PLAIN_JAVA.check(scheduler);
  }

  @Test
  void theRuleFailsWhenThePackageIsGone() {
    JavaClasses none = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.poolbridge.no.such.package");
    assertThatThrownBy(() -> PLAIN_JAVA.check(none)).isInstanceOf(AssertionError.class);
  }
}
