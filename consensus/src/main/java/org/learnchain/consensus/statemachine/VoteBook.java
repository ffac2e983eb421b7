package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.learnchain.consensus.message.Vote;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PublicKey;

/**
 * The signature-checked votes of one height, by consensus round and kind. A validator's second,
 * different vote for one round and kind is returned as a conflict (for evidence), and it still
 * counts toward the block it names: a quorum for a block is any set of votes for it from more than
 * two thirds of distinct validators, whoever else they also voted for. That is what the safety
 * argument needs (any two quorums share an honest validator), and without it honest nodes that saw
 * an equivocator's votes in different orders could never agree that a quorum exists. Memory is
 * bounded: at most {@link #MAX_VOTES_PER_VALIDATOR} votes per validator, round and kind.
 */
final class VoteBook {
  private final long height;
  private final int quorum;
  private final TreeMap<Integer, Map<PublicKey, Vote>> prevotes = new TreeMap<>();
  private final TreeMap<Integer, Map<PublicKey, Vote>> precommits = new TreeMap<>();
  private final TreeMap<Integer, Map<Hash, Map<PublicKey, Vote>>> prevotesByBlock = new TreeMap<>();
  private final TreeMap<Integer, Map<Hash, Map<PublicKey, Vote>>> precommitsByBlock =
      new TreeMap<>();
  private final Map<String, Integer> perValidator = new HashMap<>();
  private final Set<String> conflictsSeen = new HashSet<>();

  static final int MAX_VOTES_PER_VALIDATOR = 4;

  VoteBook(long height, int quorum) {
    this.height = height;
    this.quorum = quorum;
  }

  long height() {
    return height;
  }

  /**
   * Records {@code v} (already checked: a validator's, of this height, signature valid).
   *
   * @return the earlier conflicting vote of the same validator, kind and round, if any (reported
   *     once per validator, kind and round)
   */
  Optional<Vote> add(Vote v) {
    Map<PublicKey, Vote> byBlock =
        byBlock(v.kind())
            .computeIfAbsent(v.bftRound(), r -> new HashMap<>())
            .computeIfAbsent(v.blockHash(), h -> new LinkedHashMap<>());
    if (!byBlock.containsKey(v.validator())) {
      String quota = v.kind() + "/" + v.bftRound() + "/" + v.validator().toHex();
      int n = perValidator.getOrDefault(quota, 0);
      if (n >= MAX_VOTES_PER_VALIDATOR) {
        return Optional.empty();
      }
      perValidator.put(quota, n + 1);
      byBlock.put(v.validator(), v);
    }
    Map<PublicKey, Vote> round =
        book(v.kind()).computeIfAbsent(v.bftRound(), r -> new LinkedHashMap<>());
    Vote earlier = round.putIfAbsent(v.validator(), v);
    if (earlier != null
        && !earlier.blockHash().equals(v.blockHash())
        && conflictsSeen.add(v.kind() + "/" + v.bftRound() + "/" + v.validator().toHex())) {
      return Optional.of(earlier);
    }
    return Optional.empty();
  }

  private TreeMap<Integer, Map<Hash, Map<PublicKey, Vote>>> byBlock(MessageType kind) {
    return kind == MessageType.PREVOTE ? prevotesByBlock : precommitsByBlock;
  }

  private TreeMap<Integer, Map<PublicKey, Vote>> book(MessageType kind) {
    return kind == MessageType.PREVOTE ? prevotes : precommits;
  }

  /** Votes of {@code kind} in {@code round} for {@code hash} ({@link Hash#ZERO}: nil). */
  int count(MessageType kind, int round, Hash hash) {
    return byBlock(kind).getOrDefault(round, Map.of()).getOrDefault(hash, Map.of()).size();
  }

  /** Votes of {@code kind} in {@code round}, for anything. */
  int total(MessageType kind, int round) {
    return book(kind).getOrDefault(round, Map.of()).size();
  }

  boolean quorumFor(MessageType kind, int round, Hash hash) {
    return count(kind, round, hash) >= quorum;
  }

  boolean quorumAny(MessageType kind, int round) {
    return total(kind, round) >= quorum;
  }

  /** The block (not nil) that has a quorum of {@code kind} in {@code round}, if any. */
  Optional<Hash> quorumBlock(MessageType kind, int round) {
    for (Map.Entry<Hash, Map<PublicKey, Vote>> e :
        byBlock(kind).getOrDefault(round, Map.of()).entrySet()) {
      if (!e.getKey().equals(Hash.ZERO) && e.getValue().size() >= quorum) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  /** Rounds in which some block has a quorum of precommits (a commit), lowest first. */
  List<Integer> roundsWithVotes(MessageType kind) {
    return new ArrayList<>(book(kind).keySet());
  }

  /** The precommits for {@code hash} in {@code round}: a commit once there is a quorum of them. */
  List<Vote> precommitsFor(int round, Hash hash) {
    return votesFor(precommitsByBlock, round, hash);
  }

  /** The prevotes for {@code hash} in {@code round}: a proof of lock once there is a quorum. */
  List<Vote> prevotesFor(int round, Hash hash) {
    return votesFor(prevotesByBlock, round, hash);
  }

  private static List<Vote> votesFor(
      TreeMap<Integer, Map<Hash, Map<PublicKey, Vote>>> book, int round, Hash hash) {
    return new ArrayList<>(
        book.getOrDefault(round, Map.of()).getOrDefault(hash, Map.of()).values());
  }

  /** Distinct validators with any vote in {@code round} (for skipping ahead to that round). */
  int validatorsIn(int round) {
    Set<PublicKey> s = new HashSet<>(prevotes.getOrDefault(round, Map.of()).keySet());
    s.addAll(precommits.getOrDefault(round, Map.of()).keySet());
    return s.size();
  }

  /** Every vote held, for re-sending to a peer that missed them. */
  List<Vote> all() {
    List<Vote> out = new ArrayList<>();
    prevotes.values().forEach(m -> out.addAll(m.values()));
    precommits.values().forEach(m -> out.addAll(m.values()));
    return out;
  }
}
