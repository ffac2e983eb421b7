package org.learnchain.consensus.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.MisconductReport;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;

/**
 * Deterministic, correctly signed consensus messages, work sections and blocks: the seeds of the
 * consensus fuzz targets. Keys come from fixed seeds and Ed25519 signatures are deterministic, so
 * the same seeds come out on every run.
 */
public final class FuzzMessages {
  public static final ChainDomains DOMAINS = new ChainDomains("fuzz-chain");
  public static final long ROUND = 12;

  public static final PrivateKey SUBMITTER = key("submitter");
  public static final PrivateKey WINNER = key("winner");
  public static final PrivateKey RUNNER_UP = key("runner-up");
  public static final PrivateKey VALIDATOR = key("validator");

  public static final Hash PROBLEM = hash("problem");
  public static final Bytes MODEL = Bytes.of("model bytes".getBytes(StandardCharsets.UTF_8));
  public static final Bytes OTHER_MODEL =
      Bytes.of("another model".getBytes(StandardCharsets.UTF_8));
  static final Bytes SALT = Bytes.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

  private FuzzMessages() {}

  public static PrivateKey key(String name) {
    return PrivateKey.fromSeed(hash("fuzz-key/" + name).toArray());
  }

  public static Hash hash(String s) {
    return Hashing.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  public static ModelCommit commit(PrivateKey miner, Bytes model) {
    return ModelCommit.sign(
        DOMAINS,
        miner,
        ROUND,
        PROBLEM,
        ModelCommit.commitment(model.sha256(), miner.publicKey(), ROUND));
  }

  public static PredictionCommit prediction(PrivateKey miner, Bytes model, byte[] predictions) {
    return PredictionCommit.sign(
        DOMAINS, miner, ROUND, PROBLEM, model.sha256(), Bytes.of(predictions));
  }

  public static WinnerCertificate certificate(int attempt, PrivateKey crowned, Bytes model) {
    return WinnerCertificate.sign(
        DOMAINS,
        SUBMITTER,
        ROUND,
        PROBLEM,
        attempt,
        crowned.publicKey(),
        model.sha256(),
        0.75,
        List.of(
            new WinnerCertificate.RankEntry(WINNER.publicKey(), 0.75),
            new WinnerCertificate.RankEntry(RUNNER_UP.publicKey(), Double.NEGATIVE_INFINITY)));
  }

  public static TestReveal testReveal() {
    return TestReveal.sign(
        DOMAINS, SUBMITTER, ROUND, PROBLEM, SALT, Bytes.of(new byte[] {9, 8, 7}));
  }

  public static LabelReveal labelReveal() {
    return LabelReveal.sign(
        DOMAINS, SUBMITTER, ROUND, PROBLEM, SALT, Bytes.of(new byte[] {1, 0, 1}));
  }

  public static Vote precommit(PrivateKey validator, String block) {
    return Vote.sign(
        DOMAINS, org.learnchain.crypto.MessageType.PRECOMMIT, validator, ROUND - 1, 0, hash(block));
  }

  public static MisconductReport report() {
    return MisconductReport.sign(
        DOMAINS,
        VALIDATOR,
        ROUND,
        0,
        WINNER.publicKey(),
        hash("bad block"),
        MisconductReport.Reason.PREDICTIONS_NOT_REPRODUCED,
        "predictions differ at sample 3 by 0.5 (tolerance 1e-05) \u2013 caf\u00e9");
  }

  /** One message of every kind. */
  public static List<ConsensusMessage> oneOfEach() {
    return List.of(
        commit(WINNER, MODEL),
        testReveal(),
        prediction(WINNER, MODEL, new byte[] {1, 0, 1}),
        labelReveal(),
        certificate(0, WINNER, MODEL),
        report(),
        precommit(VALIDATOR, "parent"));
  }

  /** The winner's proof; {@code published} is the model carried, which may not be the committed. */
  public static WorkSection.Useful useful(Bytes published) {
    return new WorkSection.Useful(
        certificate(0, WINNER, MODEL),
        List.of(commit(WINNER, MODEL), commit(RUNNER_UP, OTHER_MODEL)),
        List.of(
            prediction(WINNER, MODEL, new byte[] {1, 0, 1}),
            prediction(RUNNER_UP, OTHER_MODEL, new byte[] {0, 0, 1})),
        testReveal(),
        labelReveal(),
        published,
        List.of(precommit(VALIDATOR, "parent"), precommit(SUBMITTER, "parent")));
  }

  /** The winner's signed block carrying {@code published} as its model. */
  public static Block usefulBlock(Bytes published) {
    byte[] work = useful(published).encode();
    BlockHeader h =
        new BlockHeader(
            ROUND,
            hash("parent"),
            1_700_000_000_000L,
            ROUND,
            0,
            PROBLEM,
            Block.txRoot(List.of()),
            Block.workHash(work),
            hash("state"),
            MODEL.sha256(),
            certificate(0, WINNER, MODEL).id(),
            WINNER.publicKey());
    return new Block(
        h,
        h.sign(WINNER, DOMAINS.chainId()),
        new BlockOutcome.UsefulWork(PROBLEM, WINNER.publicKey().address(), List.of()),
        List.of(),
        work);
  }
}
