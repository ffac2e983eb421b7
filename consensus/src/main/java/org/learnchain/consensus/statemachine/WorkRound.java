package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.Genesis;
import org.learnchain.config.Role;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.evidence.EvidenceProof;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.MisconductReport.Reason;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.port.Clock;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.port.MlPort.TrainedModel;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.PendingProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The useful-work round of one height, as this node takes part in it (docs/protocol.md section 3):
 * as a miner it fetches the training set, trains, commits to its model and then to its predictions;
 * as the submitter it reveals the test inputs, then the labels, and certifies the ranking; as every
 * node it checks each gossiped commit, prediction, reveal and certificate against the round's
 * deadlines and adopts a certificate only once its ranking is the one this node recomputes. The
 * adopted certificate orders the proposers of the agreement ({@link RoundStateMachine}).
 */
final class WorkRound {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);

  private final Genesis genesis;
  private final ChainDomains domains;
  private final PrivateKey key;
  private final PublicKey me;
  private final Committee committee;
  private final Clock clock;
  private final MlPort ml;
  private final org.learnchain.consensus.port.BlobPort blobs;
  private final ProblemSecrets secrets;
  private final SignOnce once;
  private final EventQueue queue;
  private final Misconduct misconduct;
  private final java.util.function.Consumer<ConsensusMessage> publish;

  private RoundState round;

  WorkRound(
      Genesis genesis,
      ChainDomains domains,
      PrivateKey key,
      Committee committee,
      ConsensusPorts ports,
      SignOnce once,
      EventQueue queue,
      Misconduct misconduct,
      java.util.function.Consumer<ConsensusMessage> publish) {
    this.genesis = genesis;
    this.domains = domains;
    this.key = key;
    this.me = key.publicKey();
    this.committee = committee;
    this.clock = ports.clock();
    this.ml = ports.ml();
    this.blobs = ports.blobs();
    this.secrets = ports.secrets();
    this.once = once;
    this.queue = queue;
    this.misconduct = misconduct;
    this.publish = publish;
  }

  /** Starts following the round of a new height. */
  void begin(RoundState r) {
    this.round = r;
  }

  void startTraining() {
    round.trainingStarted = true;
    PendingProblem p = round.problem.orElseThrow().pending();
    if (p.trainSetSize() > genesis.limits().maxTrainSetBytes()) {
      LOG.warn(
          "Training set over the chain limit round={} size={}", round.height, p.trainSetSize());
      return;
    }
    long h = round.height;
    Hash pid = p.id();
    blobs
        .fetch(p.trainSetHash(), p.trainSetSize())
        .whenComplete(
            (r, ex) ->
                queue.addOwn(
                    new Event.TrainingSetFetched(
                        h, pid, ex != null ? Result.err("fetch failed: " + ex) : r)));
  }

  void onTrainingSet(Event.TrainingSetFetched f) {
    if (!current(f.height(), f.problemId())) {
      return;
    }
    if (!f.trainingSet().isOk()) {
      LOG.warn("Training set unavailable round={} reason={}", f.height(), f.trainingSet().reason());
      return;
    }
    RoundProblem p = round.problem.orElseThrow();
    long h = round.height;
    MlPort.TrainingTask task =
        new MlPort.TrainingTask(
            h, p.id(), p.spec(), f.trainingSet().value(), round.schedule.trainingDeadline(), me);
    ml.train(task)
        .whenComplete(
            (r, ex) ->
                queue.addOwn(
                    new Event.TrainingFinished(
                        h, p.id(), ex != null ? Result.err("training failed: " + ex) : r)));
  }

  void onTrainingFinished(Event.TrainingFinished f) {
    if (!current(f.height(), f.problemId())) {
      return;
    }
    if (!f.model().isOk()) {
      LOG.warn("Training failed round={} reason={}", f.height(), f.model().reason());
      return;
    }
    if (clock.nowMs() >= round.schedule.trainingDeadline()) {
      LOG.info("Training finished after the commit deadline round={}", f.height());
      return;
    }
    TrainedModel model = f.model().value();
    long h = round.height;
    Hash pid = f.problemId();
    Hash commitment = ModelCommit.commitment(model.hash(), me, h);
    ModelCommit commit =
        once.message(
            h,
            JournalSlot.of(JournalSlot.Kind.MODEL_COMMIT),
            MessageType.MODEL_COMMIT,
            ModelCommit.class,
            () -> ModelCommit.sign(domains, key, h, pid, commitment));
    if (commit.commitment().equals(commitment) && commit.problemId().equals(pid)) {
      round.myModel = model;
    } else {
      // Signed another commit for this round before (a restart, or a fork that changed the
      // problem): a second commit would be equivocation, so this model is not used.
      LOG.warn("Already committed another model this round round={}", h);
    }
    publish.accept(commit);
  }

  void maybePredict() {
    RoundState rs = round;
    if (rs.myModel == null || rs.testReveal == null || rs.predictionSent) {
      return;
    }
    if (clock.nowMs() >= rs.schedule.evaluationDeadline()) {
      return;
    }
    RoundProblem p = rs.problem.orElseThrow();
    Result<Bytes> predictions =
        ml.predict(p.spec(), rs.myModel.bytes(), rs.testReveal.testInputs());
    if (!predictions.isOk()) {
      LOG.warn("Prediction failed round={} reason={}", rs.height, predictions.reason());
      return;
    }
    rs.predictionSent = true;
    Hash modelHash = rs.myModel.hash();
    PredictionCommit pc =
        once.message(
            rs.height,
            JournalSlot.of(JournalSlot.Kind.PREDICTION),
            MessageType.PREDICTION_COMMIT,
            PredictionCommit.class,
            () ->
                PredictionCommit.sign(
                    domains, key, rs.height, p.id(), modelHash, predictions.value()));
    publish.accept(pc);
  }

  Optional<ProblemSecrets.Secret> mySecret() {
    if (round.problem.isEmpty() || !round.problem.get().submittedBy(me)) {
      return Optional.empty();
    }
    Optional<ProblemSecrets.Secret> s = secrets.find(round.problem.get().id());
    if (s.isEmpty()) {
      LOG.warn("Own problem without its secret round={}", round.height);
    }
    return s;
  }

  void revealTest() {
    Optional<ProblemSecrets.Secret> s = mySecret();
    if (s.isEmpty()) {
      return;
    }
    long h = round.height;
    Hash pid = round.problem.get().id();
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
    long h = round.height;
    RoundProblem p = round.problem.get();
    LabelReveal l =
        once.message(
            h,
            JournalSlot.of(JournalSlot.Kind.LABEL_REVEAL),
            MessageType.LABEL_REVEAL,
            LabelReveal.class,
            () -> LabelReveal.sign(domains, key, h, p.id(), s.get().salt(), s.get().testLabels()));
    publish.accept(l);
    if (round.labelReveal == null) {
      return;
    }
    List<Ranking.Ranked> ranked =
        Ranking.rank(
            round.candidates(),
            p.spec(),
            round.labelReveal.labels(),
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
    long h = round.height;
    RoundProblem p = round.problem.orElseThrow();
    WinnerCertificate.RankEntry w = ranking.get(attempt);
    PredictionCommit winnerPrediction = round.predictions.get(w.miner());
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

  /** The usable certificate of the current height: checked, and not contradicted by another. */
  Optional<WinnerCertificate> usableCertificate() {
    if (round.certificateConflict || round.certificate == null) {
      return Optional.empty();
    }
    return Optional.of(round.certificate);
  }

  /** The round's checks for one message, judged by its arrival time. */
  void applyToRound(ConsensusMessage m, long receivedAt) {
    RoundState rs = round;
    if (rs.problem.isEmpty() || m.round() != rs.height) {
      return;
    }
    RoundProblem p = rs.problem.get();
    if (m instanceof ModelCommit c) {
      acceptCommit(rs, p, c, receivedAt);
    } else if (m instanceof PredictionCommit pc) {
      acceptPrediction(rs, p, pc, receivedAt);
      maybeAdoptGossipedCertificate();
    } else if (m instanceof TestReveal t) {
      if (!p.submittedBy(t.submitter()) || !t.problemId().equals(p.id()) || rs.testReveal != null) {
        return;
      }
      if (receivedAt >= rs.schedule.evaluationDeadline()) {
        LOG.info("Late test reveal ignored round={}", rs.height);
        return;
      }
      if (t.salt().size() != BlockVerifier.SALT_BYTES || !t.matches(p.pending().testInputsHash())) {
        misconduct.report(
            rs.height, 0, t.submitter(), t.id(), Reason.BAD_REVEAL, "test reveal mismatch");
        return;
      }
      rs.testReveal = t;
      maybePredict();
    } else if (m instanceof LabelReveal l) {
      if (!p.submittedBy(l.submitter())
          || !l.problemId().equals(p.id())
          || rs.labelReveal != null) {
        return;
      }
      if (l.salt().size() != BlockVerifier.SALT_BYTES || !l.matches(p.pending().testLabelsHash())) {
        misconduct.report(
            rs.height, 0, l.submitter(), l.id(), Reason.BAD_REVEAL, "label reveal mismatch");
        return;
      }
      rs.labelReveal = l;
      maybeAdoptGossipedCertificate();
    } else if (m instanceof WinnerCertificate wc) {
      acceptCertificate(rs, p, wc);
    }
  }

  void acceptCertificate(RoundState rs, RoundProblem p, WinnerCertificate wc) {
    if (!p.submittedBy(wc.submitter()) || !wc.problemId().equals(p.id()) || wc.attempt() != 0) {
      return;
    }
    if (!noteCertificate(wc)) {
      return;
    }
    maybeAdoptGossipedCertificate();
  }

  /**
   * Remembers a certificate of the round's submitter; a second, different one is equivocation
   * (evidence), whether or not either of them is valid. Returns whether it was new.
   */
  boolean noteCertificate(WinnerCertificate wc) {
    RoundState rs = round;
    if (rs.seenCertificates.contains(wc) || rs.seenCertificates.size() >= 4) {
      return false;
    }
    if (!rs.seenCertificates.isEmpty()) {
      WinnerCertificate first = rs.seenCertificates.get(0);
      LOG.warn(
          "Conflicting certificates round={} submitter={}", rs.height, wc.submitter().address());
      EvidenceProof.certificates(first, wc).ifPresent(misconduct::fileEvidence);
      misconduct.report(
          rs.height,
          wc.attempt(),
          wc.submitter(),
          wc.id(),
          Reason.EQUIVOCATION,
          "two certificates for one round");
    }
    rs.seenCertificates.add(wc);
    return true;
  }

  /**
   * A certificate whose ranking has been checked (against this node's predictions, or inside a
   * verified block). The first orders the proposers; a second, different one voids the ranking.
   */
  void adoptCertificate(WinnerCertificate wc, boolean verifiedInBlock) {
    RoundState rs = round;
    if (verifiedInBlock) {
      noteCertificate(wc);
    }
    if (rs.certificate == null) {
      rs.certificate = wc;
      LOG.debug("Certificate checked round={} ranked={}", rs.height, wc.ranking().size());
      // The proposer order just became known: act on it as the next event, not in the middle of
      // handling the message that taught it.
      queue.addOwn(new Event.Recheck());
    } else if (!rs.certificate.equals(wc) && !rs.certificateConflict) {
      rs.certificateConflict = true;
      LOG.warn("Two valid certificates, ranking void round={}", rs.height);
    }
  }

  /**
   * Checks the gossiped certificates' rankings against the predictions this node holds once it has
   * the labels: a ranking must list distinct miners, each with a timely commit and a prediction
   * that opens it, in exactly the order and with the scores this node computes.
   */
  void maybeAdoptGossipedCertificate() {
    RoundState rs = round;
    if (rs.labelReveal == null) {
      return;
    }
    for (WinnerCertificate wc : List.copyOf(rs.seenCertificates)) {
      if (wc.equals(rs.certificate)) {
        continue;
      }
      Set<PublicKey> distinct = new HashSet<>();
      boolean twice = false;
      for (WinnerCertificate.RankEntry e : wc.ranking()) {
        twice |= !distinct.add(e.miner());
      }
      if (twice) {
        misconduct.report(
            rs.height, 0, wc.submitter(), wc.id(), Reason.WRONG_RANKING, "miner ranked twice");
        continue;
      }
      Result<List<Ranking.Ranked>> mine = recompute(rs, wc);
      if (!mine.isOk()) {
        continue; // not every ranked miner's prediction is here (yet, or ever): wait for a block
      }
      List<Ranking.Ranked> ranked = mine.value();
      if (ranked.isEmpty()
          || !Ranking.entries(ranked).equals(wc.ranking())
          || !wc.winner().equals(ranked.get(0).commit().miner())
          || !wc.modelHash().equals(ranked.get(0).prediction().modelHash())
          || wc.score() != ranked.get(0).score()) {
        LOG.warn("Certificate ranking is wrong round={}", rs.height);
        misconduct.report(
            rs.height,
            0,
            wc.submitter(),
            wc.id(),
            Reason.WRONG_RANKING,
            "ranking differs from the recomputed one");
        continue;
      }
      reportOmissions(rs, wc);
      adoptCertificate(wc, false);
    }
  }

  void acceptCommit(RoundState rs, RoundProblem p, ModelCommit c, long receivedAt) {
    if (!c.problemId().equals(p.id()) || !committee.has(c.miner(), Role.MINER)) {
      return;
    }
    if (p.submittedBy(c.miner())) {
      LOG.warn(
          "Submitter tried to mine its own problem round={} submitter={}",
          rs.height,
          c.miner().address());
      misconduct.report(
          rs.height, 0, c.miner(), c.id(), Reason.SELF_MINING, "commit on own problem");
      return;
    }
    ModelCommit earlier = rs.commits.get(c.miner());
    if (earlier != null) {
      if (!earlier.equals(c)) {
        LOG.warn("Conflicting commits round={} miner={}", rs.height, c.miner().address());
        EvidenceProof.commits(earlier, c).ifPresent(misconduct::fileEvidence);
      }
      return;
    }
    if (receivedAt >= rs.schedule.trainingDeadline()) {
      LOG.info("Late commit ignored round={} miner={}", rs.height, c.miner().address());
      return;
    }
    rs.commits.put(c.miner(), c);
  }

  void acceptPrediction(RoundState rs, RoundProblem p, PredictionCommit pc, long receivedAt) {
    if (!pc.problemId().equals(p.id()) || rs.predictions.containsKey(pc.miner())) {
      return;
    }
    ModelCommit commit = rs.commits.get(pc.miner());
    if (commit == null) {
      return;
    }
    if (receivedAt >= rs.schedule.evaluationDeadline()) {
      LOG.info("Late prediction ignored round={} miner={}", rs.height, pc.miner().address());
      return;
    }
    if (!commit.opensWith(pc.modelHash())) {
      // A commitment copied from another miner (or a lie about the model) cannot be opened.
      LOG.warn(
          "Prediction does not open its commitment round={} miner={}",
          rs.height,
          pc.miner().address());
      return;
    }
    rs.predictions.put(pc.miner(), pc);
  }

  /** The ranking this node computes for a certificate's miners, or why it cannot. */
  Result<List<Ranking.Ranked>> recompute(RoundState rs, WinnerCertificate wc) {
    List<Ranking.Candidate> cands = new ArrayList<>();
    for (WinnerCertificate.RankEntry e : wc.ranking()) {
      ModelCommit c = rs.commits.get(e.miner());
      PredictionCommit pc = rs.predictions.get(e.miner());
      if (c == null || pc == null) {
        return Result.err("missing the commit or prediction of a ranked miner");
      }
      cands.add(new Ranking.Candidate(c, pc));
    }
    RoundProblem p = rs.problem.orElseThrow();
    return Result.ok(
        Ranking.rank(cands, p.spec(), rs.labelReveal.labels(), p.pending().testSampleCount(), ml));
  }

  /**
   * A certificate that leaves out a miner whose timely, opened prediction this node holds and can
   * score. Only reported: the block cannot prove when a message arrived, so another node may
   * honestly not have had it in time (a limit of the protocol, docs/protocol.md section 3).
   */
  void reportOmissions(RoundState rs, WinnerCertificate wc) {
    RoundProblem p = rs.problem.orElseThrow();
    java.util.Set<PublicKey> ranked = new HashSet<>();
    wc.ranking().forEach(e -> ranked.add(e.miner()));
    List<Ranking.Candidate> missing =
        rs.candidates().stream().filter(c -> !ranked.contains(c.commit().miner())).toList();
    if (missing.isEmpty()) {
      return;
    }
    List<Ranking.Ranked> scorable =
        Ranking.rank(missing, p.spec(), rs.labelReveal.labels(), p.pending().testSampleCount(), ml);
    if (!scorable.isEmpty()) {
      misconduct.report(
          rs.height,
          wc.attempt(),
          wc.submitter(),
          wc.id(),
          Reason.WRONG_RANKING,
          "certificate omits " + scorable.size() + " valid prediction(s)");
    }
  }

  boolean current(long height, Hash problemId) {
    return round != null
        && round.height == height
        && round.problem.isPresent()
        && round.problem.get().id().equals(problemId);
  }

  boolean eligibleMiner(RoundProblem p) {
    return committee.has(me, Role.MINER) && !p.submittedBy(me);
  }
}
