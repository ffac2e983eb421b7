package org.learnchain.consensus.statemachine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.state.WorldState;

/**
 * The agreement state of one height (docs/consensus.md): the consensus round and step, the lock and
 * the valid block, the proposals and candidate blocks seen, and the votes. Owned by the state
 * machine's thread; replaced when the height is decided.
 */
final class HeightState {
  /** Candidate blocks kept per height; the locked and valid blocks are never evicted. */
  static final int MAX_BLOCKS = 32;

  enum Step {
    PROPOSE,
    PREVOTE,
    PRECOMMIT
  }

  final long height;
  final Block parent;
  final WorldState parentState;
  final VoteBook votes;

  int round;
  Step step = Step.PROPOSE;

  /** The round and block of this node's latest non-nil precommit (its lock), or -1 / null. */
  int lockedRound = -1;

  Hash lockedHash;

  /** The latest round in which this node saw a quorum of prevotes for a block, and that block. */
  int validRound = -1;

  Block validBlock;

  /** The first proposal from the expected proposer, per consensus round. */
  final Map<Integer, Proposal> proposals = new HashMap<>();

  /** Blocks proposed (or fetched) at this height, by hash, oldest first. */
  final Map<Hash, Block> blocks = new LinkedHashMap<>();

  /** Full verification verdicts, by block hash (a block is re-verified at most once). */
  final Map<Hash, BlockVerifier.Outcome> verdicts = new HashMap<>();

  /** A commit for this height learned from a peer's announcement or from the next block. */
  CommitCertificate knownCommit;

  final Set<Integer> prevoteTimeoutScheduled = new HashSet<>();
  final Set<Integer> precommitTimeoutScheduled = new HashSet<>();
  final Set<Integer> validUpdated = new HashSet<>();
  final Set<Integer> proposed = new HashSet<>();

  boolean decided;

  /** A committed block failed the deterministic checks: more than a third of validators lied. */
  boolean halted;

  HeightState(long height, Block parent, WorldState parentState, int quorum) {
    this.height = height;
    this.parent = parent;
    this.parentState = parentState;
    this.votes = new VoteBook(height, quorum);
  }

  /** Adds a candidate block, evicting the oldest one that is neither locked nor valid. */
  void addBlock(Block b) {
    if (blocks.containsKey(b.hash())) {
      return;
    }
    if (blocks.size() >= MAX_BLOCKS) {
      Hash victim = null;
      for (Hash h : blocks.keySet()) {
        boolean keep =
            h.equals(lockedHash)
                || (validBlock != null && h.equals(validBlock.hash()))
                || (knownCommit != null && h.equals(knownCommit.blockHash()));
        if (!keep) {
          victim = h;
          break;
        }
      }
      if (victim == null) {
        return;
      }
      blocks.remove(victim);
      verdicts.remove(victim);
    }
    blocks.put(b.hash(), b);
  }
}
