package org.learnchain.consensus.statemachine;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as the submitter of the current height's problem (docs/protocol.md, section 3): at the
 * training deadline it reveals the test inputs, at the evaluation deadline the labels, and it
 * certifies the ranking it computes from the predictions it holds. Without the problem's secret
 * (another node's problem, or a lost secrets file) it does nothing.
 */
final class SubmitterRole {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);

  private final ChainDomains domains;
  private final PrivateKey key;
  private final PublicKey me;
  private final MlPort ml;
  private final ProblemSecrets secrets;
  private final SignOnce once;
  private final Consumer<ConsensusMessage> publish;
  private final Position at;

  SubmitterRole(
      ChainDomains domains,
      PrivateKey key,
      ConsensusPorts ports,
      SignOnce once,
      Consumer<ConsensusMessage> publish,
      Position at) {
    this.domains = domains;
    this.key = key;
    this.me = key.publicKey();
    this.ml = ports.ml();
    this.secrets = ports.secrets();
    this.once = once;
    this.publish = publish;
    this.at = at;
  }

  Optional<ProblemSecrets.Secret> mySecret() {
    if (at.round.problem.isEmpty() || !at.round.problem.get().submittedBy(me)) {
      return Optional.empty();
    }
    Optional<ProblemSecrets.Secret> s = secrets.find(at.round.problem.get().id());
    if (s.isEmpty()) {
      LOG.warn("Own problem without its secret round={}", at.round.height);
    }
    return s;
  }

  void revealTest() {
    Optional<ProblemSecrets.Secret> s = mySecret();
    if (s.isEmpty()) {
      return;
    }
    long h = at.round.height;
    Hash pid = at.round.problem.get().id();
    TestReveal t =
        once.message(
            h,
            JournalSlot.of(JournalSlot.Kind.TEST_REVEAL),
            MessageType.TEST_REVEAL,
            TestReveal.class,
            () -> TestReveal.sign(domains, key, h, pid, s.get().salt(), s.get().testInputs()));
    publish.accept(t);
  }

  void revealLabelsAndCertify() {
    Optional<ProblemSecrets.Secret> s = mySecret();
    if (s.isEmpty()) {
      return;
    }
    long h = at.round.height;
    RoundProblem p = at.round.problem.get();
    LabelReveal l =
        once.message(
            h,
            JournalSlot.of(JournalSlot.Kind.LABEL_REVEAL),
            MessageType.LABEL_REVEAL,
            LabelReveal.class,
            () -> LabelReveal.sign(domains, key, h, p.id(), s.get().salt(), s.get().testLabels()));
    publish.accept(l);
    if (at.round.labelReveal == null) {
      return;
    }
    List<Ranking.Ranked> ranked =
        Ranking.rank(
            at.round.candidates(),
            p.spec(),
            at.round.labelReveal.labels(),
            p.pending().testSampleCount(),
            ml);
    if (ranked.isEmpty()) {
      LOG.info("No valid prediction to certify round={}", h);
      return;
    }
    List<WinnerCertificate.RankEntry> entries = Ranking.entries(ranked);
    certify(0, entries);
  }

  void certify(int attempt, List<WinnerCertificate.RankEntry> ranking) {
    long h = at.round.height;
    RoundProblem p = at.round.problem.orElseThrow();
    WinnerCertificate.RankEntry w = ranking.get(attempt);
    PredictionCommit winnerPrediction = at.round.predictions.get(w.miner());
    if (winnerPrediction == null) {
      LOG.warn("No prediction of the miner to certify round={} attempt={}", h, attempt);
      return;
    }
    WinnerCertificate c =
        once.message(
            h,
            JournalSlot.of(JournalSlot.Kind.CERTIFICATE, attempt),
            MessageType.WINNER_CERTIFICATE,
            WinnerCertificate.class,
            () ->
                WinnerCertificate.sign(
                    domains,
                    key,
                    h,
                    p.id(),
                    attempt,
                    w.miner(),
                    winnerPrediction.modelHash(),
                    w.score(),
                    ranking));
    LOG.info(
        "Winner certified round={} attempt={} winner={} score={}",
        h,
        attempt,
        c.winner().address(),
        c.score());
    publish.accept(c);
  }
}
