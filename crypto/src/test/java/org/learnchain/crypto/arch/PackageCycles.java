package org.learnchain.crypto.arch;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The rule every module's {@code PackageCyclesTest} applies to its own main code: no cycle between
 * its packages, each package being a slice of its own. Modules already may only depend downward
 * (the enforcer rules in the poms); this keeps the same direction inside each module, so a package
 * can be understood, tested and moved with what it depends on and nothing that depends on it.
 */
public final class PackageCycles {
  private PackageCycles() {}

  /** Fails, listing every cycle, if the main classes under {@code rootPackage} have one. */
  public static void assertNone(String rootPackage) {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(rootPackage);
    slices()
        .matching(rootPackage + ".(**)")
        .should()
        .beFreeOfCycles()
        .allowEmptyShould(true)
        .check(classes);
  }
}
