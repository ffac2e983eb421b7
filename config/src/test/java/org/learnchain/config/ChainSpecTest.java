package org.learnchain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.learnchain.config.spec.Ceilings;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.config.spec.DerivedLimits;
import org.learnchain.config.spec.Milestone;
import org.learnchain.config.spec.ProtocolSchedule;

class ChainSpecTest {
  private static final Genesis GENESIS = TestGenesis.threeMembers();
  private static final String JSON = GenesisJson.toJson(GENESIS);

  /** {@link #JSON} with {@code section} added as the genesis {@code spec} value. */
  private static String withSpec(String section) {
    int end = JSON.lastIndexOf('}');
    return JSON.substring(0, end).stripTrailing() + ",\n  \"spec\": " + section + "\n}\n";
  }

  private static ConfigProblem onlyProblem(ConfigResult<Genesis> r) {
    assertFalse(r.isValid(), "accepted");
    assertEquals(1, r.problems().size(), r::describeProblems);
    return r.problems().get(0);
  }

  @Test
  void genesisWithoutSpecGetsTheDocumentedDefaults() {
    ConfigResult<Genesis> r = GenesisJson.parse(JSON, "g.json");
    assertTrue(r.isValid(), r::describeProblems);
    ChainSpec s = r.value().spec(0);
    assertEquals(1, r.value().schedule().milestones().size());
    assertEquals(GENESIS.limits().maxModelBytes(), s.maxModelBytes());
    assertEquals(8L << 20, s.maxModelBytes());
    assertEquals(4 << 20, s.maxTransactionBytes());
    assertEquals(50_000, s.maxBlockTransactions());
    assertEquals(4 << 20, s.maxBlockTransactionBytes());
    assertEquals((16 << 20) - (64 << 10), s.maxBlockBytes());
    assertEquals(4096, s.maxPendingProblems());
    assertEquals(32, s.maxUnbondingEntries());
    assertEquals(32, s.maxDelegations());
    assertEquals(1024, s.maxBackers());
    // max(unbonding delay 100, 64)
    assertEquals(100, s.evidenceWindowRounds());
    assertEquals(10_000_000, s.maxTrainingSamples());
    assertTrue(DerivedLimits.check(s).isEmpty(), () -> DerivedLimits.check(s).toString());
    assertEquals(16 << 20, r.value().schedule().requiredFrameBytes());
    assertFalse(JSON.contains("\"spec\""), "a default schedule writes no spec section");
  }

  @Test
  void shortUnbondingDelayKeepsAnEvidenceWindowOf64() {
    assertEquals(64, ChainSpec.defaults(8 << 20, 10).evidenceWindowRounds());
    assertEquals(200, ChainSpec.defaults(8 << 20, 200).evidenceWindowRounds());
  }

  @Test
  void milestoneChangesARuleAtItsHeight() {
    String text =
        withSpec(
            "{\"maxPendingProblems\": 100, \"milestones\": [{\"height\": 1000,"
                + " \"maxBlockTransactions\": 20000, \"maxModelBytes\": 4194304}, {\"height\":"
                + " 5000, \"maxPendingProblems\": 50}]}");
    ConfigResult<Genesis> r = GenesisJson.parse(text, "g.json");
    assertTrue(r.isValid(), r::describeProblems);
    Genesis g = r.value();
    assertEquals(3, g.schedule().milestones().size());
    assertEquals(50_000, g.spec(999).maxBlockTransactions());
    assertEquals(8L << 20, g.spec(999).maxModelBytes());
    assertEquals(100, g.spec(0).maxPendingProblems());
    assertEquals(20_000, g.spec(1000).maxBlockTransactions());
    assertEquals(4L << 20, g.spec(1000).maxModelBytes());
    // Model verification at a height sees that height's model ceiling, the rest of the limits as
    // genesis has them.
    assertEquals(g.limits(), g.limitsAt(999));
    assertEquals(4L << 20, g.limitsAt(1000).maxModelBytes());
    assertEquals(g.limits().maxParameters(), g.limitsAt(1000).maxParameters());
    assertEquals(100, g.spec(4999).maxPendingProblems());
    // A milestone carries every earlier change it does not override.
    assertEquals(20_000, g.spec(5000).maxBlockTransactions());
    assertEquals(50, g.spec(5000).maxPendingProblems());
    assertEquals(50, g.spec(Long.MAX_VALUE).maxPendingProblems());
    // Decoders that do not know the height allow the largest value of any milestone.
    assertEquals(50_000, g.schedule().maxOver(ChainSpec::maxBlockTransactions));

    // The schedule is part of the chain's identity and survives a write and a read.
    assertNotEquals(GENESIS.hash(), g.hash());
    String written = GenesisJson.toJson(g);
    ConfigResult<Genesis> back = GenesisJson.parse(written, "back.json");
    assertTrue(back.isValid(), back::describeProblems);
    assertEquals(g, back.value());
    assertEquals(g.hash(), back.value().hash());
  }

  @Test
  void genesisWhoseBlockCannotHoldAMaximumModelIsRefused() {
    // 16 MiB models (the old default) with a full 4 MiB transaction section overflow a block that
    // a 16 MiB frame can carry.
    String text = JSON.replace("\"maxModelBytes\": 8388608", "\"maxModelBytes\": 16777216");
    ConfigProblem p = onlyProblem(GenesisJson.parse(text, "g.json"));
    assertEquals("spec.maxBlockBytes", p.key());
    assertTrue(p.message().contains("cannot hold a block with a maximum-size model"), p.format());
    assertEquals(TestGenesis.lineOf(text, "\"maxModelBytes\""), p.line(), p.format());
  }

  @Test
  void genesisWhoseBlockNeedsALargerFrameThanAnyNodeAllowsIsRefused() {
    String text = withSpec("{\n    \"maxBlockBytes\": 33554432\n  }");
    ConfigProblem p = onlyProblem(GenesisJson.parse(text, "g.json"));
    assertEquals("spec.maxBlockBytes", p.key());
    assertTrue(p.message().contains("above the largest frame a node allows"), p.format());
    assertEquals(TestGenesis.lineOf(text, "\"maxBlockBytes\""), p.line(), p.format());
    assertTrue(p.column() > 0, p.format());
  }

  @Test
  void milestoneWhoseTransactionCannotFitABlockIsRefused() {
    String text =
        withSpec(
            "{\"milestones\": [\n    {\"height\": 10, \"maxTransactionBytes\": 5000000}\n  ]}");
    ConfigProblem p = onlyProblem(GenesisJson.parse(text, "g.json"));
    assertEquals("spec.milestones[0].maxTransactionBytes", p.key());
    assertTrue(p.message().contains("could never be included"), p.format());
    assertEquals(TestGenesis.lineOf(text, "\"maxTransactionBytes\""), p.line(), p.format());
  }

  @Test
  void ruleAboveItsDecoderCeilingIsRefused() {
    String text = withSpec("{\"maxBlockTransactions\": 50001}");
    ConfigProblem p = onlyProblem(GenesisJson.parse(text, "g.json"));
    assertEquals("spec.maxBlockTransactions", p.key());
    assertTrue(p.message().contains("decoder ceiling"), p.format());
  }

  @Test
  void unknownSpecKeyGetsASuggestion() {
    String text = withSpec("{\"maxBlockTransaction\": 100}");
    ConfigProblem p = onlyProblem(GenesisJson.parse(text, "g.json"));
    assertEquals("spec.maxBlockTransaction", p.key());
    assertTrue(p.message().contains("did you mean 'maxBlockTransactions'"), p.format());
  }

  @Test
  void modelCeilingAtHeightZeroHasOneHome() {
    String text = withSpec("{\"maxModelBytes\": 1000}");
    ConfigProblem p = onlyProblem(GenesisJson.parse(text, "g.json"));
    assertEquals("spec.maxModelBytes", p.key());
    assertTrue(p.message().contains("set at height 0 by limits.maxModelBytes"), p.format());
    assertTrue(p.line() > 0, p.format());
  }

  @Test
  void milestoneHeightsMustIncrease() {
    String text =
        withSpec(
            "{\"milestones\": [{\"height\": 10, \"maxBackers\": 5}, {\"height\": 10,"
                + " \"maxBackers\": 6}]}");
    ConfigProblem p = onlyProblem(GenesisJson.parse(text, "g.json"));
    assertEquals("spec.milestones[1].height", p.key());
    assertTrue(p.message().contains("greater than 10"), p.format());
  }

  @Test
  void specValuesMustBePositive() {
    ConfigProblem p = onlyProblem(GenesisJson.parse(withSpec("{\"maxBackers\": 0}"), "g.json"));
    assertEquals("spec.maxBackers", p.key());
    assertTrue(p.message().contains("at least 1"), p.format());
  }

  @Test
  void genesisBuiltInCodeIsCheckedByTheSameRules() {
    ChainSpec bad =
        new ChainSpec(8L << 20, 4 << 20, 50_000, 4 << 20, 10 << 20, 4096, 32, 32, 1024, 100, 1);
    Genesis g =
        new Genesis(
            GENESIS.chainId(),
            GENESIS.genesisTimeMs(),
            GENESIS.members(),
            GENESIS.rounds(),
            GENESIS.rewards(),
            GENESIS.problemTtlRounds(),
            GENESIS.verificationTolerance(),
            GENESIS.limits(),
            GENESIS.unbondingDelayRounds(),
            new ProtocolSchedule(
                List.of(new Milestone(0, GENESIS.spec(0)), new Milestone(7, bad))));
    List<ConfigProblem> problems = GenesisValidator.validate(g, "code");
    assertEquals(1, problems.size(), problems.toString());
    assertEquals("spec.milestones[0].maxBlockBytes", problems.get(0).key());
  }

  @Test
  void frameThatCannotCarryAMaximumBlockIsAProblem() {
    ProtocolSchedule defaults = GENESIS.schedule();
    assertEquals(Optional.empty(), DerivedLimits.frameProblem(defaults, Ceilings.MAX_FRAME_BYTES));
    Optional<String> small = DerivedLimits.frameProblem(defaults, 8 << 20);
    assertTrue(small.isPresent());
    assertTrue(small.get().contains("cannot carry a maximum-size block"), small.get());

    // A later milestone that grows the block needs the larger frame from its height on.
    ChainSpec smaller =
        new ChainSpec(2L << 20, 1 << 20, 50_000, 1 << 20, 6 << 20, 4096, 32, 32, 1024, 100, 1);
    ProtocolSchedule growing =
        new ProtocolSchedule(
            List.of(new Milestone(0, smaller), new Milestone(500, GENESIS.spec(0))));
    assertEquals(
        Optional.empty(), DerivedLimits.frameProblem(ProtocolSchedule.of(smaller), 8 << 20));
    Optional<String> later = DerivedLimits.frameProblem(growing, 8 << 20);
    assertTrue(later.isPresent());
    assertTrue(later.get().contains("from height 500"), later.get());
  }
}
