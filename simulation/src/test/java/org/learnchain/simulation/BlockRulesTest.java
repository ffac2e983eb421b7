package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.learnchain.config.Role;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.statemachine.BlockRule;
import org.learnchain.consensus.statemachine.BlockVerifier;
import org.learnchain.consensus.statemachine.Committee;
import org.learnchain.consensus.statemachine.RoundSchedule;
import org.learnchain.consensus.statemachine.SignatureCache;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;

/**
 * One row per block rule: an otherwise valid block, broken in exactly one way, is rejected by the
 * verifier with exactly that rule's code. The valid blocks come from a real simulated chain (a
 * useful-work block with a two-miner ranking, an idle block) or are built from its parts (a wasted
 * block); each broken copy is re-signed by whoever would sign it, so no earlier rule fires first.
 */
class BlockRulesTest {
  /** Node 4 validates and submits but does not mine: its commits break "commit from a miner". */
  private static final int NON_MINER = 4;

  /** Node 3 has every role and submits the problem: its own commit breaks "not the submitter". */
  private static final int SUBMITTER = 3;

  private static Cluster cluster;
  private static ChainDomains domains;
  private static Block useful;
  private static Block usefulParent;
  private static WorldState usefulParentState;
  private static Block idle;
  private static Block idleParent;
  private static WorldState idleParentState;
  private static Block wasted;

  @BeforeAll
  static void chain() {
    cluster =
        Cluster.builder()
            .nodes(5)
            .seed(11)
            .roles(
                i ->
                    i == NON_MINER
                        ? EnumSet.of(Role.VALIDATOR, Role.SUBMITTER)
                        : EnumSet.allOf(Role.class))
            .build();
    cluster.start();
    domains = new ChainDomains(cluster.genesis().chainId());
    SimNode n = cluster.node(0);
    // An idle block first (no problem yet), then a useful one above height 1 (so it carries a
    // parent commit) whose ranking lists at least two miners.
    cluster.runUntil(() -> n.chain().head().height() >= 2, cluster.clock().nowMs() + 60_000);
    cluster.submitProblem(
        SUBMITTER,
        PaperTask.spec(),
        PaperTask.trainingSet(),
        PaperTask.encode(PaperTask.X_TEST),
        PaperTask.encode(PaperTask.Y_TEST),
        PaperTask.X_TEST.length,
        100);
    cluster.runUntil(() -> find(n, true) != null, cluster.clock().nowMs() + 120_000);
    useful = find(n, true);
    idle = find(n, false);
    assertTrue(useful != null && idle != null, "the chain holds a useful and an idle block");
    usefulParent = n.chain().block(useful.header().prevHash()).orElseThrow();
    usefulParentState = n.chain().stateAfter(usefulParent.hash()).orElseThrow();
    idleParent = n.chain().block(idle.header().prevHash()).orElseThrow();
    idleParentState = n.chain().stateAfter(idleParent.hash()).orElseThrow();
    wasted = wastedFromUseful();
  }

  /** The first useful block above height 1 with two ranked miners, or the first idle above 1. */
  private static Block find(SimNode n, boolean usefulWanted) {
    for (long h = 2; h <= n.chain().head().height(); h++) {
      Block b = n.chain().block(n.chain().canonicalHash(h).orElseThrow()).orElseThrow();
      boolean isUseful = b.outcome() instanceof BlockOutcome.UsefulWork;
      if (usefulWanted
          && isUseful
          && ((WorkSection.Useful) WorkSection.decode(b.work()).value()).commits().size() >= 2) {
        return b;
      }
      if (!usefulWanted && b.outcome() instanceof BlockOutcome.Idle) {
        return b;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ the valid blocks pass

  @Test
  void theValidBlocksPass() {
    assertInstanceOf(BlockVerifier.Accepted.class, verify(useful, usefulParent, usefulParentState));
    assertInstanceOf(BlockVerifier.Accepted.class, verify(idle, idleParent, idleParentState));
    assertInstanceOf(BlockVerifier.Accepted.class, verify(wasted, usefulParent, usefulParentState));
  }

  @Test
  void codesAreUniqueAndStable() {
    Set<Integer> codes = new HashSet<>();
    for (BlockRule r : BlockRule.values()) {
      assertTrue(codes.add(r.code()), "code " + r.code() + " used once");
    }
    assertEquals(1, BlockRule.PARENT_LINK.code());
    assertEquals(10, BlockRule.STATE_ROOT.code());
    assertEquals(60, BlockRule.MODEL_REPRODUCES.code());
  }

  // ------------------------------------------------------------------ one row per rule

  record Row(BlockRule rule, String base, UnaryOperator<Block> breakIt) {
    @Override
    public String toString() {
      return rule.code() + " " + rule + " (" + base + ")";
    }
  }

  static Stream<Arguments> rows() {
    List<Row> rows = new ArrayList<>();
    // Header and envelope.
    rows.add(
        row(
            BlockRule.PARENT_LINK,
            "useful",
            b -> header(b, h -> HeaderEdit.of(h).prevHash(other("prev")).build())));
    rows.add(
        row(
            BlockRule.ROUND_IS_HEIGHT,
            "useful",
            b -> header(b, h -> HeaderEdit.of(h).round(h.round() + 1).build())));
    rows.add(
        row(
            BlockRule.ATTEMPT_NON_NEGATIVE,
            "useful",
            b -> header(b, h -> HeaderEdit.of(h).attempt(-1).build())));
    rows.add(
        row(
            BlockRule.TIMESTAMP_AFTER_PARENT,
            "useful",
            b ->
                header(
                    b,
                    h ->
                        HeaderEdit.of(h)
                            .timestampMs(usefulParent.header().timestampMs())
                            .build())));
    rows.add(
        row(
            BlockRule.PROPOSER_SIGNATURE,
            "useful",
            b -> {
              BlockHeader h =
                  HeaderEdit.of(b.header()).timestampMs(b.header().timestampMs() + 1).build();
              return new Block(h, b.signature(), b.outcome(), b.transactions(), b.work());
            }));
    rows.add(
        row(
            BlockRule.BODY_CONSISTENT,
            "useful",
            b -> header(b, h -> HeaderEdit.of(h).txRoot(other("txRoot")).build())));
    rows.add(
        row(
            BlockRule.WORK_SECTION_DECODES,
            "useful",
            b -> withWork(b, "not a work section".getBytes(StandardCharsets.UTF_8))));
    rows.add(row(BlockRule.PARENT_COMMIT, "useful", b -> useful(b, u -> parentCommit(u, 1))));
    rows.add(
        row(
            BlockRule.STATE_ROOT,
            "useful",
            b -> header(b, h -> HeaderEdit.of(h).stateRoot(other("stateRoot")).build())));
    rows.add(
        row(
            BlockRule.LEDGER_TRANSITION,
            "useful",
            b -> {
              // A transaction the chain already applied, replayed: its nonce is spent.
              List<org.learnchain.ledger.SignedTransaction> txs = new ArrayList<>(b.transactions());
              txs.add(appliedTransaction());
              Block moved = new Block(b.header(), b.signature(), b.outcome(), txs, b.work());
              return header(moved, h -> HeaderEdit.of(h).txRoot(Block.txRoot(txs)).build());
            }));

    // Useful-work blocks.
    rows.add(
        row(
            BlockRule.USEFUL_PROBLEM,
            "useful",
            b -> {
              BlockOutcome.UsefulWork o = (BlockOutcome.UsefulWork) b.outcome();
              Hash other = Hashing.sha256("other".getBytes(StandardCharsets.UTF_8));
              Block moved =
                  new Block(
                      b.header(),
                      b.signature(),
                      new BlockOutcome.UsefulWork(other, o.winner(), o.attesters()),
                      b.transactions(),
                      b.work());
              return header(moved, h -> HeaderEdit.of(h).problemId(other).build());
            }));
    rows.add(
        row(
            BlockRule.USEFUL_WORK_SECTION,
            "useful",
            b -> withWork(b, new WorkSection.Idle(usefulWork(b).parentCommit()).encode())));
    rows.add(
        row(
            BlockRule.USEFUL_PAYS_PROPOSER,
            "useful",
            b -> {
              BlockOutcome.UsefulWork o = (BlockOutcome.UsefulWork) b.outcome();
              Address other = otherThan(b.header().proposer()).publicKey().address();
              return withOutcome(
                  b, new BlockOutcome.UsefulWork(o.problemId(), other, o.attesters()));
            }));
    rows.add(
        row(
            BlockRule.USEFUL_PAYS_COMMIT_SIGNERS,
            "useful",
            b -> {
              BlockOutcome.UsefulWork o = (BlockOutcome.UsefulWork) b.outcome();
              return withOutcome(
                  b,
                  new BlockOutcome.UsefulWork(
                      o.problemId(), o.winner(), o.attesters().subList(1, o.attesters().size())));
            }));
    rows.add(
        row(
            BlockRule.CERTIFICATE_MATCHES,
            "useful",
            b ->
                header(
                    b, h -> HeaderEdit.of(h).certificateHash(other("certificateHash")).build())));
    rows.add(
        row(
            BlockRule.CERTIFICATE_SIGNATURE,
            "useful",
            b ->
                useful(
                    b,
                    u -> {
                      WinnerCertificate c = u.certificate();
                      WinnerCertificate forged =
                          new WinnerCertificate(
                              c.round(),
                              c.problemId(),
                              c.attempt(),
                              c.winner(),
                              c.modelHash(),
                              c.score(),
                              c.ranking(),
                              c.submitter(),
                              u.testReveal().signature());
                      return withCertificate(u, forged);
                    })));
    rows.add(
        row(
            BlockRule.USEFUL_NOT_BEFORE_AWARD,
            "useful",
            b ->
                header(
                    b,
                    h ->
                        HeaderEdit.of(h)
                            .timestampMs(usefulParent.header().timestampMs() + 1)
                            .build())));
    rows.add(
        row(
            BlockRule.TEST_REVEAL,
            "useful",
            b ->
                useful(
                    b,
                    u -> {
                      TestReveal t = u.testReveal();
                      TestReveal bad =
                          new TestReveal(
                              t.round(),
                              t.problemId(),
                              Bytes.of(new byte[BlockVerifier.SALT_BYTES]),
                              t.testInputs(),
                              t.submitter(),
                              t.signature());
                      return new WorkSection.Useful(
                          u.certificate(),
                          u.commits(),
                          u.predictions(),
                          bad,
                          u.labelReveal(),
                          u.model(),
                          u.parentCommit());
                    })));
    rows.add(
        row(
            BlockRule.LABEL_REVEAL,
            "useful",
            b ->
                useful(
                    b,
                    u -> {
                      LabelReveal l = u.labelReveal();
                      LabelReveal bad =
                          new LabelReveal(
                              l.round(),
                              l.problemId(),
                              Bytes.of(new byte[BlockVerifier.SALT_BYTES]),
                              l.labels(),
                              l.submitter(),
                              l.signature());
                      return new WorkSection.Useful(
                          u.certificate(),
                          u.commits(),
                          u.predictions(),
                          u.testReveal(),
                          bad,
                          u.model(),
                          u.parentCommit());
                    })));
    rows.add(
        row(
            BlockRule.RANKED_COMMITS_CARRIED,
            "useful",
            b ->
                useful(
                    b,
                    u ->
                        new WorkSection.Useful(
                            u.certificate(),
                            u.commits().subList(0, u.commits().size() - 1),
                            u.predictions(),
                            u.testReveal(),
                            u.labelReveal(),
                            u.model(),
                            u.parentCommit()))));
    rows.add(
        row(
            BlockRule.ATTEMPT_WITHIN_RANKING,
            "useful",
            b ->
                header(
                    b,
                    h ->
                        HeaderEdit.of(h)
                            .attempt(usefulWork(b).certificate().ranking().size())
                            .build())));
    rows.add(
        row(
            BlockRule.RANKING_ORDER,
            "useful",
            b ->
                useful(
                    b,
                    u ->
                        new WorkSection.Useful(
                            u.certificate(),
                            swapFirstTwo(u.commits()),
                            u.predictions(),
                            u.testReveal(),
                            u.labelReveal(),
                            u.model(),
                            u.parentCommit()))));
    rows.add(
        row(
            BlockRule.COMMIT_ROUND,
            "useful",
            b ->
                useful(
                    b,
                    u ->
                        withCommit(
                            u,
                            1,
                            c ->
                                new ModelCommit(
                                    c.round() + 1,
                                    c.problemId(),
                                    c.commitment(),
                                    c.miner(),
                                    c.signature())))));
    rows.add(
        row(
            BlockRule.COMMIT_SIGNATURE,
            "useful",
            b ->
                useful(
                    b,
                    u ->
                        withCommit(
                            u,
                            1,
                            c ->
                                new ModelCommit(
                                    c.round(),
                                    c.problemId(),
                                    c.commitment(),
                                    c.miner(),
                                    u.commits().get(0).signature())))));
    rows.add(
        row(
            BlockRule.PREDICTION_ROUND,
            "useful",
            b ->
                useful(
                    b,
                    u ->
                        withPrediction(
                            u,
                            1,
                            p ->
                                new PredictionCommit(
                                    p.round() + 1,
                                    p.problemId(),
                                    p.modelHash(),
                                    p.predictions(),
                                    p.miner(),
                                    p.signature())))));
    rows.add(
        row(
            BlockRule.PREDICTION_SIGNATURE,
            "useful",
            b ->
                useful(
                    b,
                    u ->
                        withPrediction(
                            u,
                            1,
                            p ->
                                new PredictionCommit(
                                    p.round(),
                                    p.problemId(),
                                    p.modelHash(),
                                    p.predictions(),
                                    p.miner(),
                                    u.predictions().get(0).signature())))));
    rows.add(
        row(
            BlockRule.RANKING_RECOMPUTED,
            "useful",
            b ->
                useful(
                    b,
                    u -> {
                      // The submitter certifies the ranking upside down (and orders the proofs
                      // to match): every signature holds, only the recomputation disagrees.
                      WinnerCertificate c = u.certificate();
                      List<WinnerCertificate.RankEntry> flipped = swapFirstTwo(c.ranking());
                      WinnerCertificate cert = recertify(c, c.winner(), c.score(), flipped);
                      return new WorkSection.Useful(
                          cert,
                          swapFirstTwo(u.commits()),
                          swapFirstTwo(u.predictions()),
                          u.testReveal(),
                          u.labelReveal(),
                          u.model(),
                          u.parentCommit());
                    })));
    rows.add(
        row(
            BlockRule.CERTIFICATE_WINNER,
            "useful",
            b ->
                useful(
                    b,
                    u -> {
                      WinnerCertificate c = u.certificate();
                      return withCertificate(
                          u, recertify(c, c.winner(), c.score() + 0.5, c.ranking()));
                    })));
    rows.add(
        row(
            BlockRule.PROPOSER_RANKED,
            "useful",
            b -> header(b, h -> HeaderEdit.of(h).attempt(1).build())));
    rows.add(
        row(
            BlockRule.MODEL_COMMITTED,
            "useful",
            b ->
                useful(
                    b,
                    u -> {
                      byte[] model = u.model().toArray();
                      model[model.length - 1] ^= 1;
                      return new WorkSection.Useful(
                          u.certificate(),
                          u.commits(),
                          u.predictions(),
                          u.testReveal(),
                          u.labelReveal(),
                          Bytes.of(model),
                          u.parentCommit());
                    })));

    // Idle blocks.
    rows.add(
        row(
            BlockRule.IDLE_WORK_SECTION,
            "idle",
            b ->
                withWork(
                    b,
                    new WorkSection.Wasted(
                            Hash.ZERO,
                            List.of(),
                            ((WorkSection.Idle) WorkSection.decode(b.work()).value())
                                .parentCommit())
                        .encode())));
    rows.add(
        row(
            BlockRule.PROPOSER_TURN,
            "idle",
            b -> {
              PrivateKey other = otherThan(b.header().proposer());
              return resignBy(
                  b, HeaderEdit.of(b.header()).proposer(other.publicKey()).build(), other);
            }));
    rows.add(
        row(
            BlockRule.FALLBACK_NOT_BEFORE_DEADLINE,
            "idle",
            b ->
                header(
                    b,
                    h ->
                        HeaderEdit.of(h)
                            .timestampMs(idleParent.header().timestampMs() + 1)
                            .build())));

    // Wasted blocks.
    rows.add(
        row(
            BlockRule.WASTED_PROBLEM,
            "wasted",
            b -> {
              BlockOutcome.Wasted o = (BlockOutcome.Wasted) b.outcome();
              Hash other = Hashing.sha256("other".getBytes(StandardCharsets.UTF_8));
              return withOutcome(b, new BlockOutcome.Wasted(other, o.committers()));
            }));
    rows.add(
        row(
            BlockRule.WASTED_WORK_SECTION,
            "wasted",
            b -> withWork(b, new WorkSection.Idle(wastedWork(b).parentCommit()).encode())));
    rows.add(
        row(
            BlockRule.WASTED_HEADER,
            "wasted",
            b ->
                header(
                    b, h -> HeaderEdit.of(h).certificateHash(other("certificateHash")).build())));
    rows.add(
        row(
            BlockRule.WASTED_HAS_COMMITTERS,
            "wasted",
            b -> {
              WorkSection.Wasted w = wastedWork(b);
              BlockOutcome.Wasted o = (BlockOutcome.Wasted) b.outcome();
              Block empty =
                  withWork(
                      b,
                      new WorkSection.Wasted(w.problemId(), List.of(), w.parentCommit()).encode());
              return withOutcome(empty, new BlockOutcome.Wasted(o.problemId(), List.of()));
            }));
    rows.add(
        row(
            BlockRule.WASTED_COMMITS_SORTED,
            "wasted",
            b -> {
              WorkSection.Wasted w = wastedWork(b);
              return withWork(
                  b,
                  new WorkSection.Wasted(w.problemId(), swapFirstTwo(w.commits()), w.parentCommit())
                      .encode());
            }));
    rows.add(
        row(
            BlockRule.WASTED_COMMITTERS_MATCH,
            "wasted",
            b -> {
              BlockOutcome.Wasted o = (BlockOutcome.Wasted) b.outcome();
              return withOutcome(
                  b,
                  new BlockOutcome.Wasted(
                      o.problemId(), o.committers().subList(1, o.committers().size())));
            }));
    rows.add(
        row(
            BlockRule.COMMIT_FROM_MINER,
            "wasted",
            b -> withWastedCommitBy(b, cluster.node(NON_MINER).key(), false)));
    rows.add(
        row(
            BlockRule.COMMIT_NOT_SUBMITTER,
            "wasted",
            b -> withWastedCommitBy(b, submitterKey(), true)));
    return rows.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void eachBrokenRuleIsRejectedWithItsCode(Row row) {
    Block base =
        switch (row.base()) {
          case "useful" -> useful;
          case "idle" -> idle;
          default -> wasted;
        };
    Block parent = row.base().equals("idle") ? idleParent : usefulParent;
    WorldState state = row.base().equals("idle") ? idleParentState : usefulParentState;
    BlockVerifier.Outcome out = verify(row.breakIt().apply(base), parent, state);
    BlockVerifier.Rejected r = assertInstanceOf(BlockVerifier.Rejected.class, out, row.toString());
    assertEquals(row.rule(), r.rule(), row + ": " + r.reason());
  }

  // ------------------------------------------------------------------ helpers

  private static Row row(BlockRule rule, String base, UnaryOperator<Block> breakIt) {
    return new Row(rule, base, breakIt);
  }

  private static BlockVerifier.Outcome verify(Block b, Block parent, WorldState state) {
    SimNode n = cluster.node(0);
    return new BlockVerifier(
            ConsensusConfig.of(cluster.genesis()),
            domains,
            new Committee(cluster.genesis()),
            n.chain(),
            LinearRegressionMl.honest(1),
            new SignatureCache(64))
        .verify(b, parent, state);
  }

  private static PrivateKey keyOf(PublicKey pub) {
    for (SimNode n : cluster.nodes()) {
      if (n.key().publicKey().equals(pub)) {
        return n.key();
      }
    }
    throw new IllegalStateException("no node holds " + pub);
  }

  private static PrivateKey otherThan(PublicKey pub) {
    for (SimNode n : cluster.nodes()) {
      if (!n.key().publicKey().equals(pub)) {
        return n.key();
      }
    }
    throw new IllegalStateException("a single node");
  }

  private static PrivateKey submitterKey() {
    return cluster.node(SUBMITTER).key();
  }

  /** The block with a header changed by {@code edit}, signed again by its proposer. */
  private static Block header(Block b, UnaryOperator<BlockHeader> edit) {
    BlockHeader h = edit.apply(b.header());
    return resignBy(b, h, keyOf(h.proposer()));
  }

  private static Block resignBy(Block b, BlockHeader h, PrivateKey key) {
    return new Block(
        h, h.sign(key, cluster.genesis().chainId()), b.outcome(), b.transactions(), b.work());
  }

  /** A transaction from a block below the useful one (the problem's submission). */
  private static org.learnchain.ledger.SignedTransaction appliedTransaction() {
    SimNode n = cluster.node(0);
    for (long h = 1; h < useful.height(); h++) {
      Block b = n.chain().block(n.chain().canonicalHash(h).orElseThrow()).orElseThrow();
      if (!b.transactions().isEmpty()) {
        return b.transactions().get(0);
      }
    }
    throw new IllegalStateException("no applied transaction below the useful block");
  }

  private static Block withOutcome(Block b, BlockOutcome outcome) {
    return header(
        new Block(b.header(), b.signature(), outcome, b.transactions(), b.work()), h -> h);
  }

  private static Block withWork(Block b, byte[] work) {
    Block moved = new Block(b.header(), b.signature(), b.outcome(), b.transactions(), work);
    return header(moved, h -> HeaderEdit.of(h).workHash(Block.workHash(work)).build());
  }

  private static WorkSection.Useful usefulWork(Block b) {
    return (WorkSection.Useful) WorkSection.decode(b.work()).value();
  }

  private static WorkSection.Wasted wastedWork(Block b) {
    return (WorkSection.Wasted) WorkSection.decode(b.work()).value();
  }

  /** The useful block with its work section changed, header hashes kept consistent. */
  private static Block useful(Block b, UnaryOperator<WorkSection.Useful> edit) {
    WorkSection.Useful u = edit.apply(usefulWork(b));
    Block moved = withWork(b, u.encode());
    return header(moved, h -> HeaderEdit.of(h).certificateHash(u.certificate().id()).build());
  }

  private static WorkSection.Useful parentCommit(WorkSection.Useful u, int keep) {
    List<Vote> fewer = u.parentCommit().subList(0, keep);
    return new WorkSection.Useful(
        u.certificate(),
        u.commits(),
        u.predictions(),
        u.testReveal(),
        u.labelReveal(),
        u.model(),
        fewer);
  }

  private static WorkSection.Useful withCertificate(WorkSection.Useful u, WinnerCertificate c) {
    return new WorkSection.Useful(
        c,
        u.commits(),
        u.predictions(),
        u.testReveal(),
        u.labelReveal(),
        u.model(),
        u.parentCommit());
  }

  private static WorkSection.Useful withCommit(
      WorkSection.Useful u, int i, UnaryOperator<ModelCommit> edit) {
    List<ModelCommit> commits = new ArrayList<>(u.commits());
    commits.set(i, edit.apply(commits.get(i)));
    return new WorkSection.Useful(
        u.certificate(),
        commits,
        u.predictions(),
        u.testReveal(),
        u.labelReveal(),
        u.model(),
        u.parentCommit());
  }

  private static WorkSection.Useful withPrediction(
      WorkSection.Useful u, int i, UnaryOperator<PredictionCommit> edit) {
    List<PredictionCommit> predictions = new ArrayList<>(u.predictions());
    predictions.set(i, edit.apply(predictions.get(i)));
    return new WorkSection.Useful(
        u.certificate(),
        u.commits(),
        predictions,
        u.testReveal(),
        u.labelReveal(),
        u.model(),
        u.parentCommit());
  }

  private static WinnerCertificate recertify(
      WinnerCertificate c,
      PublicKey winner,
      double score,
      List<WinnerCertificate.RankEntry> ranking) {
    return WinnerCertificate.sign(
        domains,
        keyOf(c.submitter()),
        c.round(),
        c.problemId(),
        c.attempt(),
        winner,
        c.modelHash(),
        score,
        ranking);
  }

  private static <T> List<T> swapFirstTwo(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    T first = copy.get(0);
    copy.set(0, copy.get(1));
    copy.set(1, first);
    return copy;
  }

  /**
   * A valid wasted block at the useful block's height: the validator of attempt 0 closes the round
   * with every ranked miner's commit, at the earliest time a block without useful work may come.
   */
  private static Block wastedFromUseful() {
    WorkSection.Useful u = usefulWork(useful);
    Hash problem = u.certificate().problemId();
    List<ModelCommit> commits = new ArrayList<>(u.commits());
    commits.sort((a, b) -> a.miner().compareTo(b.miner()));
    List<Address> committers = commits.stream().map(c -> c.miner().address()).toList();
    BlockOutcome.Wasted outcome = new BlockOutcome.Wasted(problem, committers);
    byte[] work = new WorkSection.Wasted(problem, commits, u.parentCommit()).encode();
    Committee committee = new Committee(cluster.genesis());
    BlockHeader uh = useful.header();
    PublicKey proposer = committee.proposerTurn(uh.height(), 0);
    long ts =
        new RoundSchedule(usefulParent.header().timestampMs(), cluster.genesis().rounds())
            .earliestFallbackBlock(true);
    BlockHeader draft =
        new BlockHeader(
            uh.height(),
            uh.prevHash(),
            ts,
            uh.round(),
            0,
            problem,
            Block.txRoot(List.of()),
            Block.workHash(work),
            Hash.ZERO,
            Hash.ZERO,
            Hash.ZERO,
            proposer);
    TransitionResult r =
        cluster.node(0).chain().apply(usefulParentState, draft, List.of(), outcome);
    Hash root = ((TransitionResult.Applied) r).stateRoot();
    BlockHeader h = HeaderEdit.of(draft).stateRoot(root).build();
    PrivateKey key = keyOf(proposer);
    return new Block(h, h.sign(key, cluster.genesis().chainId()), outcome, List.of(), work);
  }

  /** The wasted block with one more commit, signed by {@code key}, listed as a committer. */
  private static Block withWastedCommitBy(Block b, PrivateKey key, boolean submitter) {
    WorkSection.Wasted w = wastedWork(b);
    ModelCommit extra =
        ModelCommit.sign(
            domains,
            key,
            b.header().round(),
            w.problemId(),
            Hashing.sha256(("a commitment " + submitter).getBytes(StandardCharsets.UTF_8)));
    List<ModelCommit> commits = new ArrayList<>(w.commits());
    commits.add(extra);
    commits.sort((x, y) -> x.miner().compareTo(y.miner()));
    List<Address> committers = commits.stream().map(c -> c.miner().address()).toList();
    Block moved =
        withWork(b, new WorkSection.Wasted(w.problemId(), commits, w.parentCommit()).encode());
    return withOutcome(moved, new BlockOutcome.Wasted(w.problemId(), committers));
  }

  // Header field edits (records have no withers).

  /** A hash that differs from every real one, named after the field it replaces. */
  private static Hash other(String field) {
    return Hashing.sha256(("other " + field).getBytes(StandardCharsets.UTF_8));
  }
}
