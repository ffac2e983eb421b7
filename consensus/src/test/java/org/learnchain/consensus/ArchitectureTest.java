package org.learnchain.consensus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.learnchain.consensus.archfixture.ReadsWallClock;
import org.learnchain.consensus.archfixture.UsesForbiddenLibrary;

/**
 * docs/protocol.md section 6 at the level of code: consensus reaches ML, network, storage and wire
 * formats only through its ports, and its state machine reaches time only through the clock port
 * (so many nodes run on one simulated clock). The Maven enforcer keeps the banned libraries off the
 * classpath; this keeps the code from depending on them should they ever come back.
 */
class ArchitectureTest {
  private static JavaClasses consensus;

  @BeforeAll
  static void importClasses() {
    // Main and test classes alike: the rules hold for the test harness too.
    consensus =
        new ClassFileImporter()
            .withImportOption(
                location -> !location.contains("/archfixture/")) // the deliberate violations
            .importPackages("org.learnchain.consensus");
  }

  private static final String[] BANNED = {
    "org.deeplearning4j..",
    "org.nd4j..",
    "io.netty..",
    "io.grpc..",
    "org.rocksdb..",
    "com.google.protobuf..",
    "org.learnchain.proto..",
    "org.learnchain.p2p..",
    "org.learnchain.ml..",
    "org.learnchain.node.."
  };

  static ArchRule noForbiddenDependencies(String packagePattern, String... banned) {
    return noClasses()
        .that()
        .resideInAPackage(packagePattern)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(banned)
        .because("consensus reaches ML, network and storage only through its ports");
  }

  static ArchRule stateMachineNeverReadsTheClock(String packagePattern) {
    return noClasses()
        .that()
        .resideInAPackage(packagePattern)
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(Instant.class, "now")
        .orShould()
        .callMethod(java.time.Clock.class, "systemUTC")
        .orShould()
        .callMethod(java.time.Clock.class, "systemDefaultZone")
        .orShould()
        .callMethod(Thread.class, "sleep", long.class)
        .orShould()
        .callMethod(Thread.class, "sleep", long.class, int.class)
        .because("the state machine sees time only through the Clock port and never blocks");
  }

  @Test
  void consensusNeverDependsOnMlNetworkStorageOrWireCode() {
    assertTrue(consensus.size() > 20, "importer found the consensus classes");
    noForbiddenDependencies("org.learnchain.consensus..", BANNED).check(consensus);
  }

  @Test
  void stateMachineNeverReadsTheWallClockOrSleeps() {
    assertTrue(
        consensus.stream()
            .anyMatch(c -> c.getPackageName().equals("org.learnchain.consensus.statemachine")),
        "the state machine package was imported");
    stateMachineNeverReadsTheClock("org.learnchain.consensus.statemachine..").check(consensus);
  }

  @Test
  void theRulesCatchViolations() {
    // The same rules over two deliberately bad fixture classes: proves they can fail.
    JavaClasses fixtures =
        new ClassFileImporter().importPackages("org.learnchain.consensus.archfixture");
    EvaluationResult clock =
        stateMachineNeverReadsTheClock("org.learnchain.consensus.archfixture..").evaluate(fixtures);
    assertTrue(clock.hasViolation());
    assertTrue(clock.getFailureReport().toString().contains(ReadsWallClock.class.getName()));
    assertTrue(clock.getFailureReport().toString().contains("currentTimeMillis"));
    assertTrue(clock.getFailureReport().toString().contains("sleep"));
    EvaluationResult deps =
        noForbiddenDependencies(
                "org.learnchain.consensus.archfixture",
                "org.learnchain.consensus.archfixture.forbidden..")
            .evaluate(fixtures);
    assertTrue(deps.hasViolation());
    assertTrue(deps.getFailureReport().toString().contains(UsesForbiddenLibrary.class.getName()));
    assertFalse(
        stateMachineNeverReadsTheClock("org.learnchain.consensus.statemachine..")
            .evaluate(consensus)
            .hasViolation());
  }
}
