package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.List;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.ConsensusListener;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.MisconductReport;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.port.Clock;
import org.learnchain.consensus.port.Gossip;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each consensus message goes (docs/consensus.md, "messages"): decoding, the height window,
 * the signature check (once per message, cached), then votes and proposals of the current height to
 * {@link Voting}, of a lower height to the last commit and the help for lagging peers, of later
 * heights to {@link CatchUp} and a bounded buffer replayed when this node gets there; useful-work
 * messages to the {@link MessagePool} and the {@link WorkRound}; commit announcements to catch-up.
 * Also publishes this node's own useful-work messages the same way.
 */
final class Inbox {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);

  private final ConsensusConfig config;
  private final ChainDomains domains;
  private final PublicKey me;
  private final Committee committee;
  private final Clock clock;
  private final Gossip gossip;
  private final MessagePool pool;
  private final SignatureCache signatures;
  private final ConsensusListener listener;
  private final WorkRound work;
  private final CatchUp catchUp;
  private final Voting voting;
  private final Position at;

  /** Votes and proposals of the next height, replayed when this node gets there. */
  private final List<ConsensusMessage> nextHeight = new ArrayList<>();

  Inbox(Voting.Parts parts, ConsensusListener listener, Voting voting, Position at) {
    this.config = parts.config();
    this.domains = parts.domains();
    this.me = parts.key().publicKey();
    this.committee = parts.committee();
    this.clock = parts.clock();
    this.gossip = parts.gossip();
    this.pool = parts.pool();
    this.signatures = parts.signatures();
    this.listener = listener;
    this.work = parts.work();
    this.catchUp = parts.catchUp();
    this.voting = voting;
    this.at = at;
  }

  /** Hands the votes and proposals held for the height that just started to the agreement. */
  void replayNextHeight() {
    List<ConsensusMessage> replay = new ArrayList<>(nextHeight);
    nextHeight.clear();
    for (ConsensusMessage m : replay) {
      if (m.round() == at.cur.height) {
        if (m instanceof Vote v) {
          voting.onVote(v);
        } else if (m instanceof Proposal p) {
          voting.onProposal(p);
        }
      }
    }
  }

  void onMessage(MessageType kind, Bytes payload) {
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
    long low = agreement ? 1 : at.round.height;
    long high =
        agreement
            ? at.cur.height + RoundStateMachine.SYNC_WINDOW
            : at.head.height() + config.futureRounds();
    if (m.round() < low || m.round() > high) {
      return;
    }
    if (agreement && m.round() < at.cur.height) {
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
    if (m.round() == at.round.height) {
      work.applyToRound(m, clock.nowMs());
    }
  }

  /** Routes a vote or proposal by its height relative to this node's. */
  private void onAgreementMessage(ConsensusMessage m) {
    long h = m.round();
    if (h == at.cur.height) {
      if (m instanceof Vote v) {
        voting.onVote(v);
      } else {
        voting.onProposal((Proposal) m);
      }
    } else if (h < at.cur.height) {
      if (h == at.cur.height - 1 && m instanceof Vote v) {
        addToLastCommit(v);
      }
      if (m instanceof Vote || (m instanceof Proposal p && !p.proposer().equals(me))) {
        catchUp.helpLaggingPeer(h);
      }
    } else {
      // A later height: this node is behind. Keep what the next height needs, and fetch the
      // blocks a later vote or proposal names so the chain can be caught up commit by commit.
      if (h > at.cur.height + 1) {
        catchUp.fallenBehind();
      }
      if (h == at.cur.height + 1
          && nextHeight.size() < RoundStateMachine.MAX_NEXT_HEIGHT_MESSAGES) {
        nextHeight.add(m);
      }
      if (m instanceof Proposal p && p.block().isPresent()) {
        catchUp.holdFutureBlock(p.block().get());
        voting.progress();
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
    CommitCertificate c = at.lastCommit;
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
    at.lastCommit =
        CommitCertificate.of(c.height(), c.bftRound(), c.blockHash(), more, c.issuedAtMs());
  }

  void publishOwn(ConsensusMessage m) {
    pool.firstSight(m);
    pool.add(m, clock.nowMs());
    gossip.publish(m.type(), m.encode());
    if (m.round() == at.round.height) {
      work.applyToRound(m, clock.nowMs());
    }
  }
}
