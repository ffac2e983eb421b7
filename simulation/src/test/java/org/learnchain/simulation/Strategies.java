package org.learnchain.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.learnchain.config.ModelLimits;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.Verdict;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.state.WorldState;

/**
 * Byzantine behaviours for the multi-node tests, as gossip interceptors (the node's own state
 * machine stays the production code; the strategy rewrites what leaves it, signing with the node's
 * key) and as dishonest ML ports.
 */
final class Strategies {
  private Strategies() {}

  private static ChainDomains domains(AtomicReference<Cluster> c) {
    return new ChainDomains(c.get().genesis().chainId());
  }

  private static PrivateKey key(AtomicReference<Cluster> c, int self) {
    return c.get().node(self).key();
  }

  /** Any node's secret for a problem: an oracle that knows every test set. */
  static Optional<ProblemSecrets.Secret> anySecret(AtomicReference<Cluster> c, Hash problemId) {
    for (SimNode n : c.get().nodes()) {
      Optional<ProblemSecrets.Secret> s = n.secretOf(problemId);
      if (s.isPresent()) {
        return s;
      }
    }
    return Optional.empty();
  }

  /** A miner that fits every problem's test set exactly (it has stolen them). */
  static MlPort oracleMiner(AtomicReference<Cluster> c, long seed) {
    return new LinearRegressionMl(new java.util.SplittableRandom(seed), id -> anySecret(c, id));
  }

  /**
   * An honest trainer whose committed predictions are the true labels (stolen), not its model's
   * outputs: it ranks first and its block cannot be verified.
   */
  static MlPort fakePredictions(AtomicReference<Cluster> c, long seed) {
    LinearRegressionMl honest = LinearRegressionMl.honest(seed);
    return new MlPort() {
      @Override
      public java.util.concurrent.CompletionStage<Result<TrainedModel>> train(TrainingTask t) {
        return honest.train(t);
      }

      @Override
      public Result<Bytes> predict(Bytes spec, Bytes model, Bytes testInputs) {
        for (SimNode n : c.get().nodes()) {
          Optional<ProblemSecrets.Secret> s = n.secretWithInputs(testInputs);
          if (s.isPresent()) {
            return Result.ok(s.get().testLabels());
          }
        }
        return honest.predict(spec, model, testInputs);
      }

      @Override
      public Verdict verify(
          Bytes spec, ModelLimits limits, Bytes model, Bytes inputs, Bytes committed, double tol) {
        // It vouches for its own block, so the block does leave the node.
        return Verdict.valid();
      }

      @Override
      public Result<Double> score(Bytes spec, Bytes predictions, Bytes labels, int count) {
        return honest.score(spec, predictions, labels, count);
      }
    };
  }

  /** A block re-signed by its proposer with another work section. */
  static Block resign(Block b, byte[] work, PrivateKey key, String chainId) {
    BlockHeader h = b.header();
    BlockHeader nh =
        new BlockHeader(
            h.height(),
            h.prevHash(),
            h.timestampMs(),
            h.round(),
            h.attempt(),
            h.problemId(),
            h.txRoot(),
            Block.workHash(work),
            h.stateRoot(),
            h.modelHash(),
            h.certificateHash(),
            h.proposer());
    return new Block(nh, nh.sign(key, chainId), b.outcome(), b.transactions(), work);
  }

  /** A winner that publishes its useful-work blocks with a model other than the committed one. */
  static GossipInterceptor swapsModel(AtomicReference<Cluster> c, int self) {
    return (kind, payload, out) -> {
      if (kind == MessageType.PROPOSAL
          && Codec.decode(kind, Proposal.class, payload).value().block().isPresent()) {
        Proposal p = Codec.decode(kind, Proposal.class, payload).value();
        Block b = p.block().get();
        if (b.header().proposer().equals(key(c, self).publicKey())
            && WorkSection.decode(b.work()).value() instanceof WorkSection.Useful u) {
          WorkSection.Useful swapped =
              new WorkSection.Useful(
                  u.certificate(),
                  u.commits(),
                  u.predictions(),
                  u.testReveal(),
                  u.labelReveal(),
                  LinearRegressionMl.encodeModel(0.5, 0.25),
                  u.parentCommit());
          Block bad = resign(b, swapped.encode(), key(c, self), c.get().genesis().chainId());
          out.publish(
              kind,
              Proposal.sign(domains(c), key(c, self), p.bftRound(), p.validRound(), bad).encode());
          return;
        }
      }
      out.publish(kind, payload);
    };
  }

  /** A submitter that signs a second, different certificate for the same round and attempt. */
  static GossipInterceptor doubleCertificate(AtomicReference<Cluster> c, int self) {
    return (kind, payload, out) -> {
      out.publish(kind, payload);
      if (kind != MessageType.WINNER_CERTIFICATE) {
        return;
      }
      WinnerCertificate wc = Codec.decode(kind, WinnerCertificate.class, payload).value();
      if (wc.ranking().size() < 2) {
        return;
      }
      WinnerCertificate other =
          WinnerCertificate.sign(
              domains(c),
              key(c, self),
              wc.round(),
              wc.problemId(),
              wc.attempt(),
              wc.ranking().get(1).miner(),
              wc.modelHash(),
              wc.ranking().get(1).score(),
              wc.ranking());
      out.publishAt(out.nowMs() + 1, kind, other.encode());
    };
  }

  /**
   * A submitter whose certificates crown the lowest-ranked miner (ranking reordered to match), at
   * every attempt.
   */
  static GossipInterceptor crownsTheLoser(AtomicReference<Cluster> c, int self) {
    return (kind, payload, out) -> {
      if (kind != MessageType.WINNER_CERTIFICATE) {
        out.publish(kind, payload);
        return;
      }
      WinnerCertificate wc = Codec.decode(kind, WinnerCertificate.class, payload).value();
      List<WinnerCertificate.RankEntry> reordered = new ArrayList<>(wc.ranking());
      java.util.Collections.reverse(reordered);
      WinnerCertificate.RankEntry crowned = reordered.get(wc.attempt());
      Hash modelHash = predictionOf(c, crowned.miner(), wc.round()).orElse(wc.modelHash());
      WinnerCertificate forged =
          WinnerCertificate.sign(
              domains(c),
              key(c, self),
              wc.round(),
              wc.problemId(),
              wc.attempt(),
              crowned.miner(),
              modelHash,
              crowned.score(),
              reordered);
      out.publish(kind, forged.encode());
    };
  }

  /** A submitter whose certificates leave out the best miner (the rest correctly ranked). */
  static GossipInterceptor omitsTheBest(AtomicReference<Cluster> c, int self) {
    return (kind, payload, out) -> {
      if (kind != MessageType.WINNER_CERTIFICATE) {
        out.publish(kind, payload);
        return;
      }
      WinnerCertificate wc = Codec.decode(kind, WinnerCertificate.class, payload).value();
      List<WinnerCertificate.RankEntry> rest = wc.ranking().subList(1, wc.ranking().size());
      if (wc.attempt() >= rest.size()) {
        return;
      }
      WinnerCertificate.RankEntry crowned = rest.get(wc.attempt());
      WinnerCertificate forged =
          WinnerCertificate.sign(
              domains(c),
              key(c, self),
              wc.round(),
              wc.problemId(),
              wc.attempt(),
              crowned.miner(),
              predictionOf(c, crowned.miner(), wc.round()).orElseThrow(),
              crowned.score(),
              rest);
      out.publish(kind, forged.encode());
    };
  }

  /** The model hash a miner named in its prediction commit of {@code round} (from its journal). */
  static Optional<Hash> predictionOf(
      AtomicReference<Cluster> c, org.learnchain.crypto.PublicKey miner, long round) {
    for (SimNode n : c.get().nodes()) {
      if (n.key().publicKey().equals(miner)) {
        return n.journal()
            .find(round, JournalSlot.of(JournalSlot.Kind.PREDICTION))
            .map(b -> Codec.decode(MessageType.PREDICTION_COMMIT, PredictionCommit.class, b))
            .filter(Result::isOk)
            .map(r -> r.value().modelHash());
      }
    }
    return Optional.empty();
  }

  /** A miner whose commits go out {@code delayMs} late (after the training deadline). */
  static GossipInterceptor lateCommits(long delayMs) {
    return (kind, payload, out) -> {
      if (kind == MessageType.MODEL_COMMIT) {
        out.publishAt(out.nowMs() + delayMs, kind, payload);
      } else {
        out.publish(kind, payload);
      }
    };
  }

  /**
   * A miner that withholds its own commit and predictions and instead re-signs, under its own key,
   * the commitment and then the predictions of {@code victim}.
   */
  static GossipInterceptor copiesCommitment(AtomicReference<Cluster> c, int self, int victim) {
    return (kind, payload, out) -> {
      if (kind == MessageType.MODEL_COMMIT) {
        ModelCommit mine = Codec.decode(kind, ModelCommit.class, payload).value();
        // The victim commits at the same instant; copy it a moment later.
        c.get()
            .clock()
            .schedule(
                out.nowMs() + 20,
                () ->
                    c.get()
                        .node(victim)
                        .journal()
                        .find(mine.round(), JournalSlot.of(JournalSlot.Kind.MODEL_COMMIT))
                        .map(b -> Codec.decode(kind, ModelCommit.class, b).value())
                        .ifPresent(
                            theirs ->
                                out.publish(
                                    kind,
                                    ModelCommit.sign(
                                            domains(c),
                                            key(c, self),
                                            theirs.round(),
                                            theirs.problemId(),
                                            theirs.commitment())
                                        .encode())));
        return;
      }
      if (kind == MessageType.PREDICTION_COMMIT) {
        PredictionCommit mine = Codec.decode(kind, PredictionCommit.class, payload).value();
        c.get()
            .clock()
            .schedule(
                out.nowMs() + 20,
                () ->
                    c.get()
                        .node(victim)
                        .journal()
                        .find(mine.round(), JournalSlot.of(JournalSlot.Kind.PREDICTION))
                        .map(b -> Codec.decode(kind, PredictionCommit.class, b).value())
                        .ifPresent(
                            theirs ->
                                out.publish(
                                    kind,
                                    PredictionCommit.sign(
                                            domains(c),
                                            key(c, self),
                                            theirs.round(),
                                            theirs.problemId(),
                                            theirs.modelHash(),
                                            theirs.predictions())
                                        .encode())));
        return;
      }
      out.publish(kind, payload);
    };
  }

  /** A node that re-sends every consensus message it sent in earlier rounds, each time it sends. */
  static GossipInterceptor replaysOldRounds() {
    List<ConsensusMessage> sent = new ArrayList<>();
    return (kind, payload, out) -> {
      out.publish(kind, payload);
      if (kind == MessageType.BLOCK || kind == MessageType.COMMIT_CERTIFICATE) {
        return;
      }
      ConsensusMessage m = Codec.decode(kind, payload).value();
      for (ConsensusMessage old : List.copyOf(sent)) {
        if (old.round() < m.round()) {
          out.publish(old.type(), old.encode());
        }
      }
      sent.add(m);
      if (sent.size() > 40) {
        sent.remove(0);
      }
    };
  }

  /**
   * A node that dies the moment it would publish its first useful-work block, as seen by the
   * network: from then on nothing it sends leaves. Shared by several nodes, only the first to win
   * dies ({@code died} records which one); the others stay honest.
   */
  static GossipInterceptor diesBeforePublishingItsWin(int self, AtomicInteger died) {
    return (kind, payload, out) -> {
      if (died.get() == self) {
        return;
      }
      if (kind == MessageType.PROPOSAL
          && died.get() < 0
          && Wire.block(kind, payload)
              .map(b -> WorkSection.decode(b.work()).value() instanceof WorkSection.Useful)
              .orElse(false)) {
        died.compareAndSet(-1, self);
        if (died.get() == self) {
          return;
        }
      }
      out.publish(kind, payload);
    };
  }

  /**
   * A submitter that dies right after its test reveal: the reveal leaves, nothing after it does (no
   * labels, no certificate, no votes, no blocks).
   */
  static GossipInterceptor diesAfterTestReveal() {
    AtomicBoolean dead = new AtomicBoolean();
    return (kind, payload, out) -> {
      if (dead.get()) {
        return;
      }
      out.publish(kind, payload);
      if (kind == MessageType.TEST_REVEAL) {
        dead.set(true);
      }
    };
  }

  /** A submitter that never reveals anything (nor certifies). */
  static GossipInterceptor neverReveals() {
    return (kind, payload, out) -> {
      if (kind != MessageType.TEST_REVEAL
          && kind != MessageType.LABEL_REVEAL
          && kind != MessageType.WINNER_CERTIFICATE) {
        out.publish(kind, payload);
      }
    };
  }

  /**
   * A submitter that also mines its own problems: when it commits the parent of a round whose
   * problem it submitted (its commit announcement), it commits the least-squares fit of its own
   * test set, and when it reveals the test inputs it sends that model's predictions.
   */
  static GossipInterceptor minesOwnProblem(AtomicReference<Cluster> c, int self) {
    return (kind, payload, out) -> {
      out.publish(kind, payload);
      SimNode me = c.get().node(self);
      if (kind == MessageType.COMMIT_CERTIFICATE) {
        var att = org.learnchain.consensus.message.CommitCertificate.decode(payload).value();
        Optional<WorldState> state = me.chain().stateAfter(att.blockHash());
        Optional<PendingProblem> p = state.flatMap(WorldState::selectProblem);
        if (p.isEmpty() || !p.get().submitter().equals(me.key().publicKey().address())) {
          return;
        }
        Bytes model = ownFit(me, p.get().id());
        long round = att.height() + 1;
        if (me.chain().head().height() != att.height()) {
          return;
        }
        Hash commitment = ModelCommit.commitment(model.sha256(), me.key().publicKey(), round);
        out.publish(
            MessageType.MODEL_COMMIT,
            ModelCommit.sign(domains(c), me.key(), round, p.get().id(), commitment).encode());
      } else if (kind == MessageType.TEST_REVEAL) {
        TestReveal t = Codec.decode(kind, TestReveal.class, payload).value();
        Bytes model = ownFit(me, t.problemId());
        Bytes predictions =
            LinearRegressionMl.honest(0).predict(PaperTask.spec(), model, t.testInputs()).value();
        out.publish(
            MessageType.PREDICTION_COMMIT,
            PredictionCommit.sign(
                    domains(c), me.key(), t.round(), t.problemId(), model.sha256(), predictions)
                .encode());
      }
    };
  }

  private static Bytes ownFit(SimNode me, Hash problemId) {
    ProblemSecrets.Secret s = me.secretOf(problemId).orElseThrow();
    double[] w =
        PaperTask.leastSquares(
            PaperTask.decode(s.testInputs()).value(), PaperTask.decode(s.testLabels()).value());
    return LinearRegressionMl.encodeModel(w[0], w[1]);
  }
}
