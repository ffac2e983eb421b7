package org.learnchain.consensus.statemachine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.ConsensusListener;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.port.ChainPort;
import org.learnchain.consensus.port.Clock;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
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
 * <p>This class owns the node's {@link Position} and moves it: it starts, decides and stores
 * heights. Its parts share that position: {@link Inbox} routes each message, {@link Voting} applies
 * the agreement's rules, {@link ProposalRules} judges proposals, {@link Proposer} builds them,
 * {@link WorkRound} checks the useful-work round (this node takes part in it as {@link MinerRole}
 * and {@link SubmitterRole}), {@link CatchUp} holds later blocks and helps lagging peers, {@link
 * RestartJournal} journals locks and decisions, {@link Misconduct} files evidence, and {@link
 * Timers} holds the height's timers.
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

  private final Genesis genesis;
  private final PublicKey me;
  private final Committee committee;
  private final Clock clock;
  private final org.learnchain.consensus.port.Gossip gossip;
  private final ChainPort chain;
  private final SignOnce once;
  private final ConsensusListener listener;
  private final BlockVerifier verifier;
  private final MessagePool pool = new MessagePool();
  private final Misconduct misconduct;
  private final WorkRound work;
  private final MinerRole miner;
  private final SubmitterRole submitter;
  private final CatchUp catchUp;
  private final RestartJournal restarts;
  private final Timers timers;
  private final ProposalRules rules;
  private final Voting voting;
  private final Inbox inbox;
  private final Position at = new Position();

  private boolean started;

  public RoundStateMachine(
      ConsensusConfig config,
      PrivateKey key,
      ConsensusPorts ports,
      EventQueue queue,
      ConsensusListener listener) {
    this.genesis = config.genesis();
    ChainDomains domains = new ChainDomains(genesis.chainId());
    this.me = key.publicKey();
    this.committee = new Committee(genesis);
    this.clock = ports.clock();
    this.gossip = ports.gossip();
    this.chain = ports.chain();
    this.once = new SignOnce(ports.journal());
    this.listener = listener;
    SignatureCache signatures = new SignatureCache(SIGNATURE_CACHE);
    this.verifier = new BlockVerifier(config, domains, committee, chain, ports.ml(), signatures);
    this.misconduct = new Misconduct(genesis, domains, key, committee, chain, gossip, listener);
    this.timers = new Timers(clock, queue, at);
    // The parts below call each other back through these lambdas only after construction.
    this.miner = new MinerRole(genesis, domains, key, ports, once, queue, this::publishOwn, at);
    this.submitter = new SubmitterRole(domains, key, ports, once, this::publishOwn, at);
    this.work = new WorkRound(me, committee, ports.ml(), queue, misconduct, miner, at);
    this.restarts = new RestartJournal(committee, ports.journal(), once, gossip, this::publishOwn);
    Proposer proposer =
        new Proposer(
            genesis,
            domains,
            key,
            ports,
            once,
            work,
            at,
            new Proposer.Outlet() {
              @Override
              public void schedule(Event.Phase phase, int bftRound, long atMs) {
                timers.schedule(phase, bftRound, atMs);
              }

              @Override
              public void sendProposal(Proposal p) {
                RoundStateMachine.this.voting.sendProposal(p);
              }
            });
    this.catchUp =
        new CatchUp(
            genesis,
            domains,
            committee,
            ports,
            signatures,
            at,
            new CatchUp.Outlet() {
              @Override
              public void announceCommit() {
                RoundStateMachine.this.announceCommit();
              }

              @Override
              public void progress() {
                RoundStateMachine.this.voting.progress();
              }
            });
    Voting.Parts parts =
        new Voting.Parts(
            config,
            domains,
            key,
            committee,
            new Timeouts(genesis.rounds()),
            clock,
            gossip,
            once,
            pool,
            signatures,
            verifier,
            misconduct,
            work,
            proposer,
            catchUp,
            restarts,
            timers);
    this.rules = new ProposalRules(parts, at);
    this.voting = new Voting(parts, rules, at, this::decide);
    this.inbox = new Inbox(parts, listener, voting, at);
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
      inbox.onMessage(m.kind(), m.payload());
    } else if (event instanceof Event.BlockReceived b) {
      catchUp.onBlockBytes(b.encoded());
    } else if (event instanceof Event.Timeout t) {
      onTimeout(t);
    } else if (event instanceof Event.TrainingSetFetched f) {
      miner.onTrainingSet(f);
    } else if (event instanceof Event.TrainingFinished f) {
      miner.onTrainingFinished(f);
    } else if (event instanceof Event.Recheck) {
      voting.tryPropose();
      voting.progress();
    }
  }

  // ---------------------------------------------------------------- start and heights

  private void start() {
    if (started) {
      return;
    }
    Block stored = chain.head();
    if (stored.height() == chain.finalizedHeight() + 1
        && restarts.readDecision(stored.height()).isPresent()) {
      // The finalized mark is written without waiting for the disk; the next synced write carries
      // it (docs/consensus.md, restart safety). A power loss in between leaves it one below a head
      // whose decision and block are on disk: that head was committed, so the mark is restored.
      LOG.info(
          "Finalized mark restored after an unclean stop height={} hash={}",
          stored.height(),
          stored.hash().toShortHex());
      chain.setFinalized(stored.hash(), stored.height());
    }
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
    at.head = stored;
    if (at.head.height() > 0) {
      at.lastCommit = restarts.readDecision(at.head.height()).orElse(null);
    }
    started = true;
    LOG.info(
        "Consensus started node={} committed={} hash={}",
        me.address(),
        at.head.height(),
        at.head.hash().toShortHex());
    startHeight(true);
  }

  private void startHeight(boolean restart) {
    timers.cancelAll();
    Block head = at.head;
    long h = head.height() + 1;
    WorldState state =
        chain
            .stateAfter(head.hash())
            .orElseThrow(() -> new IllegalStateException("no state for head " + head.hash()));
    RoundSchedule schedule = new RoundSchedule(head.header().timestampMs(), genesis.rounds());
    Optional<RoundProblem> problem = verifier.problemFor(state);
    at.round = new RoundState(h, head, state, schedule, problem);
    at.cur = new HeightState(h, head, state, committee.quorum());
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
      timers.schedule(Event.Phase.TRAINING_DEADLINE, 0, schedule.trainingDeadline());
      timers.schedule(Event.Phase.EVALUATION_DEADLINE, 0, schedule.evaluationDeadline());
      if (work.eligibleMiner(problem.get())) {
        miner.startTraining();
      }
    }
    for (MessagePool.Received r : List.copyOf(pool.round(h))) {
      work.applyToRound(r.message(), r.receivedAtMs());
    }
    int firstRound = 0;
    if (restart) {
      firstRound = restarts.restore(at.cur, h);
    }
    catchUp.startHeight(h).values().forEach(at.cur::addBlock);
    catchUp.takeCommit(h).ifPresent(c -> at.cur.knownCommit = c);
    voting.startRound(firstRound);
    inbox.replayNextHeight();
    voting.progress();
  }

  // ---------------------------------------------------------------- deciding

  private void decide(Block b, CommitCertificate commit) {
    // Every committed block is verified in full before it is applied, the model re-run included
    // (so a node that syncs re-verifies every useful block); only the deterministic part decides
    // whether it is applied.
    BlockVerifier.Outcome full = rules.verdict(b);
    BlockVerifier.Outcome det =
        full instanceof BlockVerifier.Accepted
            ? full
            : verifier.verify(
                b, at.cur.parent, at.cur.parentState, BlockVerifier.Mode.DETERMINISTIC);
    if (det instanceof BlockVerifier.Rejected r) {
      at.cur.halted = true;
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
    at.cur.decided = true;
    restarts.recordDecision(commit);
    chain.store(b, accepted.applied());
    chain.setHead(b.hash());
    chain.setFinalized(b.hash(), b.height());
    at.head = b;
    at.lastCommit = commit;
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
    CommitCertificate c = at.lastCommit;
    gossip.publish(
        MessageType.COMMIT_CERTIFICATE,
        new CommitCertificate(
                c.height(), c.bftRound(), c.blockHash(), c.precommits(), clock.nowMs())
            .encode());
  }

  // ---------------------------------------------------------------- catching up

  // ---------------------------------------------------------------- timers

  private void onTimeout(Event.Timeout t) {
    if (at.cur == null || t.height() != at.cur.height || !t.parent().equals(at.head.hash())) {
      return;
    }
    switch (t.phase()) {
      case TRAINING_DEADLINE -> submitter.revealTest();
      case EVALUATION_DEADLINE -> submitter.revealLabelsAndCertify();
      default -> voting.onTimeout(t);
    }
    voting.progress();
  }

  private void publishOwn(ConsensusMessage m) {
    this.inbox.publishOwn(m);
  }

  // ---------------------------------------------------------------- queries (same thread)

  /** The current head: the latest committed block (consensus thread only). */
  public Block head() {
    return at.head;
  }

  /** The height being decided. */
  public long currentRound() {
    return at.cur == null ? 0 : at.cur.height;
  }

  /** The consensus round of the height being decided. */
  public int currentBftRound() {
    return at.cur == null ? 0 : at.cur.round;
  }

  /** The latest committed height (committed blocks are final). */
  public long finalizedHeight() {
    return at.head == null ? 0 : at.head.height();
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
