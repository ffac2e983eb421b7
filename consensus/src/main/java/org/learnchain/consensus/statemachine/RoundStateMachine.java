package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.Genesis;
import org.learnchain.config.Role;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.ConsensusListener;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.evidence.EvidenceProof;
import org.learnchain.consensus.message.Attestation;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.MisconductReport;
import org.learnchain.consensus.message.MisconductReport.Reason;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.ChainPort;
import org.learnchain.consensus.port.Clock;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.port.MlPort.TrainedModel;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.Decoded;
import org.learnchain.ledger.Evidence;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proof-of-useful-work round (DESIGN.md section 3) as a deterministic state machine. It handles
 * one {@link Event} at a time on one thread, keeps no locks, never sleeps and never reads the
 * system clock: time, network, chain and ML are reached only through {@link ConsensusPorts}. Given
 * the same events at the same (simulated) times it does the same thing, which is what lets many
 * nodes run in one JVM on a simulated clock.
 *
 * <p>Per round, on top of the current head: select the problem from the head's state; as a miner,
 * fetch the training set, train, and commit {@code H(modelHash || key || round)} before the
 * training deadline; as the submitter, reveal the test inputs at the training deadline, the labels
 * at the evaluation deadline, rank the prediction commits and certify the winner, falling back to
 * the next ranked miner with {@code attempt+1} whenever an award deadline passes without a valid
 * block; as the winner, build the block; as a validator, build idle or closing blocks in its
 * round-robin turn and attest the blocks it adopts. Every node verifies every block in full,
 * reports misconduct, files provable misconduct as evidence, and follows the fork choice from the
 * latest final block.
 *
 * <p>Invariants: everything this node signs is journaled before it is sent ({@link SignOnce}); a
 * block is stored only after full verification; the head always descends from the final block.
 */
public final class RoundStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);
  private static final int MAX_ORPHANS = 256;
  private static final int MAX_HELD = 64;
  private static final int MEMORY = 4096;
  private static final int SIGNATURE_CACHE = 16_384;

  private final ConsensusConfig config;
  private final Genesis genesis;
  private final ChainDomains domains;
  private final PrivateKey key;
  private final PublicKey me;
  private final Committee committee;
  private final Clock clock;
  private final org.learnchain.consensus.port.Gossip gossip;
  private final ChainPort chain;
  private final MlPort ml;
  private final org.learnchain.consensus.port.BlobPort blobs;
  private final ProblemSecrets secrets;
  private final SignOnce once;
  private final EventQueue queue;
  private final ConsensusListener listener;
  private final SignatureCache signatures = new SignatureCache(SIGNATURE_CACHE);
  private final BlockVerifier verifier;
  private final MessagePool pool = new MessagePool();
  private final Finality finality;

  /**
   * How far below the final height a proposer's signed header is still remembered for double-block
   * evidence: the evidence verifier's own age window (at least 64 rounds).
   */
  private static final long SLOT_MEMORY_ROUNDS = 64;

  private final Map<Hash, List<Block>> orphans = new LinkedHashMap<>();
  private final Set<Hash> requestedParents = boundedSet();
  private final List<Block> held = new ArrayList<>();
  private final Set<Hash> invalid = boundedSet();
  private final Set<Hash> evidenceFiled = boundedSet();
  private final Set<String> reported = boundedSet();
  // The first signed header seen for each proposer slot (proposer/height/attempt/kind), to catch a
  // proposer signing two blocks for one slot. Headers only: holding whole blocks here kept every
  // block's transactions and model alive for the node's lifetime (heap grew with the chain).
  // Pruned below the evidence age window once a height is final.
  private final Map<String, SignedHeader> firstHeaderOfSlot = new HashMap<>();
  private final List<Clock.Timer> timers = new ArrayList<>();

  private boolean started;
  private ForkChoice forkChoice;
  private Block head;
  private RoundState round;

  public RoundStateMachine(
      ConsensusConfig config,
      PrivateKey key,
      ConsensusPorts ports,
      EventQueue queue,
      ConsensusListener listener) {
    this.config = config;
    this.genesis = config.genesis();
    this.domains = new ChainDomains(genesis.chainId());
    this.key = key;
    this.me = key.publicKey();
    this.committee = new Committee(genesis);
    this.clock = ports.clock();
    this.gossip = ports.gossip();
    this.chain = ports.chain();
    this.ml = ports.ml();
    this.blobs = ports.blobs();
    this.secrets = ports.secrets();
    this.once = new SignOnce(ports.journal());
    this.queue = queue;
    this.listener = listener;
    this.verifier = new BlockVerifier(config, domains, committee, chain, ml, signatures);
    this.finality = new Finality(committee.finalityThreshold());
  }

  private static <T> Set<T> boundedSet() {
    return java.util.Collections.newSetFromMap(
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<T, Boolean> eldest) {
            return size() > MEMORY;
          }
        });
  }

  /** Handles one event. Called only from the node's single consensus thread. */
  public void handle(Event event) {
    if (event instanceof Event.Start) {
      start();
      return;
    }
    if (!started) {
      return;
    }
    if (event instanceof Event.MessageReceived m) {
      onMessage(m.kind(), m.payload());
    } else if (event instanceof Event.BlockReceived b) {
      onBlockBytes(b.encoded());
    } else if (event instanceof Event.Timeout t) {
      onTimeout(t);
    } else if (event instanceof Event.TrainingSetFetched f) {
      onTrainingSet(f);
    } else if (event instanceof Event.TrainingFinished f) {
      onTrainingFinished(f);
    } else if (event instanceof Event.HeldBlocksDue) {
      releaseHeld();
    }
  }

  // ---------------------------------------------------------------- start and rounds

  private void start() {
    if (started) {
      return;
    }
    Block finalized =
        chain
            .block(chain.finalizedHash())
            .orElseThrow(() -> new IllegalStateException("final block missing from the store"));
    forkChoice = new ForkChoice(finalized);
    Block stored = chain.head();
    for (long h = finalized.height() + 1; h <= stored.height(); h++) {
      Optional<Block> b = chain.canonicalHash(h).flatMap(chain::block);
      if (b.isEmpty() || !forkChoice.add(b.get())) {
        break;
      }
    }
    head = chain.block(forkChoice.head()).orElseThrow();
    started = true;
    LOG.info(
        "Consensus started node={} head={} height={} finalized={}",
        me.address(),
        head.hash().toShortHex(),
        head.height(),
        finalized.height());
    startRound();
    resendJournal();
  }

  /** After a restart: re-send what was signed for the current round (it may never have left). */
  private void resendJournal() {
    long h = round.height;
    Map<String, MessageType> slots = new LinkedHashMap<>();
    slots.put("commit", MessageType.MODEL_COMMIT);
    slots.put("test-reveal", MessageType.TEST_REVEAL);
    slots.put("prediction", MessageType.PREDICTION_COMMIT);
    slots.put("label-reveal", MessageType.LABEL_REVEAL);
    for (int a = 0; a < Codec.MAX_RANKING && once.taken(h, "certificate/" + a); a++) {
      slots.put("certificate/" + a, MessageType.WINNER_CERTIFICATE);
    }
    for (Map.Entry<String, MessageType> e : slots.entrySet()) {
      Optional<ConsensusMessage> m = once.recorded(h, e.getKey(), e.getValue());
      if (m.isPresent()) {
        LOG.info(
            "Re-sending message signed before restart round={} kind={}", h, e.getValue().tag());
        publishOwn(m.get());
      }
    }
  }

  private void startRound() {
    for (Clock.Timer t : timers) {
      t.cancel();
    }
    timers.clear();
    long h = head.height() + 1;
    WorldState state =
        chain
            .stateAfter(head.hash())
            .orElseThrow(() -> new IllegalStateException("no state for head " + head.hash()));
    RoundSchedule schedule = new RoundSchedule(head.header().timestampMs(), genesis.rounds());
    Optional<RoundProblem> problem = verifier.problemFor(state);
    round = new RoundState(h, head, state, schedule, problem);
    // Keep two rounds below: a fork switch can move the head one block down.
    pool.pruneBelow(h - 2);
    listener.roundStarted(h, problem.isPresent());
    LOG.debug(
        "Round started round={} parent={} problem={}",
        h,
        head.hash().toShortHex(),
        problem.map(p -> p.id().toShortHex()).orElse("none"));
    int turn = committee.firstTurnOf(me, h);
    if (problem.isPresent()) {
      schedule(Event.Phase.TRAINING_DEADLINE, 0, schedule.trainingDeadline());
      schedule(Event.Phase.EVALUATION_DEADLINE, 0, schedule.evaluationDeadline());
      schedule(Event.Phase.AWARD_DEADLINE, 0, schedule.awardDeadline(0));
      if (turn >= 0) {
        schedule(Event.Phase.PROPOSER_SLOT, turn, schedule.closingSlot(turn));
      }
      if (eligibleMiner(problem.get())) {
        startTraining();
      }
    } else if (turn >= 0) {
      schedule(Event.Phase.PROPOSER_SLOT, turn, schedule.idleSlot(turn));
    }
    for (MessagePool.Received r : List.copyOf(pool.round(h))) {
      applyToRound(r.message(), r.receivedAtMs());
    }
  }

  private boolean eligibleMiner(RoundProblem p) {
    return committee.has(me, Role.MINER) && !p.submittedBy(me);
  }

  private void schedule(Event.Phase phase, int attempt, long atMs) {
    long h = round.height;
    Hash parent = round.parent.hash();
    timers.add(
        clock.schedule(atMs, () -> queue.addOwn(new Event.Timeout(h, parent, phase, attempt))));
  }

  private boolean current(long height, Hash problemId) {
    return round != null
        && round.height == height
        && round.problem.isPresent()
        && round.problem.get().id().equals(problemId);
  }

  // ---------------------------------------------------------------- mining

  private void startTraining() {
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

  private void onTrainingSet(Event.TrainingSetFetched f) {
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

  private void onTrainingFinished(Event.TrainingFinished f) {
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
            "commit",
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
    publishOwn(commit);
  }

  private void maybePredict() {
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
            "prediction",
            MessageType.PREDICTION_COMMIT,
            PredictionCommit.class,
            () ->
                PredictionCommit.sign(
                    domains, key, rs.height, p.id(), modelHash, predictions.value()));
    publishOwn(pc);
  }

  // ---------------------------------------------------------------- submitter

  private Optional<ProblemSecrets.Secret> mySecret() {
    if (round.problem.isEmpty() || !round.problem.get().submittedBy(me)) {
      return Optional.empty();
    }
    Optional<ProblemSecrets.Secret> s = secrets.find(round.problem.get().id());
    if (s.isEmpty()) {
      LOG.warn("Own problem without its secret round={}", round.height);
    }
    return s;
  }

  private void revealTest() {
    Optional<ProblemSecrets.Secret> s = mySecret();
    if (s.isEmpty()) {
      return;
    }
    long h = round.height;
    Hash pid = round.problem.get().id();
    TestReveal t =
        once.message(
            h,
            "test-reveal",
            MessageType.TEST_REVEAL,
            TestReveal.class,
            () -> TestReveal.sign(domains, key, h, pid, s.get().salt(), s.get().testInputs()));
    publishOwn(t);
  }

  private void revealLabelsAndCertify() {
    Optional<ProblemSecrets.Secret> s = mySecret();
    if (s.isEmpty()) {
      return;
    }
    long h = round.height;
    RoundProblem p = round.problem.get();
    LabelReveal l =
        once.message(
            h,
            "label-reveal",
            MessageType.LABEL_REVEAL,
            LabelReveal.class,
            () -> LabelReveal.sign(domains, key, h, p.id(), s.get().salt(), s.get().testLabels()));
    publishOwn(l);
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

  private void certify(int attempt, List<WinnerCertificate.RankEntry> ranking) {
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
            "certificate/" + attempt,
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
    publishOwn(c);
  }

  /** The award deadline of {@code attempt} passed with no valid block: certify the next miner. */
  private void nextAttempt(int attempt) {
    if (mySecret().isEmpty()) {
      return;
    }
    WinnerCertificate first = round.certificates.get(0);
    if (first == null || !first.submitter().equals(me)) {
      return;
    }
    int next = attempt + 1;
    if (next >= first.ranking().size()) {
      LOG.info("Ranking exhausted without a valid block round={}", round.height);
      return;
    }
    LOG.info("Winner's block missing, falling back round={} attempt={}", round.height, next);
    certify(next, first.ranking());
    schedule(Event.Phase.AWARD_DEADLINE, next, round.schedule.awardDeadline(next));
  }

  // ---------------------------------------------------------------- messages

  private void onMessage(MessageType kind, Bytes payload) {
    Result<ConsensusMessage> decoded = Codec.decode(kind, payload.toArray());
    if (!decoded.isOk()) {
      LOG.debug("Message dropped reason={}", decoded.reason());
      return;
    }
    ConsensusMessage m = decoded.value();
    long low = m instanceof Attestation ? forkChoice.root().height() : round.height;
    if (m.round() < low || m.round() > head.height() + config.futureRounds()) {
      return;
    }
    if (!pool.firstSight(m)) {
      return;
    }
    if (!committee.isMember(m.signer()) || !signatures.verify(m, domains)) {
      LOG.debug("Message dropped kind={} reason=bad signer or signature", kind.tag());
      return;
    }
    if (m instanceof Attestation a) {
      onAttestation(a);
      return;
    }
    if (m instanceof MisconductReport report) {
      if (!pool.add(m, clock.nowMs())) {
        return;
      }
      LOG.info(
          "Misconduct reported reporter={} accused={} reason={} detail={}",
          report.reporter().address(),
          report.accused().address(),
          report.reason(),
          report.detail());
      listener.misconduct(report);
      return;
    }
    if (!pool.add(m, clock.nowMs())) {
      return;
    }
    if (m.round() == round.height) {
      applyToRound(m, clock.nowMs());
    }
  }

  private void publishOwn(ConsensusMessage m) {
    pool.firstSight(m);
    pool.add(m, clock.nowMs());
    gossip.publish(m.type(), m.encode());
    if (m.round() == round.height) {
      applyToRound(m, clock.nowMs());
    }
  }

  /** The round's checks for one message, judged by its arrival time. */
  private void applyToRound(ConsensusMessage m, long receivedAt) {
    RoundState rs = round;
    if (rs.problem.isEmpty() || m.round() != rs.height) {
      return;
    }
    RoundProblem p = rs.problem.get();
    if (m instanceof ModelCommit c) {
      acceptCommit(rs, p, c, receivedAt);
    } else if (m instanceof PredictionCommit pc) {
      acceptPrediction(rs, p, pc, receivedAt);
    } else if (m instanceof TestReveal t) {
      if (!p.submittedBy(t.submitter()) || !t.problemId().equals(p.id()) || rs.testReveal != null) {
        return;
      }
      if (receivedAt >= rs.schedule.evaluationDeadline()) {
        LOG.info("Late test reveal ignored round={}", rs.height);
        return;
      }
      if (t.salt().size() != BlockVerifier.SALT_BYTES || !t.matches(p.pending().testInputsHash())) {
        report(rs.height, 0, t.submitter(), t.id(), Reason.BAD_REVEAL, "test reveal mismatch");
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
        report(rs.height, 0, l.submitter(), l.id(), Reason.BAD_REVEAL, "label reveal mismatch");
        return;
      }
      rs.labelReveal = l;
      maybeBuildUseful();
    } else if (m instanceof WinnerCertificate wc) {
      acceptCertificate(rs, p, wc);
    }
  }

  private void acceptCommit(RoundState rs, RoundProblem p, ModelCommit c, long receivedAt) {
    if (!c.problemId().equals(p.id()) || !committee.has(c.miner(), Role.MINER)) {
      return;
    }
    if (p.submittedBy(c.miner())) {
      LOG.warn(
          "Submitter tried to mine its own problem round={} submitter={}",
          rs.height,
          c.miner().address());
      report(rs.height, 0, c.miner(), c.id(), Reason.SELF_MINING, "commit on own problem");
      return;
    }
    ModelCommit earlier = rs.commits.get(c.miner());
    if (earlier != null) {
      if (!earlier.equals(c)) {
        LOG.warn("Conflicting commits round={} miner={}", rs.height, c.miner().address());
        EvidenceProof.commits(earlier, c).ifPresent(this::fileEvidence);
      }
      return;
    }
    if (receivedAt >= rs.schedule.trainingDeadline()) {
      LOG.info("Late commit ignored round={} miner={}", rs.height, c.miner().address());
      return;
    }
    rs.commits.put(c.miner(), c);
  }

  private void acceptPrediction(
      RoundState rs, RoundProblem p, PredictionCommit pc, long receivedAt) {
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

  private void acceptCertificate(RoundState rs, RoundProblem p, WinnerCertificate wc) {
    if (!p.submittedBy(wc.submitter()) || !wc.problemId().equals(p.id()) || wc.attempt() < 0) {
      return;
    }
    WinnerCertificate earlier = rs.certificates.get(wc.attempt());
    if (earlier != null) {
      if (!earlier.equals(wc)) {
        LOG.warn(
            "Conflicting certificates round={} attempt={} submitter={}",
            rs.height,
            wc.attempt(),
            wc.submitter().address());
        EvidenceProof.certificates(earlier, wc).ifPresent(this::fileEvidence);
        report(
            rs.height,
            wc.attempt(),
            wc.submitter(),
            wc.id(),
            Reason.EQUIVOCATION,
            "two certificates for one attempt");
      }
      return;
    }
    if (wc.ranking().isEmpty() || wc.attempt() >= wc.ranking().size()) {
      return;
    }
    rs.certificates.put(wc.attempt(), wc);
    maybeBuildUseful();
  }

  /** The ranking this node computes for a certificate's miners, or why it cannot. */
  private Result<List<Ranking.Ranked>> recompute(RoundState rs, WinnerCertificate wc) {
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

  private void maybeBuildUseful() {
    RoundState rs = round;
    if (rs.labelReveal == null || rs.testReveal == null) {
      return;
    }
    for (Map.Entry<Integer, WinnerCertificate> e : List.copyOf(rs.certificates.entrySet())) {
      int attempt = e.getKey();
      WinnerCertificate wc = e.getValue();
      Result<List<Ranking.Ranked>> mine = recompute(rs, wc);
      if (mine.isOk() && !Ranking.entries(mine.value()).equals(wc.ranking())) {
        LOG.warn("Certificate ranking is wrong round={} attempt={}", rs.height, attempt);
        report(
            rs.height,
            attempt,
            wc.submitter(),
            wc.id(),
            Reason.WRONG_RANKING,
            "ranking differs from the recomputed one");
        continue;
      }
      reportOmissions(rs, wc);
      if (!wc.winner().equals(me) || rs.builtAttempts.contains(attempt)) {
        continue;
      }
      if (rs.myModel == null || !wc.modelHash().equals(rs.myModel.hash())) {
        LOG.warn("Certified for a model this node does not hold round={}", rs.height);
        continue;
      }
      if (!mine.isOk()) {
        LOG.warn("Cannot build the block round={} reason={}", rs.height, mine.reason());
        continue;
      }
      long now = clock.nowMs();
      if (now < rs.schedule.earliestUsefulBlock(attempt)
          || now > rs.schedule.awardDeadline(attempt)) {
        LOG.warn("Certificate outside its award window round={} attempt={}", rs.height, attempt);
        continue;
      }
      rs.builtAttempts.add(attempt);
      buildUseful(rs, attempt, wc, mine.value());
    }
  }

  /**
   * A certificate that leaves out a miner whose timely, opened prediction this node holds and can
   * score. Only reported: the block cannot prove when a message arrived, so another node may
   * honestly not have had it in time (a limit of the protocol, DESIGN.md section 3).
   */
  private void reportOmissions(RoundState rs, WinnerCertificate wc) {
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
      report(
          rs.height,
          wc.attempt(),
          wc.submitter(),
          wc.id(),
          Reason.WRONG_RANKING,
          "certificate omits " + scorable.size() + " valid prediction(s)");
    }
  }

  // ---------------------------------------------------------------- timers

  private void onTimeout(Event.Timeout t) {
    if (round == null || t.height() != round.height || !t.parent().equals(round.parent.hash())) {
      return;
    }
    switch (t.phase()) {
      case TRAINING_DEADLINE -> revealTest();
      case EVALUATION_DEADLINE -> revealLabelsAndCertify();
      case AWARD_DEADLINE -> nextAttempt(t.attempt());
      case PROPOSER_SLOT -> proposerTurn(t.attempt());
    }
  }

  /** When this node's view says closing blocks may begin for a round with a problem. */
  private long closingStart(RoundState rs) {
    if (rs.testReveal == null) {
      return rs.schedule.evaluationDeadline();
    }
    if (rs.certificates.isEmpty()) {
      return rs.schedule.awardDeadline(0);
    }
    int lastAttempt = rs.certificates.lastEntry().getValue().ranking().size() - 1;
    return rs.schedule.awardDeadline(lastAttempt);
  }

  private void proposerTurn(int turn) {
    RoundState rs = round;
    if (!committee.proposerTurn(rs.height, turn).equals(me)) {
      return;
    }
    int n = committee.validators().size();
    long idle = genesis.rounds().idleBlockMs();
    if (rs.problem.isEmpty()) {
      buildClosing(rs, turn, new BlockOutcome.Idle(), Optional.empty());
      schedule(Event.Phase.PROPOSER_SLOT, turn + n, rs.schedule.idleSlot(turn + n));
      return;
    }
    long at = closingStart(rs) + (turn + 1L) * idle;
    if (clock.nowMs() < at) {
      schedule(Event.Phase.PROPOSER_SLOT, turn, at);
      return;
    }
    RoundProblem p = rs.problem.get();
    boolean submitterFailed =
        rs.testReveal == null
            || rs.labelReveal == null
            || (rs.certificates.isEmpty()
                && !Ranking.rank(
                        rs.candidates(),
                        p.spec(),
                        rs.labelReveal.labels(),
                        p.pending().testSampleCount(),
                        ml)
                    .isEmpty());
    List<ModelCommit> commits = new ArrayList<>(rs.commits.values());
    commits.sort(Comparator.comparing(ModelCommit::miner));
    if (submitterFailed && !commits.isEmpty()) {
      LOG.info("Closing a wasted round round={} committers={}", rs.height, commits.size());
      List<Address> committers = commits.stream().map(c -> c.miner().address()).toList();
      buildClosing(rs, turn, new BlockOutcome.Wasted(p.id(), committers), Optional.of(commits));
    } else {
      LOG.info("Closing a round without a winner round={}", rs.height);
      buildClosing(rs, turn, new BlockOutcome.Idle(), Optional.empty());
    }
    schedule(Event.Phase.PROPOSER_SLOT, turn + n, closingStart(rs) + (turn + n + 1L) * idle);
  }

  // ---------------------------------------------------------------- building

  private void buildClosing(
      RoundState rs, int turn, BlockOutcome outcome, Optional<List<ModelCommit>> commits) {
    List<Attestation> atts = finality.attestationsOf(rs.parent.hash());
    WorkSection work =
        outcome instanceof BlockOutcome.Wasted w
            ? new WorkSection.Wasted(w.problemId(), commits.orElseThrow(), atts)
            : new WorkSection.Idle(atts);
    Hash problemId = outcome instanceof BlockOutcome.Wasted w ? w.problemId() : Hash.ZERO;
    buildBlock(rs, "closing-block/" + turn, turn, outcome, work, problemId, Hash.ZERO, Hash.ZERO);
  }

  private void buildUseful(
      RoundState rs, int attempt, WinnerCertificate wc, List<Ranking.Ranked> ranked) {
    List<Attestation> atts = finality.attestationsOf(rs.parent.hash());
    List<Address> attesters = atts.stream().map(a -> a.validator().address()).toList();
    RoundProblem p = rs.problem.orElseThrow();
    BlockOutcome outcome = new BlockOutcome.UsefulWork(p.id(), me.address(), attesters);
    WorkSection work =
        new WorkSection.Useful(
            wc,
            ranked.stream().map(Ranking.Ranked::commit).toList(),
            ranked.stream().map(Ranking.Ranked::prediction).toList(),
            rs.testReveal,
            rs.labelReveal,
            rs.myModel.bytes(),
            atts);
    LOG.info("Building useful-work block round={} attempt={}", rs.height, attempt);
    buildBlock(
        rs, "useful-block/" + attempt, attempt, outcome, work, p.id(), wc.modelHash(), wc.id());
  }

  private void buildBlock(
      RoundState rs,
      String slot,
      int attempt,
      BlockOutcome outcome,
      WorkSection work,
      Hash problemId,
      Hash modelHash,
      Hash certificateHash) {
    StateTransition.Assembly asm = chain.assemble(rs.parentState, rs.height, me, outcome);
    if (asm.result() instanceof TransitionResult.Rejected r) {
      LOG.error("Own block body rejected round={} reason={}", rs.height, r.rejection());
      return;
    }
    TransitionResult.Applied applied = (TransitionResult.Applied) asm.result();
    byte[] workBytes = work.encode();
    long ts = Math.max(clock.nowMs(), rs.parent.header().timestampMs() + 1);
    BlockHeader header =
        new BlockHeader(
            rs.height,
            rs.parent.hash(),
            ts,
            rs.height,
            attempt,
            problemId,
            Block.txRoot(asm.included()),
            Block.workHash(workBytes),
            applied.stateRoot(),
            modelHash,
            certificateHash,
            me);
    Block block =
        once.block(
            rs.height,
            slot,
            () ->
                new Block(
                    header,
                    header.sign(key, genesis.chainId()),
                    outcome,
                    asm.included(),
                    workBytes));
    importBlock(block, true);
  }

  // ---------------------------------------------------------------- blocks

  private void onBlockBytes(Bytes encoded) {
    Decoded<Block> d = Block.tryDecode(encoded.toArray());
    if (d instanceof Decoded.Ok<Block> ok) {
      importBlock(ok.value(), false);
    } else {
      LOG.debug("Block dropped reason={}", ((Decoded.Malformed<Block>) d).reason());
    }
  }

  private void importBlock(Block b, boolean own) {
    Hash hash = b.hash();
    if (forkChoice.contains(hash) || invalid.contains(hash)) {
      if (own) {
        gossip.publish(MessageType.BLOCK, b.encode());
      }
      return;
    }
    if (b.height() <= forkChoice.root().height()) {
      return;
    }
    if (b.header().timestampMs() > clock.nowMs() + config.maxClockDriftMs()) {
      hold(b);
      return;
    }
    Hash parentHash = b.header().prevHash();
    if (!forkChoice.contains(parentHash)) {
      addOrphan(b);
      return;
    }
    Block parent = chain.block(parentHash).orElseThrow();
    WorldState parentState =
        chain
            .stateAfter(parentHash)
            .orElseThrow(() -> new IllegalStateException("no state for " + parentHash));
    BlockVerifier.Outcome v = verifier.verify(b, parent, parentState);
    if (v instanceof BlockVerifier.Rejected r) {
      onInvalidBlock(b, r, own);
      return;
    }
    BlockVerifier.Accepted accepted = (BlockVerifier.Accepted) v;
    chain.store(b, accepted.applied());
    forkChoice.add(b);
    checkDoubleBlock(b);
    if (own) {
      gossip.publish(MessageType.BLOCK, b.encode());
    }
    for (Attestation a : accepted.attestations()) {
      if (pool.firstSight(a)) {
        onAttestation(a);
      }
    }
    boolean moved = updateHead();
    LOG.debug("Block imported height={} hash={} head={}", b.height(), hash.toShortHex(), moved);
    listener.blockImported(b, head.hash().equals(hash));
    checkFinality(hash);
    List<Block> children = orphans.remove(hash);
    if (children != null) {
      for (Block c : children) {
        importBlock(c, false);
      }
    }
  }

  private void checkDoubleBlock(Block b) {
    BlockHeader h = b.header();
    String slot =
        h.proposer().toHex()
            + "/"
            + h.height()
            + "/"
            + h.attempt()
            + "/"
            + (h.certificateHash().equals(Hash.ZERO) ? "closing" : "useful");
    SignedHeader first = firstHeaderOfSlot.putIfAbsent(slot, new SignedHeader(h, b.signature()));
    if (first != null && !first.header().hash().equals(b.hash())) {
      EvidenceProof.blocks(first.header(), first.signature(), h, b.signature())
          .ifPresent(this::fileEvidence);
    }
  }

  private record SignedHeader(BlockHeader header, Signature signature) {}

  private void onInvalidBlock(Block b, BlockVerifier.Rejected r, boolean own) {
    invalid.add(b.hash());
    if (own) {
      LOG.error("Own block failed verification height={} reason={}", b.height(), r.reason());
      return;
    }
    LOG.warn(
        "Block rejected height={} hash={} proposer={} reason={}",
        b.height(),
        b.hash().toShortHex(),
        b.header().proposer().address(),
        r.reason());
    listener.blockRejected(b, r.reason());
    report(b.height(), b.header().attempt(), r.accused(), b.hash(), r.code(), r.reason());
    r.evidence().ifPresent(this::fileEvidence);
  }

  private void hold(Block b) {
    if (held.size() >= MAX_HELD) {
      return;
    }
    held.add(b);
    long due = b.header().timestampMs() - config.maxClockDriftMs();
    clock.schedule(due, () -> queue.addOwn(new Event.HeldBlocksDue()));
  }

  private void releaseHeld() {
    long limit = clock.nowMs() + config.maxClockDriftMs();
    List<Block> due = new ArrayList<>();
    held.removeIf(
        b -> {
          if (b.header().timestampMs() <= limit) {
            due.add(b);
            return true;
          }
          return false;
        });
    for (Block b : due) {
      importBlock(b, false);
    }
  }

  private void addOrphan(Block b) {
    Hash parent = b.header().prevHash();
    if (orphans.size() >= MAX_ORPHANS && !orphans.containsKey(parent)) {
      Hash oldest = orphans.keySet().iterator().next();
      orphans.remove(oldest);
    }
    List<Block> list = orphans.computeIfAbsent(parent, k -> new ArrayList<>());
    if (list.stream().noneMatch(x -> x.hash().equals(b.hash()))) {
      list.add(b);
    }
    if (requestedParents.add(parent)) {
      LOG.debug(
          "Requesting missing parent height={} parent={}", b.height() - 1, parent.toShortHex());
      gossip.requestBlock(parent);
    }
  }

  /** Moves the head to the fork choice's; returns whether it moved. */
  private boolean updateHead() {
    Hash best = forkChoice.head();
    if (best.equals(head.hash())) {
      return false;
    }
    Block previous = head;
    head = chain.block(best).orElseThrow();
    chain.setHead(best);
    if (!head.header().prevHash().equals(previous.hash())) {
      LOG.info(
          "Fork switch height={} from={} to={}",
          head.height(),
          previous.hash().toShortHex(),
          best.toShortHex());
    }
    LOG.debug("Head changed height={} hash={}", head.height(), best.toShortHex());
    listener.headChanged(head);
    maybeAttest(head);
    startRound();
    return true;
  }

  // ---------------------------------------------------------------- attestations and finality

  private void maybeAttest(Block b) {
    if (!committee.has(me, Role.VALIDATOR) || b.height() == 0) {
      return;
    }
    Attestation a =
        once.message(
            b.height(),
            "attestation",
            MessageType.ATTESTATION,
            Attestation.class,
            () -> Attestation.sign(domains, key, b.height(), b.hash()));
    if (!a.blockHash().equals(b.hash())) {
      return;
    }
    if (pool.firstSight(a)) {
      gossip.publish(MessageType.ATTESTATION, a.encode());
      onAttestation(a);
    }
  }

  private void onAttestation(Attestation a) {
    if (!committee.has(a.validator(), Role.VALIDATOR) || a.height() <= forkChoice.root().height()) {
      return;
    }
    Optional<Attestation> conflict = finality.add(a);
    if (conflict.isPresent() && reported.add(a.validator().toHex() + "/attested/" + a.height())) {
      LOG.warn(
          "Validator attested two blocks height={} validator={}",
          a.height(),
          a.validator().address());
      EvidenceProof.attestations(conflict.get(), a).ifPresent(this::fileEvidence);
    }
    checkFinality(a.blockHash());
  }

  private void checkFinality(Hash hash) {
    if (!finality.isFinal(hash)) {
      return;
    }
    ForkChoice.Node n = forkChoice.node(hash);
    if (n == null || n.height() <= forkChoice.root().height()) {
      return;
    }
    forkChoice.prune(hash);
    // The head must descend from the final block before the store fixes the canonical chain.
    updateHead();
    chain.setFinalized(hash, n.height());
    finality.pruneBelow(n.height());
    once.pruneBelow(n.height());
    long keepFrom = n.height() - SLOT_MEMORY_ROUNDS;
    firstHeaderOfSlot.values().removeIf(sh -> sh.header().height() < keepFrom);
    LOG.debug("Block finalized height={} hash={}", n.height(), hash.toShortHex());
    listener.finalized(hash, n.height());
  }

  // ---------------------------------------------------------------- misconduct

  private void report(
      long roundNo, int attempt, PublicKey accused, Hash subject, Reason reason, String detail) {
    if (!committee.has(me, Role.VALIDATOR) || accused.equals(me)) {
      return;
    }
    if (!reported.add(subject.toHex() + "/" + reason)) {
      return;
    }
    MisconductReport r =
        MisconductReport.sign(domains, key, roundNo, attempt, accused, subject, reason, detail);
    listener.misconduct(r);
    gossip.publish(MessageType.MISCONDUCT_REPORT, r.encode());
  }

  /** Files an evidence transaction (validators only, once per proof). */
  private void fileEvidence(byte[] proof) {
    if (!committee.has(me, Role.VALIDATOR)) {
      return;
    }
    if (!evidenceFiled.add(Hashing.sha256(proof))) {
      return;
    }
    SignedTransaction tx =
        SignedTransaction.sign(
            key,
            genesis.chainId(),
            chain.nextNonce(me.address()),
            genesis.rewards().minTxFee(),
            new Evidence(proof));
    LOG.warn("Evidence filed tx={} proofBytes={}", tx.hash().toShortHex(), proof.length);
    chain.submitTransaction(tx);
    listener.evidenceSubmitted(proof);
  }

  // ---------------------------------------------------------------- queries (same thread)

  /** The current head (for status output and tests; call on the consensus thread). */
  public Block head() {
    return head;
  }

  /** The round being worked on. */
  public long currentRound() {
    return round == null ? 0 : round.height;
  }

  /** The latest final block's height. */
  public long finalizedHeight() {
    return forkChoice == null ? 0 : forkChoice.root().height();
  }

  Set<Hash> invalidBlocks() {
    return new HashSet<>(invalid);
  }

  Set<String> reportedMisconduct() {
    return new LinkedHashSet<>(reported);
  }
}
