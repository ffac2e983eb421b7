package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.ConsensusListener;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.evidence.EvidenceProof;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.MisconductReport;
import org.learnchain.consensus.message.MisconductReport.Reason;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.ChainPort;
import org.learnchain.consensus.port.Clock;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.consensus.port.SigningJournal;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.state.WorldState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's consensus as a deterministic state machine (docs/consensus.md). Each height runs the
 * useful-work round (training, evaluation, awarding) and then decides its block by a BFT agreement
 * in the manner of Tendermint: consensus rounds 0, 1, 2 ... each with a proposal, prevotes and
 * precommits, locks and proofs of lock. For a height with a problem, the proposers of rounds 0, 1,
 * 2 ... are the miners of the certified ranking in order; past the ranking, or without a usable
 * certificate, validators propose in turn. A block is committed by precommits of more than two
 * thirds of the validators and is final at once; the next block carries that commit.
 *
 * <p>It handles one {@link Event} at a time on one thread, keeps no locks, never sleeps and never
 * reads the system clock: time, network, chain and ML are reached only through {@link
 * ConsensusPorts}, so many nodes run in one JVM on a simulated clock.
 *
 * <p>Invariants: every message and vote this node signs is journaled before it is sent, and a node
 * never signs two different votes for one (height, round, kind), even across a crash; a precommit
 * for a block is the lock on it; a block is applied only with a verified commit; the head is always
 * the latest committed block.
 */
public final class RoundStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);
  static final int MEMORY = 4096;
  private static final int SIGNATURE_CACHE = 16_384;

  /** Consensus rounds above the current one from which votes and proposals are kept. */
  static final int MAX_ROUNDS_AHEAD = 16;

  /** Blocks above the current height held while catching up, in all. */
  static final int MAX_FUTURE_BLOCKS = 128;

  /** Heights above the current one from which blocks and commits are held while catching up. */
  static final int SYNC_WINDOW = 256;

  /** Votes and proposals of the next height held until this node gets there. */
  static final int MAX_NEXT_HEIGHT_MESSAGES = 1024;

  /** Least time between two requests for the same missing block, and two catch-up answers. */
  static final long RETRY_MS = 1_000;

  /** Rounds whose own messages are sent again while a height is undecided. */
  static final int REBROADCAST_ROUNDS = 3;

  /** Committed blocks sent at once to a peer that is behind. */
  static final int HELP_BATCH = 16;

  private final ConsensusConfig config;
  private final Genesis genesis;
  private final ChainDomains domains;
  private final PrivateKey key;
  private final PublicKey me;
  private final Committee committee;
  private final Timeouts timeouts;
  private final Clock clock;
  private final org.learnchain.consensus.port.Gossip gossip;
  private final ChainPort chain;
  private final MlPort ml;
  private final org.learnchain.consensus.port.BlobPort blobs;
  private final ProblemSecrets secrets;
  private final SigningJournal journal;
  private final SignOnce once;
  private final EventQueue queue;
  private final ConsensusListener listener;
  private final SignatureCache signatures = new SignatureCache(SIGNATURE_CACHE);
  private final BlockVerifier verifier;
  private final MessagePool pool = new MessagePool();
  private final Misconduct misconduct;
  private final WorkRound work;
  private final CatchUp catchUp;
  private final Proposer proposer;
  private final RestartJournal restarts;

  private final List<Clock.Timer> timers = new ArrayList<>();

  /** Votes and proposals of the next height, replayed when this node gets there. */
  private final List<ConsensusMessage> nextHeight = new ArrayList<>();

  private boolean started;
  private Block head;
  private RoundState round;
  private HeightState cur;

  /** The commit of the current head (the parent commit the next block carries). */
  private CommitCertificate lastCommit;

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
    this.timeouts = new Timeouts(genesis.rounds());
    this.clock = ports.clock();
    this.gossip = ports.gossip();
    this.chain = ports.chain();
    this.ml = ports.ml();
    this.blobs = ports.blobs();
    this.secrets = ports.secrets();
    this.journal = ports.journal();
    this.once = new SignOnce(ports.journal());
    this.queue = queue;
    this.listener = listener;
    this.verifier = new BlockVerifier(config, domains, committee, chain, ml, signatures);
    this.misconduct = new Misconduct(genesis, domains, key, committee, chain, gossip, listener);
    this.work =
        new WorkRound(
            genesis, domains, key, committee, ports, once, queue, misconduct, this::publishOwn);
    this.restarts = new RestartJournal(committee, journal, once, gossip, this::publishOwn);
    this.proposer =
        new Proposer(
            genesis,
            domains,
            key,
            ports,
            once,
            work,
            new Proposer.Agreement() {
              @Override
              public HeightState cur() {
                return cur;
              }

              @Override
              public RoundState round() {
                return round;
              }

              @Override
              public CommitCertificate lastCommit() {
                return lastCommit;
              }

              @Override
              public void schedule(Event.Phase phase, int bftRound, long atMs) {
                RoundStateMachine.this.schedule(phase, bftRound, atMs);
              }

              @Override
              public void sendProposal(Proposal p) {
                RoundStateMachine.this.sendProposal(p);
              }
            });
    this.catchUp =
        new CatchUp(
            genesis,
            domains,
            committee,
            ports,
            signatures,
            new CatchUp.Agreement() {
              @Override
              public HeightState cur() {
                return cur;
              }

              @Override
              public Block head() {
                return head;
              }

              @Override
              public CommitCertificate lastCommit() {
                return lastCommit;
              }

              @Override
              public void announceCommit() {
                RoundStateMachine.this.announceCommit();
              }

              @Override
              public void progress() {
                RoundStateMachine.this.progress();
              }
            });
  }

  static <T> Set<T> boundedSet() {
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
      catchUp.onBlockBytes(b.encoded());
    } else if (event instanceof Event.Timeout t) {
      onTimeout(t);
    } else if (event instanceof Event.TrainingSetFetched f) {
      work.onTrainingSet(f);
    } else if (event instanceof Event.TrainingFinished f) {
      work.onTrainingFinished(f);
    } else if (event instanceof Event.Recheck) {
      tryPropose();
      progress();
    }
  }

  // ---------------------------------------------------------------- start and heights

  private void start() {
    if (started) {
      return;
    }
    Block stored = chain.head();
    if (stored.height() != chain.finalizedHeight()) {
      // Every stored head is committed under this protocol; a head above the committed height
      // can only be a database from the fork-choice protocol, which this node cannot resume.
      throw new IllegalStateException(
          "stored head "
              + stored.height()
              + " is above the committed height "
              + chain.finalizedHeight()
              + "; this database predates BFT agreement");
    }
    head = stored;
    if (head.height() > 0) {
      lastCommit = restarts.readDecision(head.height()).orElse(null);
    }
    started = true;
    LOG.info(
        "Consensus started node={} committed={} hash={}",
        me.address(),
        head.height(),
        head.hash().toShortHex());
    startHeight(true);
  }

  private void startHeight(boolean restart) {
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
    work.begin(round);
    cur = new HeightState(h, head, state, committee.quorum());
    pool.pruneBelow(h - 1);
    catchUp.forgetRequests();
    // The decision of the previous height stays journaled: the next block carries it.
    once.pruneBelow(h - 1);
    listener.roundStarted(h, problem.isPresent());
    LOG.debug(
        "Height started height={} parent={} problem={}",
        h,
        head.hash().toShortHex(),
        problem.map(p -> p.id().toShortHex()).orElse("none"));
    if (problem.isPresent()) {
      schedule(Event.Phase.TRAINING_DEADLINE, 0, schedule.trainingDeadline());
      schedule(Event.Phase.EVALUATION_DEADLINE, 0, schedule.evaluationDeadline());
      if (work.eligibleMiner(problem.get())) {
        work.startTraining();
      }
    }
    for (MessagePool.Received r : List.copyOf(pool.round(h))) {
      work.applyToRound(r.message(), r.receivedAtMs());
    }
    int firstRound = 0;
    if (restart) {
      firstRound = restarts.restore(cur, h);
    }
    catchUp.startHeight(h).values().forEach(cur::addBlock);
    catchUp.takeCommit(h).ifPresent(c -> cur.knownCommit = c);
    startRound(firstRound);
    List<ConsensusMessage> replay = new ArrayList<>(nextHeight);
    nextHeight.clear();
    for (ConsensusMessage m : replay) {
      if (m.round() == cur.height) {
        if (m instanceof Vote v) {
          onVote(v);
        } else if (m instanceof Proposal p) {
          onProposal(p);
        }
      }
    }
    progress();
  }

  private void schedule(Event.Phase phase, int bftRound, long atMs) {
    long h = cur == null ? head.height() + 1 : cur.height;
    Hash parent = head.hash();
    timers.add(
        clock.schedule(atMs, () -> queue.addOwn(new Event.Timeout(h, parent, phase, bftRound))));
  }

  // ---------------------------------------------------------------- mining

  // ---------------------------------------------------------------- submitter

  /** The award deadline of {@code attempt} passed with no valid block: certify the next miner. */
  // ---------------------------------------------------------------- proposers

  /**
   * The proposer of consensus round {@code r} at the current height as this node knows it: the
   * miner ranked r-th by the usable certificate, or else the validator whose turn it is. Nodes that
   * know different certificates disagree here only until the certificate reaches them (it is
   * gossiped and carried in every useful proposal), which costs rounds, never safety.
   */
  private PublicKey proposerOf(int r) {
    Optional<WinnerCertificate> c = work.usableCertificate();
    if (round.problem.isPresent() && c.isPresent() && r < c.get().ranking().size()) {
      return c.get().ranking().get(r).miner();
    }
    return committee.proposerTurn(cur.height, r);
  }

  private boolean rankedRound(int r) {
    Optional<WinnerCertificate> c = work.usableCertificate();
    return round.problem.isPresent() && c.isPresent() && r < c.get().ranking().size();
  }

  // ---------------------------------------------------------------- rounds

  private void startRound(int r) {
    cur.round = r;
    cur.step = HeightState.Step.PROPOSE;
    long deadline;
    if (r == 0) {
      long opens = round.schedule.earliestFallbackBlock(round.problem.isPresent());
      deadline = Math.max(opens + timeouts.propose(0) / 2, clock.nowMs());
    } else {
      deadline = clock.nowMs() + timeouts.propose(r);
    }
    schedule(Event.Phase.PROPOSE_TIMEOUT, r, deadline);
    schedule(Event.Phase.REBROADCAST, r, deadline + timeouts.propose(r));
    LOG.debug("Consensus round started node={} height={} round={}", me.address(), cur.height, r);
    tryPropose();
  }

  /** Proposes in the current round if it is this node's turn and it has what the block needs. */
  private void tryPropose() {
    int r = cur.round;
    if (cur.decided
        || cur.step != HeightState.Step.PROPOSE
        || cur.proposed.contains(r)
        || !proposerOf(r).equals(me)) {
      return;
    }
    if (once.taken(cur.height, JournalSlot.of(JournalSlot.Kind.PROPOSAL, r))) {
      cur.proposed.add(r);
      return;
    }
    if (cur.validBlock != null) {
      // A block that gathered a quorum of prevotes is proposed again, whoever built it: that is
      // what keeps a locked block (a useful one above all) from being replaced. Its proof of lock
      // must be from an earlier round; after a restart in the round it locked in, this node
      // leaves the round's proposal out rather than propose anything else.
      if (cur.validRound < r) {
        publishProposal(r, cur.validRound, cur.validBlock);
      }
      return;
    }
    if (cur.height > 1 && lastCommit == null) {
      LOG.warn("Cannot propose without the parent's commit height={} round={}", cur.height, r);
      return;
    }
    if (rankedRound(r)) {
      proposer.proposeUseful(r);
    } else {
      proposer.proposeFallback(r);
    }
  }

  private void publishProposal(int r, int validRound, Block block) {
    Proposal p =
        once.message(
            cur.height,
            JournalSlot.of(JournalSlot.Kind.PROPOSAL, r),
            MessageType.PROPOSAL,
            Proposal.class,
            () -> Proposal.sign(domains, key, r, validRound, block));
    sendProposal(p);
  }

  private void sendProposal(Proposal p) {
    cur.proposed.add(p.bftRound());
    pool.firstSight(p);
    gossip.publish(MessageType.PROPOSAL, p.encode());
    if (p.validRound() >= 0) {
      // The proof of lock travels with the proposal: a peer that missed some of those prevotes
      // (a Byzantine voter may have sent them to a few nodes only) can still accept it.
      for (Vote v : cur.votes.prevotesFor(p.validRound(), p.blockHash())) {
        gossip.publish(MessageType.PREVOTE, v.encode());
      }
    }
    onProposal(p);
  }

  // ---------------------------------------------------------------- proposals and votes

  private void onProposal(Proposal p) {
    // The height is checked here too: handling one message can decide the height, and a caller
    // replaying several must not hand the rest to the next height.
    if (p.height() != cur.height
        || p.block().isEmpty()
        || p.bftRound() > cur.round + MAX_ROUNDS_AHEAD) {
      return;
    }
    Block block = p.block().get();
    Proposal earlier = cur.proposals.get(p.bftRound());
    if (earlier != null) {
      if (earlier.proposer().equals(p.proposer()) && !earlier.id().equals(p.id())) {
        LOG.warn(
            "Proposer signed two proposals height={} round={} proposer={}",
            p.height(),
            p.bftRound(),
            p.proposer().address());
        EvidenceProof.proposals(earlier, p).ifPresent(misconduct::fileEvidence);
      }
      return;
    }
    if (!p.proposer().equals(proposerOf(p.bftRound()))) {
      // A useful block carries its certificate: a node that has not seen the certificate yet
      // learns the ranking, and so the proposer, from a block that verifies.
      if (block.outcome() instanceof BlockOutcome.UsefulWork && round.certificate == null) {
        cur.addBlock(block);
        verdict(block);
      }
      if (!p.proposer().equals(proposerOf(p.bftRound()))) {
        LOG.debug(
            "Proposal from a node that is not the round's proposer height={} round={} from={}",
            p.height(),
            p.bftRound(),
            p.proposer().address());
        return;
      }
    }
    cur.proposals.put(p.bftRound(), p);
    cur.addBlock(block);
    progress();
  }

  private void onVote(Vote v) {
    if (v.height() != cur.height || v.bftRound() > cur.round + MAX_ROUNDS_AHEAD) {
      return;
    }
    Optional<Vote> conflict = cur.votes.add(v);
    if (conflict.isPresent()) {
      LOG.warn(
          "Validator signed two votes height={} round={} kind={} validator={}",
          v.height(),
          v.bftRound(),
          v.kind().tag(),
          v.validator().address());
      EvidenceProof.votes(conflict.get(), v).ifPresent(misconduct::fileEvidence);
    }
    progress();
  }

  /** The full verdict on a candidate block of the current height, computed once. */
  private BlockVerifier.Outcome verdict(Block b) {
    BlockVerifier.Outcome v = cur.verdicts.get(b.hash());
    if (v != null) {
      return v;
    }
    if (misconduct.isInvalid(b.hash())) {
      v =
          new BlockVerifier.Rejected(
              BlockRule.KNOWN_INVALID,
              BlockRule.KNOWN_INVALID.description(),
              Reason.INVALID_BLOCK,
              b.header().proposer(),
              Optional.empty());
    } else {
      v = verifier.verify(b, cur.parent, cur.parentState, BlockVerifier.Mode.FULL);
    }
    cur.verdicts.put(b.hash(), v);
    if (v instanceof BlockVerifier.Rejected r) {
      misconduct.onInvalidBlock(b, r);
    } else if (WorkSection.decode(b.work()).value() instanceof WorkSection.Useful u) {
      work.adoptCertificate(u.certificate(), true);
    }
    return v;
  }

  private boolean valid(Block b) {
    return verdict(b) instanceof BlockVerifier.Accepted;
  }

  /**
   * The rules a fresh proposal (not backed by a proof of lock) must pass beyond the block's own
   * validity; they depend on this node's view and time, so they decide only its prevote.
   */
  private boolean freshProposalOk(Proposal p, Block b) {
    BlockHeader h = b.header();
    if (!h.proposer().equals(p.proposer()) || h.attempt() != p.bftRound()) {
      return false;
    }
    if (b.outcome() instanceof BlockOutcome.UsefulWork) {
      return true;
    }
    if (cur.validBlock != null && cur.validBlock.outcome() instanceof BlockOutcome.UsefulWork) {
      // A useful block that gathered a quorum of prevotes is never displaced by a fresh one
      // without useful work.
      return false;
    }
    if (round.problem.isPresent()) {
      if (clock.nowMs() + config.maxClockDriftMs() < round.schedule.awardDeadline()) {
        return false;
      }
      if (rankedRound(p.bftRound())) {
        return false;
      }
      // The round was not wasted if this node holds the submitter's certificate.
      return !(b.outcome() instanceof BlockOutcome.Wasted) || work.usableCertificate().isEmpty();
    }
    return true;
  }

  /**
   * Applies every rule of the agreement that the messages now held allow, until none does. Each
   * rule fires at most once per round (the step and the "first time" sets guard them).
   */
  private void progress() {
    boolean changed = true;
    while (changed && !cur.decided && !cur.halted) {
      changed =
          tryCommit() || trySkipRound() || tryPrevote() || tryPrecommit() || scheduleVoteTimeouts();
    }
  }

  /** A quorum of precommits for a block in any round commits it (Tendermint's decision rule). */
  private boolean tryCommit() {
    for (int r : cur.votes.roundsWithVotes(MessageType.PRECOMMIT)) {
      Optional<Hash> x = cur.votes.quorumBlock(MessageType.PRECOMMIT, r);
      if (x.isPresent()) {
        List<Vote> precommits = cur.votes.precommitsFor(r, x.get());
        return decideOrFetch(
            CommitCertificate.of(cur.height, r, x.get(), precommits, clock.nowMs()));
      }
    }
    if (cur.knownCommit != null) {
      return decideOrFetch(cur.knownCommit);
    }
    for (Block b : catchUp.blocksAt(cur.height + 1)) {
      Optional<CommitCertificate> c = carriedCommit(b);
      if (c.isPresent()) {
        cur.knownCommit = c.get();
        return decideOrFetch(c.get());
      }
    }
    return false;
  }

  /** The verified commit of its parent that {@code b} (a block of the next height) carries. */
  private Optional<CommitCertificate> carriedCommit(Block b) {
    if (b.height() != cur.height + 1) {
      return Optional.empty();
    }
    Result<WorkSection> w = WorkSection.decode(b.work());
    if (!w.isOk() || w.value().parentCommit().isEmpty()) {
      return Optional.empty();
    }
    List<Vote> votes = w.value().parentCommit();
    Result<Boolean> ok =
        CommitCertificate.check(
            cur.height,
            b.header().prevHash(),
            votes,
            committee.quorum(),
            committee::isValidator,
            v -> signatures.verify(v, domains));
    if (!ok.isOk()) {
      return Optional.empty();
    }
    return Optional.of(
        new CommitCertificate(
            cur.height, votes.get(0).bftRound(), b.header().prevHash(), votes, 0));
  }

  private boolean decideOrFetch(CommitCertificate c) {
    Block b = cur.blocks.get(c.blockHash());
    if (b == null) {
      catchUp.requestMissing(c.blockHash());
      return false;
    }
    decide(b, c);
    return true;
  }

  private boolean trySkipRound() {
    for (int r : cur.votes.roundsWithVotes(MessageType.PREVOTE)) {
      if (r > cur.round && cur.votes.validatorsIn(r) >= committee.honestWitness()) {
        startRound(r);
        return true;
      }
    }
    for (int r : cur.votes.roundsWithVotes(MessageType.PRECOMMIT)) {
      if (r > cur.round && cur.votes.validatorsIn(r) >= committee.honestWitness()) {
        startRound(r);
        return true;
      }
    }
    return false;
  }

  private boolean tryPrevote() {
    if (cur.step != HeightState.Step.PROPOSE) {
      return false;
    }
    Proposal p = cur.proposals.get(cur.round);
    if (p == null) {
      return false;
    }
    Block b = cur.blocks.get(p.blockHash());
    if (b == null) {
      return false;
    }
    if (b.header().timestampMs() > clock.nowMs() + config.maxClockDriftMs()) {
      // From this node's future: decide once its time has come (or the round times out).
      clock.schedule(
          b.header().timestampMs() - config.maxClockDriftMs(),
          () -> queue.addOwn(new Event.Recheck()));
      return false;
    }
    Hash hash = b.hash();
    boolean yes;
    if (p.validRound() < 0) {
      yes =
          valid(b) && freshProposalOk(p, b) && (cur.lockedRound < 0 || hash.equals(cur.lockedHash));
    } else {
      if (!cur.votes.quorumFor(MessageType.PREVOTE, p.validRound(), hash)) {
        return false; // wait for the proof of lock to arrive
      }
      yes = valid(b) && (cur.lockedRound <= p.validRound() || hash.equals(cur.lockedHash));
    }
    vote(MessageType.PREVOTE, yes ? hash : Hash.ZERO);
    cur.step = HeightState.Step.PREVOTE;
    return true;
  }

  private boolean tryPrecommit() {
    int r = cur.round;
    if (cur.step == HeightState.Step.PROPOSE) {
      return false;
    }
    Optional<Hash> x = cur.votes.quorumBlock(MessageType.PREVOTE, r);
    if (x.isPresent() && !cur.validUpdated.contains(r)) {
      Block b = cur.blocks.get(x.get());
      if (b != null && valid(b)) {
        cur.validUpdated.add(r);
        if (cur.step == HeightState.Step.PREVOTE) {
          cur.lockedRound = r;
          cur.lockedHash = b.hash();
          restarts.journalLock(cur, r, b);
          vote(MessageType.PRECOMMIT, b.hash());
          cur.step = HeightState.Step.PRECOMMIT;
        }
        cur.validRound = r;
        cur.validBlock = b;
        return true;
      }
      if (b == null) {
        catchUp.requestMissing(x.get());
      }
    }
    if (cur.step == HeightState.Step.PREVOTE
        && cur.votes.quorumFor(MessageType.PREVOTE, r, Hash.ZERO)) {
      vote(MessageType.PRECOMMIT, Hash.ZERO);
      cur.step = HeightState.Step.PRECOMMIT;
      return true;
    }
    return false;
  }

  private boolean scheduleVoteTimeouts() {
    int r = cur.round;
    if (cur.step == HeightState.Step.PREVOTE
        && cur.votes.quorumAny(MessageType.PREVOTE, r)
        && cur.prevoteTimeoutScheduled.add(r)) {
      schedule(Event.Phase.PREVOTE_TIMEOUT, r, clock.nowMs() + timeouts.vote(r));
    }
    if (cur.votes.quorumAny(MessageType.PRECOMMIT, r) && cur.precommitTimeoutScheduled.add(r)) {
      schedule(Event.Phase.PRECOMMIT_TIMEOUT, r, clock.nowMs() + timeouts.vote(r));
    }
    return false;
  }

  /** Signs (once per height, round and kind, journaled first) and sends this node's vote. */
  private void vote(MessageType kind, Hash hash) {
    if (!committee.isValidator(me)) {
      return;
    }
    int r = cur.round;
    long h = cur.height;
    JournalSlot slot =
        JournalSlot.of(
            kind == MessageType.PREVOTE ? JournalSlot.Kind.PREVOTE : JournalSlot.Kind.PRECOMMIT, r);
    Vote v =
        once.message(h, slot, kind, Vote.class, () -> Vote.sign(domains, kind, key, h, r, hash));
    if (!v.blockHash().equals(hash)) {
      LOG.warn(
          "Already voted otherwise before a restart height={} round={} kind={}", h, r, kind.tag());
    }
    if (kind == MessageType.PRECOMMIT && !v.isNil() && v.bftRound() >= cur.lockedRound) {
      // What was signed is the lock, whatever this run would have chosen.
      cur.lockedRound = v.bftRound();
      cur.lockedHash = v.blockHash();
    }
    LOG.debug(
        "Voted node={} height={} round={} kind={} block={}",
        me.address(),
        h,
        r,
        kind.tag(),
        v.isNil() ? "nil" : v.blockHash().toShortHex());
    pool.firstSight(v);
    gossip.publish(kind, v.encode());
    cur.votes.add(v);
  }

  // ---------------------------------------------------------------- deciding

  private void decide(Block b, CommitCertificate commit) {
    // Every committed block is verified in full before it is applied, the model re-run included
    // (so a node that syncs re-verifies every useful block); only the deterministic part decides
    // whether it is applied.
    BlockVerifier.Outcome full = verdict(b);
    BlockVerifier.Outcome det =
        full instanceof BlockVerifier.Accepted
            ? full
            : verifier.verify(b, cur.parent, cur.parentState, BlockVerifier.Mode.DETERMINISTIC);
    if (det instanceof BlockVerifier.Rejected r) {
      cur.halted = true;
      LOG.error(
          "A committed block fails the deterministic rules; more than a third of validators signed"
              + " an invalid block height={} hash={} reason={}",
          b.height(),
          b.hash().toShortHex(),
          r.reason());
      listener.blockRejected(b, "committed but invalid: " + r.reason());
      return;
    }
    if (full instanceof BlockVerifier.Rejected r) {
      // Hardware tolerance never splits the chain: the local re-run decided this node's prevote,
      // the commit decides the chain.
      LOG.warn(
          "Committed block differs from the local model check height={} hash={} reason={}",
          b.height(),
          b.hash().toShortHex(),
          r.reason());
      listener.committedDespiteLocalCheck(b, r.reason());
    }
    BlockVerifier.Accepted accepted = (BlockVerifier.Accepted) det;
    cur.decided = true;
    restarts.recordDecision(commit);
    chain.store(b, accepted.applied());
    chain.setHead(b.hash());
    chain.setFinalized(b.hash(), b.height());
    head = b;
    lastCommit = commit;
    LOG.debug(
        "Block committed height={} hash={} round={} signers={}",
        b.height(),
        b.hash().toShortHex(),
        commit.bftRound(),
        commit.precommits().size());
    if (!commit.precommits().isEmpty()) {
      announceCommit();
    }
    listener.blockImported(b, true);
    listener.headChanged(b);
    listener.finalized(b.hash(), b.height());
    startHeight(false);
  }

  private void announceCommit() {
    CommitCertificate c = lastCommit;
    gossip.publish(
        MessageType.COMMIT_CERTIFICATE,
        new CommitCertificate(
                c.height(), c.bftRound(), c.blockHash(), c.precommits(), clock.nowMs())
            .encode());
  }

  // ---------------------------------------------------------------- catching up

  /**
   * Sends again what this node signed in the current round, and the proof of lock of its valid
   * block. Messages lost in a partition are never re-sent by the network; without this, nodes that
   * came back together in different steps could each wait for votes the others already sent. Gossip
   * drops the copies a peer has already seen.
   */
  private void rebroadcast() {
    int r = cur.round;
    // The last few rounds, not only this one: a peer still in an earlier round needs this node's
    // votes of that round to reach the quorum that moves it on.
    for (int q = Math.max(0, r - REBROADCAST_ROUNDS + 1); q <= r; q++) {
      for (MessageType type :
          List.of(MessageType.PROPOSAL, MessageType.PREVOTE, MessageType.PRECOMMIT)) {
        JournalSlot.Kind kind =
            switch (type) {
              case PROPOSAL -> JournalSlot.Kind.PROPOSAL;
              case PREVOTE -> JournalSlot.Kind.PREVOTE;
              default -> JournalSlot.Kind.PRECOMMIT;
            };
        once.recorded(cur.height, JournalSlot.of(kind, q), type)
            .ifPresent(m -> gossip.publish(type, m.encode()));
      }
    }
    if (cur.validBlock != null) {
      for (Vote v : cur.votes.prevotesFor(cur.validRound, cur.validBlock.hash())) {
        gossip.publish(MessageType.PREVOTE, v.encode());
      }
    }
    LOG.debug("Round still undecided, messages sent again height={} round={}", cur.height, r);
  }

  // ---------------------------------------------------------------- invalid blocks

  // ---------------------------------------------------------------- timers

  private void onTimeout(Event.Timeout t) {
    if (cur == null || t.height() != cur.height || !t.parent().equals(head.hash())) {
      return;
    }
    switch (t.phase()) {
      case TRAINING_DEADLINE -> work.revealTest();
      case EVALUATION_DEADLINE -> work.revealLabelsAndCertify();
      case PROPOSER_ACT -> {
        if (t.bftRound() == cur.round) {
          tryPropose();
        }
      }
      case PROPOSE_TIMEOUT -> {
        if (t.bftRound() == cur.round && cur.step == HeightState.Step.PROPOSE && !cur.decided) {
          LOG.debug("No acceptable proposal in time height={} round={}", cur.height, cur.round);
          vote(MessageType.PREVOTE, Hash.ZERO);
          cur.step = HeightState.Step.PREVOTE;
        }
      }
      case PREVOTE_TIMEOUT -> {
        if (t.bftRound() == cur.round && cur.step == HeightState.Step.PREVOTE && !cur.decided) {
          vote(MessageType.PRECOMMIT, Hash.ZERO);
          cur.step = HeightState.Step.PRECOMMIT;
        }
      }
      case PRECOMMIT_TIMEOUT -> {
        if (t.bftRound() == cur.round && !cur.decided) {
          startRound(cur.round + 1);
        }
      }
      case REBROADCAST -> {
        if (t.bftRound() == cur.round && !cur.decided) {
          rebroadcast();
          schedule(Event.Phase.REBROADCAST, cur.round, clock.nowMs() + timeouts.propose(cur.round));
        }
      }
    }
    progress();
  }

  // ---------------------------------------------------------------- messages

  private void onMessage(MessageType kind, Bytes payload) {
    if (kind == MessageType.COMMIT_CERTIFICATE) {
      catchUp.onCommitAnnouncement(payload.toArray());
      return;
    }
    Result<ConsensusMessage> decoded = Codec.decode(kind, payload.toArray());
    if (!decoded.isOk()) {
      LOG.debug("Message dropped reason={}", decoded.reason());
      return;
    }
    ConsensusMessage m = decoded.value();
    boolean agreement = m instanceof Vote || m instanceof Proposal;
    long low = agreement ? 1 : round.height;
    long high = agreement ? cur.height + SYNC_WINDOW : head.height() + config.futureRounds();
    if (m.round() < low || m.round() > high) {
      return;
    }
    if (agreement && m.round() < cur.height) {
      // From a peer that is behind; repeats count too (they are how a stuck peer asks again),
      // and the answer is rate-limited per height.
      if (committee.isMember(m.signer()) && signatures.verify(m, domains)) {
        onAgreementMessage(m);
      }
      return;
    }
    if (!pool.firstSight(m)) {
      return;
    }
    if (!committee.isMember(m.signer()) || !signatures.verify(m, domains)) {
      LOG.debug("Message dropped kind={} reason=bad signer or signature", kind.tag());
      return;
    }
    if (m instanceof Vote v) {
      if (committee.isValidator(v.validator())) {
        onAgreementMessage(v);
      }
      return;
    }
    if (m instanceof Proposal p) {
      onAgreementMessage(p);
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
      work.applyToRound(m, clock.nowMs());
    }
  }

  /** Routes a vote or proposal by its height relative to this node's. */
  private void onAgreementMessage(ConsensusMessage m) {
    long h = m.round();
    if (h == cur.height) {
      if (m instanceof Vote v) {
        onVote(v);
      } else {
        onProposal((Proposal) m);
      }
    } else if (h < cur.height) {
      if (h == cur.height - 1 && m instanceof Vote v) {
        addToLastCommit(v);
      }
      if (m instanceof Vote || (m instanceof Proposal p && !p.proposer().equals(me))) {
        catchUp.helpLaggingPeer(h);
      }
    } else {
      // A later height: this node is behind. Keep what the next height needs, and fetch the
      // blocks a later vote or proposal names so the chain can be caught up commit by commit.
      if (h > cur.height + 1) {
        catchUp.fallenBehind();
      }
      if (h == cur.height + 1 && nextHeight.size() < MAX_NEXT_HEIGHT_MESSAGES) {
        nextHeight.add(m);
      }
      if (m instanceof Proposal p && p.block().isPresent()) {
        catchUp.holdFutureBlock(p.block().get());
        progress();
      } else if (m instanceof Vote v && !v.isNil() && v.kind() == MessageType.PRECOMMIT) {
        boolean held = catchUp.holds(h, v.blockHash());
        if (!held) {
          catchUp.requestMissing(v.blockHash());
        }
      }
    }
  }

  /** A late precommit for the head joins its commit, so the next block pays its signer. */
  private void addToLastCommit(Vote v) {
    CommitCertificate c = lastCommit;
    if (c == null
        || v.kind() != MessageType.PRECOMMIT
        || v.bftRound() != c.bftRound()
        || !v.blockHash().equals(c.blockHash())
        || c.precommits().stream().anyMatch(x -> x.validator().equals(v.validator()))
        || c.precommits().size() >= committee.validators().size()) {
      return;
    }
    List<Vote> more = new ArrayList<>(c.precommits());
    more.add(v);
    lastCommit =
        CommitCertificate.of(c.height(), c.bftRound(), c.blockHash(), more, c.issuedAtMs());
  }

  private void publishOwn(ConsensusMessage m) {
    pool.firstSight(m);
    pool.add(m, clock.nowMs());
    gossip.publish(m.type(), m.encode());
    if (m.round() == round.height) {
      work.applyToRound(m, clock.nowMs());
    }
  }

  // ---------------------------------------------------------------- misconduct

  // ---------------------------------------------------------------- queries (same thread)

  /** The current head: the latest committed block (consensus thread only). */
  public Block head() {
    return head;
  }

  /** The height being decided. */
  public long currentRound() {
    return cur == null ? 0 : cur.height;
  }

  /** The consensus round of the height being decided. */
  public int currentBftRound() {
    return cur == null ? 0 : cur.round;
  }

  /** The latest committed height (committed blocks are final). */
  public long finalizedHeight() {
    return head == null ? 0 : head.height();
  }

  /** Blocks held for heights above the current one (bounded by MAX_FUTURE_BLOCKS). */
  public int heldFutureBlocks() {
    return catchUp.heldBlocks();
  }

  Set<Hash> invalidBlocks() {
    return misconduct.invalidBlocks();
  }

  Set<String> reportedMisconduct() {
    return misconduct.reportedMisconduct();
  }
}
