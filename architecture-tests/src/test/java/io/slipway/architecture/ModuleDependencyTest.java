package io.slipway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the dependency rules between modules that docs/architecture.md states, on the compiled
 * main classes of every module.
 */
class ModuleDependencyTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.slipway");
  }

  @Test
  void modulesDependOnlyAsAllowed() {
    ArchRule rule =
        layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("storage")
            .definedBy("io.slipway.storage..")
            .layer("registry")
            .definedBy("io.slipway.registry..")
            .layer("signing")
            .definedBy("io.slipway.signing..")
            .layer("delta")
            .definedBy("io.slipway.delta..")
            .layer("builder")
            .definedBy("io.slipway.builder..")
            .layer("osimage")
            .definedBy("io.slipway.osimage..")
            .layer("agent")
            .definedBy("io.slipway.agent..")
            .layer("api")
            .definedBy("io.slipway.api..")
            .layer("cli")
            .definedBy("io.slipway.cli..")
            .whereLayer("cli")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("api")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("agent")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("registry")
            .mayOnlyBeAccessedByLayers("api", "cli")
            .whereLayer("storage")
            .mayOnlyBeAccessedByLayers("registry", "api", "cli")
            .whereLayer("builder")
            .mayOnlyBeAccessedByLayers("api", "cli")
            .whereLayer("osimage")
            .mayOnlyBeAccessedByLayers("api", "cli")
            .whereLayer("signing")
            .mayOnlyBeAccessedByLayers("agent", "api", "cli", "builder", "delta")
            .whereLayer("delta")
            .mayOnlyBeAccessedByLayers("agent", "api", "cli");

    rule.check(classes);
  }

  @Test
  void modulesHaveNoCycles() {
    slices().matching("io.slipway.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void deviceAgentPackagesHaveNoCycles() {
    slices().matching("io.slipway.agent.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void deviceAgentUsesNoServerFramework() {
    noClasses()
        .that()
        .resideInAPackage("io.slipway.agent..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..",
            "jakarta.servlet..",
            "io.slipway.storage..",
            "io.slipway.registry..",
            "io.slipway.api..")
        .check(classes);
  }
}
