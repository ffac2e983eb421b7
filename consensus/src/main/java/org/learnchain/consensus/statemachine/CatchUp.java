package org.learnchain.consensus.statemachine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.ChainPort;
import org.learnchain.consensus.port.Clock;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.Decoded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catching up and helping others catch up (docs/consensus.md, catch-up): blocks of later heights
 * are held only when they carry a valid commit of their parent (so a flood of made-up blocks fills
 * nothing), verified commits of later heights are kept, missing blocks are asked for at most once
 * per retry interval, and a peer seen at a lower height is sent the committed blocks it misses and
 * the head's commit, a bounded batch at a time. Everything held is bounded.
 */
final class CatchUp {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);

  /** What catching up asks of the agreement. */
  interface Outlet {
    /** Gossips the head's commit. */
    void announceCommit();

    /** Re-evaluates the agreement's rules after new blocks or commits arrived. */
    void progress();
  }

  private final Genesis genesis;
  private final ChainDomains domains;
  private final Committee committee;
  private final Clock clock;
  private final org.learnchain.consensus.port.Gossip gossip;
  private final ChainPort chain;
  private final SignatureCache signatures;
  private final Position at;
  private final Outlet out;

  /** Blocks above the current height (sync answers, proposals of later heights), by height. */
  private final TreeMap<Long, Map<Hash, Block>> futureBlocks = new TreeMap<>();

  /** Verified commits of heights above the current one (from announcements). */
  private final TreeMap<Long, CommitCertificate> futureCommits = new TreeMap<>();

  /** When each missing block was last asked for. */
  private final Map<Hash, Long> requestedAt = new LinkedHashMap<>();

  /** When a peer at each lower height was last sent the blocks it misses. */
  private final Map<Long, Long> helpedAt = new HashMap<>();

  CatchUp(
      Genesis genesis,
      ChainDomains domains,
      Committee committee,
      ConsensusPorts ports,
      SignatureCache signatures,
      Position at,
      Outlet out) {
    this.genesis = genesis;
    this.domains = domains;
    this.committee = committee;
    this.clock = ports.clock();
    this.gossip = ports.gossip();
    this.chain = ports.chain();
    this.signatures = signatures;
    this.at = at;
    this.out = out;
  }

  /** A new height {@code h} starts: takes out what was held for it and drops what is below. */
  Map<Hash, Block> startHeight(long h) {
    Map<Hash, Block> early = futureBlocks.remove(h);
    futureBlocks.headMap(h).clear();
    return early == null ? Map.of() : early;
  }

  /** Forgets which blocks were asked for (a new height starts). */
  void forgetRequests() {
    requestedAt.clear();
  }

  /** The verified commit held for height {@code h}, taken out. */
  Optional<CommitCertificate> takeCommit(long h) {
    CommitCertificate c = futureCommits.remove(h);
    futureCommits.headMap(h).clear();
    return Optional.ofNullable(c);
  }

  /** The blocks held for height {@code h}. */
  java.util.Collection<Block> blocksAt(long h) {
    return futureBlocks.getOrDefault(h, Map.of()).values();
  }

  /** Whether the block {@code hash} of height {@code h} is held. */
  boolean holds(long h, Hash hash) {
    return futureBlocks.getOrDefault(h, Map.of()).containsKey(hash);
  }

  /** Blocks held for heights above the current one. */
  int heldBlocks() {
    return futureBlocks.values().stream().mapToInt(Map::size).sum();
  }

  /**
   * A peer is at height {@code k}, below this node's: send it the committed blocks from {@code k}
   * on (each block carries the commit of the one before it) and, when they reach this node's head,
   * the head's commit. At most once per height per RoundStateMachine.RETRY_MS, and a bounded batch
   * at a time: the peer's next message asks for the next batch.
   */
  void helpLaggingPeer(long k) {
    long now = clock.nowMs();
    Long last = helpedAt.get(k);
    if (last != null && now - last < RoundStateMachine.RETRY_MS) {
      return;
    }
    if (helpedAt.size() > RoundStateMachine.MEMORY) {
      helpedAt.clear();
    }
    helpedAt.put(k, now);
    long to = Math.min(at.head.height(), k + RoundStateMachine.HELP_BATCH - 1);
    for (long h = Math.max(1, k); h <= to; h++) {
      Optional<Block> b = chain.canonicalHash(h).flatMap(chain::block);
      if (b.isEmpty()) {
        return;
      }
      gossip.publish(MessageType.BLOCK, b.get().encode());
    }
    if (to == at.head.height() && at.lastCommit != null && !at.lastCommit.precommits().isEmpty()) {
      out.announceCommit();
    }
  }

  /** A peer is ahead: ask for the blocks this node misses (the node's sync takes it from here). */
  void fallenBehind() {
    requestMissing(at.head.hash());
  }

  void requestMissing(Hash hash) {
    Long at = requestedAt.get(hash);
    long now = clock.nowMs();
    if (at != null && now - at < RoundStateMachine.RETRY_MS) {
      return;
    }
    if (requestedAt.size() > RoundStateMachine.MEMORY) {
      requestedAt.clear();
    }
    requestedAt.put(hash, now);
    LOG.debug("Requesting missing block hash={}", hash.toShortHex());
    gossip.requestBlock(hash);
  }

  /**
   * Keeps a block of a later height while catching up, and asks for its parent. Only a block that
   * carries a valid commit of its parent is kept: that commit is what lets the chain be caught up
   * at all, and no member can make one for a parent that was not committed, so a peer flooding
   * made-up blocks fills nothing.
   */
  void holdFutureBlock(Block b) {
    if (b.height() > at.cur.height + RoundStateMachine.SYNC_WINDOW
        || !carriesValidParentCommit(b)) {
      return;
    }
    Map<Hash, Block> atHeight =
        futureBlocks.computeIfAbsent(b.height(), k -> new LinkedHashMap<>());
    if (atHeight.containsKey(b.hash()) || atHeight.size() >= 4) {
      return;
    }
    atHeight.put(b.hash(), b);
    int total = futureBlocks.values().stream().mapToInt(Map::size).sum();
    while (total > RoundStateMachine.MAX_FUTURE_BLOCKS) {
      Map.Entry<Long, Map<Hash, Block>> last = futureBlocks.lastEntry();
      Hash drop = last.getValue().keySet().iterator().next();
      last.getValue().remove(drop);
      if (last.getValue().isEmpty()) {
        futureBlocks.remove(last.getKey());
      }
      total--;
    }
    long parentHeight = b.height() - 1;
    Hash parent = b.header().prevHash();
    boolean held =
        parentHeight == at.cur.height
            ? at.cur.blocks.containsKey(parent)
            : futureBlocks.getOrDefault(parentHeight, Map.of()).containsKey(parent);
    if (!held && parentHeight >= at.cur.height) {
      requestMissing(parent);
    }
  }

  void onBlockBytes(Bytes encoded) {
    Decoded<Block> d = Block.tryDecode(encoded.toArray());
    if (!(d instanceof Decoded.Ok<Block> ok)) {
      LOG.debug("Block dropped reason={}", ((Decoded.Malformed<Block>) d).reason());
      return;
    }
    Block b = ok.value();
    if (b.height() <= at.head.height()) {
      return;
    }
    // Nothing is kept before the proposer's signature is checked (a member's block only).
    if (!committee.isMember(b.header().proposer()) || !b.verifySignature(genesis.chainId())) {
      LOG.debug("Block dropped reason=bad proposer or signature height={}", b.height());
      return;
    }
    if (b.height() == at.cur.height) {
      // A block of the current height outside a proposal is kept only when something vouches
      // for it: this node asked for it, a commit names it, or a held next block builds on it.
      Hash hash = b.hash();
      boolean vouched =
          b.header().prevHash().equals(at.head.hash())
              && (requestedAt.containsKey(hash)
                  || (at.cur.knownCommit != null && at.cur.knownCommit.blockHash().equals(hash))
                  || futureBlocks.getOrDefault(at.cur.height + 1, Map.of()).values().stream()
                      .anyMatch(x -> x.header().prevHash().equals(hash))
                  || at.cur.proposals.values().stream().anyMatch(p -> p.blockHash().equals(hash)));
      if (!vouched) {
        LOG.debug("Unasked-for block of the current height dropped hash={}", hash.toShortHex());
        return;
      }
      at.cur.addBlock(b);
    } else {
      holdFutureBlock(b);
    }
    out.progress();
  }

  void onCommitAnnouncement(byte[] payload) {
    Result<CommitCertificate> d = CommitCertificate.decode(payload);
    if (!d.isOk()) {
      LOG.debug("Commit announcement dropped reason={}", d.reason());
      return;
    }
    CommitCertificate c = d.value();
    if (c.height() < at.cur.height || c.height() > at.cur.height + RoundStateMachine.SYNC_WINDOW) {
      return;
    }
    if (c.height() == at.cur.height && (at.cur.knownCommit != null || at.cur.decided)) {
      return;
    }
    if (c.height() > at.cur.height && futureCommits.containsKey(c.height())) {
      return;
    }
    Result<Boolean> ok =
        CommitCertificate.check(
            c.height(),
            c.blockHash(),
            c.precommits(),
            committee.quorum(),
            committee::isValidator,
            v -> signatures.verify(v, domains));
    if (!ok.isOk()) {
      LOG.debug("Commit announcement dropped reason={}", ok.reason());
      return;
    }
    if (c.height() == at.cur.height) {
      at.cur.knownCommit = c;
      out.progress();
    } else {
      futureCommits.put(c.height(), c);
      while (futureCommits.size() > RoundStateMachine.MAX_FUTURE_BLOCKS) {
        futureCommits.pollLastEntry();
      }
      requestMissing(c.blockHash());
    }
  }

  boolean carriesValidParentCommit(Block b) {
    Result<WorkSection> w = WorkSection.decode(b.work());
    if (!w.isOk() || w.value().parentCommit().isEmpty()) {
      return false;
    }
    return CommitCertificate.check(
            b.height() - 1,
            b.header().prevHash(),
            w.value().parentCommit(),
            committee.quorum(),
            committee::isValidator,
            v -> signatures.verify(v, domains))
        .isOk();
  }
}
