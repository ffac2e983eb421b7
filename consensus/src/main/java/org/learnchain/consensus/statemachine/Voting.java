package org.learnchain.consensus.statemachine;

import java.util.List;
import java.util.Optional;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.evidence.EvidenceProof;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.Clock;
import org.learnchain.consensus.port.Gossip;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agreement rules of the height being decided (docs/consensus.md, "one height"): who proposes
 * each consensus round, the proposal and the two votes, locks and proofs of lock, the round skip,
 * the vote timeouts and the rebroadcast of this node's own messages. {@link #progress} applies
 * every rule the messages now held allow; a commit found by any of them is handed to the {@link
 * Decider}. Everything runs on the consensus thread and reads the node's {@link Position}.
 */
final class Voting {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);

  /** Takes a block once a verified commit for it is known and the block is held. */
  @FunctionalInterface
  interface Decider {
    void decide(Block block, CommitCertificate commit);
  }

  /** What the agreement rules work with, built once by {@link RoundStateMachine}. */
  record Parts(
      ConsensusConfig config,
      ChainDomains domains,
      PrivateKey key,
      Committee committee,
      Timeouts timeouts,
      Clock clock,
      Gossip gossip,
      SignOnce once,
      MessagePool pool,
      SignatureCache signatures,
      BlockVerifier verifier,
      Misconduct misconduct,
      WorkRound work,
      Proposer proposer,
      CatchUp catchUp,
      RestartJournal restarts,
      Timers timers) {}

  private final ConsensusConfig config;
  private final ChainDomains domains;
  private final PrivateKey key;
  private final PublicKey me;
  private final Committee committee;
  private final Timeouts timeouts;
  private final Clock clock;
  private final Gossip gossip;
  private final SignOnce once;
  private final MessagePool pool;
  private final SignatureCache signatures;
  private final BlockVerifier verifier;
  private final Misconduct misconduct;
  private final WorkRound work;
  private final Proposer proposer;
  private final CatchUp catchUp;
  private final RestartJournal restarts;
  private final Timers timers;
  private final Position at;
  private final ProposalRules rules;
  private final Decider decider;

  Voting(Parts parts, ProposalRules rules, Position at, Decider decider) {
    this.config = parts.config();
    this.domains = parts.domains();
    this.key = parts.key();
    this.me = key.publicKey();
    this.committee = parts.committee();
    this.timeouts = parts.timeouts();
    this.clock = parts.clock();
    this.gossip = parts.gossip();
    this.once = parts.once();
    this.pool = parts.pool();
    this.signatures = parts.signatures();
    this.verifier = parts.verifier();
    this.misconduct = parts.misconduct();
    this.work = parts.work();
    this.proposer = parts.proposer();
    this.catchUp = parts.catchUp();
    this.restarts = parts.restarts();
    this.timers = parts.timers();
    this.at = at;
    this.rules = rules;
    this.decider = decider;
  }

  // ---------------------------------------------------------------- rounds

  void startRound(int r) {
    at.cur.round = r;
    at.cur.step = HeightState.Step.PROPOSE;
    long deadline;
    if (r == 0) {
      long opens = at.round.schedule.earliestFallbackBlock(at.round.problem.isPresent());
      deadline = Math.max(opens + timeouts.propose(0) / 2, clock.nowMs());
    } else {
      deadline = clock.nowMs() + timeouts.propose(r);
    }
    timers.schedule(Event.Phase.PROPOSE_TIMEOUT, r, deadline);
    timers.schedule(Event.Phase.REBROADCAST, r, deadline + timeouts.propose(r));
    LOG.debug("Consensus round started node={} height={} round={}", me.address(), at.cur.height, r);
    tryPropose();
  }

  /** Proposes in the current round if it is this node's turn and it has what the block needs. */
  void tryPropose() {
    int r = at.cur.round;
    if (at.cur.decided
        || at.cur.step != HeightState.Step.PROPOSE
        || at.cur.proposed.contains(r)
        || !rules.proposerOf(r).equals(me)) {
      return;
    }
    if (once.taken(at.cur.height, JournalSlot.of(JournalSlot.Kind.PROPOSAL, r))) {
      at.cur.proposed.add(r);
      return;
    }
    if (at.cur.validBlock != null) {
      // A block that gathered a quorum of prevotes is proposed again, whoever built it: that is
      // what keeps a locked block (a useful one above all) from being replaced. Its proof of lock
      // must be from an earlier round; after a restart in the round it locked in, this node
      // leaves the round's proposal out rather than propose anything else.
      if (at.cur.validRound < r) {
        publishProposal(r, at.cur.validRound, at.cur.validBlock);
      }
      return;
    }
    if (at.cur.height > 1 && at.lastCommit == null) {
      LOG.warn("Cannot propose without the parent's commit height={} round={}", at.cur.height, r);
      return;
    }
    if (rules.rankedRound(r)) {
      proposer.proposeUseful(r);
    } else {
      proposer.proposeFallback(r);
    }
  }

  private void publishProposal(int r, int validRound, Block block) {
    Proposal p =
        once.message(
            at.cur.height,
            JournalSlot.of(JournalSlot.Kind.PROPOSAL, r),
            MessageType.PROPOSAL,
            Proposal.class,
            () -> Proposal.sign(domains, key, r, validRound, block));
    sendProposal(p);
  }

  void sendProposal(Proposal p) {
    at.cur.proposed.add(p.bftRound());
    pool.firstSight(p);
    gossip.publish(MessageType.PROPOSAL, p.encode());
    if (p.validRound() >= 0) {
      // The proof of lock travels with the proposal: a peer that missed some of those prevotes
      // (a Byzantine voter may have sent them to a few nodes only) can still accept it.
      for (Vote v : at.cur.votes.prevotesFor(p.validRound(), p.blockHash())) {
        gossip.publish(MessageType.PREVOTE, v.encode());
      }
    }
    onProposal(p);
  }

  // ---------------------------------------------------------------- proposals and votes

  void onProposal(Proposal p) {
    // The height is checked here too: handling one message can decide the height, and a caller
    // replaying several must not hand the rest to the next height.
    if (p.height() != at.cur.height
        || p.block().isEmpty()
        || p.bftRound() > at.cur.round + RoundStateMachine.MAX_ROUNDS_AHEAD) {
      return;
    }
    Block block = p.block().get();
    Proposal earlier = at.cur.proposals.get(p.bftRound());
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
    if (!p.proposer().equals(rules.proposerOf(p.bftRound()))) {
      // A useful block carries its certificate: a node that has not seen the certificate yet
      // learns the ranking, and so the proposer, from a block that verifies.
      if (block.outcome() instanceof BlockOutcome.UsefulWork && at.round.certificate == null) {
        at.cur.addBlock(block);
        rules.verdict(block);
      }
      if (!p.proposer().equals(rules.proposerOf(p.bftRound()))) {
        LOG.debug(
            "Proposal from a node that is not the round's proposer height={} round={} from={}",
            p.height(),
            p.bftRound(),
            p.proposer().address());
        return;
      }
    }
    at.cur.proposals.put(p.bftRound(), p);
    at.cur.addBlock(block);
    progress();
  }

  void onVote(Vote v) {
    if (v.height() != at.cur.height
        || v.bftRound() > at.cur.round + RoundStateMachine.MAX_ROUNDS_AHEAD) {
      return;
    }
    Optional<Vote> conflict = at.cur.votes.add(v);
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

  /**
   * Applies every rule of the agreement that the messages now held allow, until none does. Each
   * rule fires at most once per round (the step and the "first time" sets guard them).
   */
  void progress() {
    boolean changed = true;
    while (changed && !at.cur.decided && !at.cur.halted) {
      changed =
          tryCommit() || trySkipRound() || tryPrevote() || tryPrecommit() || scheduleVoteTimeouts();
    }
  }

  /** A quorum of precommits for a block in any round commits it (Tendermint's decision rule). */
  private boolean tryCommit() {
    for (int r : at.cur.votes.roundsWithVotes(MessageType.PRECOMMIT)) {
      Optional<Hash> x = at.cur.votes.quorumBlock(MessageType.PRECOMMIT, r);
      if (x.isPresent()) {
        List<Vote> precommits = at.cur.votes.precommitsFor(r, x.get());
        return decideOrFetch(
            CommitCertificate.of(at.cur.height, r, x.get(), precommits, clock.nowMs()));
      }
    }
    if (at.cur.knownCommit != null) {
      return decideOrFetch(at.cur.knownCommit);
    }
    for (Block b : catchUp.blocksAt(at.cur.height + 1)) {
      Optional<CommitCertificate> c = carriedCommit(b);
      if (c.isPresent()) {
        at.cur.knownCommit = c.get();
        return decideOrFetch(c.get());
      }
    }
    return false;
  }

  /** The verified commit of its parent that {@code b} (a block of the next height) carries. */
  private Optional<CommitCertificate> carriedCommit(Block b) {
    if (b.height() != at.cur.height + 1) {
      return Optional.empty();
    }
    Result<WorkSection> w = WorkSection.decode(b.work());
    if (!w.isOk() || w.value().parentCommit().isEmpty()) {
      return Optional.empty();
    }
    List<Vote> votes = w.value().parentCommit();
    Result<Boolean> ok =
        CommitCertificate.check(
            at.cur.height,
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
            at.cur.height, votes.get(0).bftRound(), b.header().prevHash(), votes, 0));
  }

  private boolean decideOrFetch(CommitCertificate c) {
    Block b = at.cur.blocks.get(c.blockHash());
    if (b == null) {
      catchUp.requestMissing(c.blockHash());
      return false;
    }
    decider.decide(b, c);
    return true;
  }

  private boolean trySkipRound() {
    for (int r : at.cur.votes.roundsWithVotes(MessageType.PREVOTE)) {
      if (r > at.cur.round && at.cur.votes.validatorsIn(r) >= committee.honestWitness()) {
        startRound(r);
        return true;
      }
    }
    for (int r : at.cur.votes.roundsWithVotes(MessageType.PRECOMMIT)) {
      if (r > at.cur.round && at.cur.votes.validatorsIn(r) >= committee.honestWitness()) {
        startRound(r);
        return true;
      }
    }
    return false;
  }

  private boolean tryPrevote() {
    if (at.cur.step != HeightState.Step.PROPOSE) {
      return false;
    }
    Proposal p = at.cur.proposals.get(at.cur.round);
    if (p == null) {
      return false;
    }
    Block b = at.cur.blocks.get(p.blockHash());
    if (b == null) {
      return false;
    }
    if (b.header().timestampMs() > clock.nowMs() + config.maxClockDriftMs()) {
      // From this node's future: decide once its time has come (or the round times out).
      timers.recheckAt(b.header().timestampMs() - config.maxClockDriftMs());
      return false;
    }
    Hash hash = b.hash();
    boolean yes;
    if (p.validRound() < 0) {
      yes =
          rules.valid(b)
              && rules.freshProposalOk(p, b)
              && (at.cur.lockedRound < 0 || hash.equals(at.cur.lockedHash));
    } else {
      if (!at.cur.votes.quorumFor(MessageType.PREVOTE, p.validRound(), hash)) {
        return false; // wait for the proof of lock to arrive
      }
      yes =
          rules.valid(b)
              && (at.cur.lockedRound <= p.validRound() || hash.equals(at.cur.lockedHash));
    }
    vote(MessageType.PREVOTE, yes ? hash : Hash.ZERO);
    at.cur.step = HeightState.Step.PREVOTE;
    return true;
  }

  private boolean tryPrecommit() {
    int r = at.cur.round;
    if (at.cur.step == HeightState.Step.PROPOSE) {
      return false;
    }
    Optional<Hash> x = at.cur.votes.quorumBlock(MessageType.PREVOTE, r);
    if (x.isPresent() && !at.cur.validUpdated.contains(r)) {
      Block b = at.cur.blocks.get(x.get());
      if (b != null && rules.valid(b)) {
        at.cur.validUpdated.add(r);
        if (at.cur.step == HeightState.Step.PREVOTE) {
          at.cur.lockedRound = r;
          at.cur.lockedHash = b.hash();
          restarts.journalLock(at.cur, r, b);
          vote(MessageType.PRECOMMIT, b.hash());
          at.cur.step = HeightState.Step.PRECOMMIT;
        }
        at.cur.validRound = r;
        at.cur.validBlock = b;
        return true;
      }
      if (b == null) {
        catchUp.requestMissing(x.get());
      }
    }
    if (at.cur.step == HeightState.Step.PREVOTE
        && at.cur.votes.quorumFor(MessageType.PREVOTE, r, Hash.ZERO)) {
      vote(MessageType.PRECOMMIT, Hash.ZERO);
      at.cur.step = HeightState.Step.PRECOMMIT;
      return true;
    }
    return false;
  }

  private boolean scheduleVoteTimeouts() {
    int r = at.cur.round;
    if (at.cur.step == HeightState.Step.PREVOTE
        && at.cur.votes.quorumAny(MessageType.PREVOTE, r)
        && at.cur.prevoteTimeoutScheduled.add(r)) {
      timers.schedule(Event.Phase.PREVOTE_TIMEOUT, r, clock.nowMs() + timeouts.vote(r));
    }
    if (at.cur.votes.quorumAny(MessageType.PRECOMMIT, r)
        && at.cur.precommitTimeoutScheduled.add(r)) {
      timers.schedule(Event.Phase.PRECOMMIT_TIMEOUT, r, clock.nowMs() + timeouts.vote(r));
    }
    return false;
  }

  /** Signs (once per height, round and kind, journaled first) and sends this node's vote. */
  private void vote(MessageType kind, Hash hash) {
    if (!committee.isValidator(me)) {
      return;
    }
    int r = at.cur.round;
    long h = at.cur.height;
    JournalSlot slot =
        JournalSlot.of(
            kind == MessageType.PREVOTE ? JournalSlot.Kind.PREVOTE : JournalSlot.Kind.PRECOMMIT, r);
    Vote v =
        once.message(h, slot, kind, Vote.class, () -> Vote.sign(domains, kind, key, h, r, hash));
    if (!v.blockHash().equals(hash)) {
      LOG.warn(
          "Already voted otherwise before a restart height={} round={} kind={}", h, r, kind.tag());
    }
    if (kind == MessageType.PRECOMMIT && !v.isNil() && v.bftRound() >= at.cur.lockedRound) {
      // What was signed is the lock, whatever this run would have chosen.
      at.cur.lockedRound = v.bftRound();
      at.cur.lockedHash = v.blockHash();
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
    at.cur.votes.add(v);
  }

  /**
   * Sends again what this node signed in the current round, and the proof of lock of its valid
   * block. Messages lost in a partition are never re-sent by the network; without this, nodes that
   * came back together in different steps could each wait for votes the others already sent. Gossip
   * drops the copies a peer has already seen.
   */
  void rebroadcast() {
    int r = at.cur.round;
    // The last few rounds, not only this one: a peer still in an earlier round needs this node's
    // votes of that round to reach the quorum that moves it on.
    for (int q = Math.max(0, r - RoundStateMachine.REBROADCAST_ROUNDS + 1); q <= r; q++) {
      for (MessageType type :
          List.of(MessageType.PROPOSAL, MessageType.PREVOTE, MessageType.PRECOMMIT)) {
        JournalSlot.Kind kind =
            switch (type) {
              case PROPOSAL -> JournalSlot.Kind.PROPOSAL;
              case PREVOTE -> JournalSlot.Kind.PREVOTE;
              default -> JournalSlot.Kind.PRECOMMIT;
            };
        once.recorded(at.cur.height, JournalSlot.of(kind, q), type)
            .ifPresent(m -> gossip.publish(type, m.encode()));
      }
    }
    if (at.cur.validBlock != null) {
      for (Vote v : at.cur.votes.prevotesFor(at.cur.validRound, at.cur.validBlock.hash())) {
        gossip.publish(MessageType.PREVOTE, v.encode());
      }
    }
    LOG.debug("Round still undecided, messages sent again height={} round={}", at.cur.height, r);
  }

  /** A timer of the agreement fired for the current height (its parent already checked). */
  void onTimeout(Event.Timeout t) {
    HeightState cur = at.cur;
    switch (t.phase()) {
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
          timers.schedule(
              Event.Phase.REBROADCAST, cur.round, clock.nowMs() + timeouts.propose(cur.round));
        }
      }
      default -> throw new IllegalArgumentException("not an agreement timer: " + t.phase());
    }
  }
}
