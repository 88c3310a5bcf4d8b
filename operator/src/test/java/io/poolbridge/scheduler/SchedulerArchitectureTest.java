package io.poolbridge.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Level 2 is plain Java in, decisions out: no Kubernetes, JOSDK, Fabric8, Jackson or API model. */
class SchedulerArchitectureTest {
  private final JavaClasses scheduler = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.poolbridge.scheduler");

  @Test
  void theSchedulerDependsOnlyOnTheJdkAndTheAllocator() {
    classes().that().resideInAPackage("io.poolbridge.scheduler..")
        .should().onlyDependOnClassesThat().resideInAnyPackage(
            "java..", "io.poolbridge.allocator..", "io.poolbridge.scheduler..", "com.google.re2j..")
        .because("the allocation core runs the same in the operator, in simulate and in tests"
            + " (RE2/J, a dependency-free linear-time regex engine, matches LIKE / UNLIKE constraints)")
        .check(scheduler);
  }
}
