package org.learnchain.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.learnchain.proto.admin.BlockWorkReply;
import org.learnchain.proto.admin.BlockWorkRequest;
import org.learnchain.proto.admin.Commit;
import org.learnchain.proto.api.BlockView;

/**
 * What must hold on every live node after every scenario, checked only through the API:
 *
 * <ul>
 *   <li>the same block hash and state root at every height (below every node's head);
 *   <li>one block per round, at most one useful-work winner per round, each problem closed at most
 *       once;
 *   <li>every useful-work block's model hash is the one its certificate names, its proposer is the
 *       certified winner, and the winner's commit in the body opens with that model: {@code
 *       H(modelHash || minerKey || round)} is recomputed here, independently of the node's code;
 *   <li>every transaction and problem a node acknowledged is in exactly one block.
 * </ul>
 */
final class Invariants {
  private Invariants() {}

  static void check(Cluster cluster, Duration timeout) {
    List<NodeProcess> live = cluster.live();
    assertTrue(live.size() >= 2, "invariants need at least two live nodes: " + live);
    Set<String> acked = cluster.acknowledged();
    // Acknowledged transactions may still be in a pool: wait until the first live node has them
    // all, then until every node is at least that high.
    NodeProcess ref = live.get(0);
    long[] includedBy = new long[1];
    Await.until(
        "every acknowledged transaction (" + acked.size() + ") in " + ref + "'s chain",
        timeout,
        () -> {
          long head = ref.height();
          Map<String, Integer> seen = txCounts(Cluster.chain(ref, head));
          includedBy[0] = head;
          return seen.keySet().containsAll(acked);
        },
        () -> "missing from " + ref + ": " + missing(ref, acked));
    for (NodeProcess n : live) {
      Cluster.reachesHeight(n, includedBy[0], timeout);
    }
    // Blocks above the final height may still be replaced by the fork choice: compare every height
    // up to the lowest head, retrying while the nodes converge.
    Await.until(
        "the same canonical chain on " + live,
        timeout,
        () -> sameChain(live),
        () -> firstDifference(live));
    long top = live.stream().mapToLong(NodeProcess::height).min().orElseThrow();
    for (NodeProcess n : live) {
      List<BlockView> chain = Cluster.chain(n, top);
      assertEquals(top + 1, chain.size(), n + " lists every block to " + top);
      checkRounds(n, chain);
      Map<String, Integer> counts = txCounts(chain);
      for (String tx : acked) {
        assertEquals(
            1,
            counts.getOrDefault(tx, 0),
            "acknowledged tx " + tx + " in exactly one block of " + n);
      }
      checkUsefulWork(n, chain);
    }
  }

  private static boolean sameChain(List<NodeProcess> live) {
    return firstDifference(live).isEmpty();
  }

  /** Empty when every live node has the same hash and state root at every height to the lowest. */
  private static String firstDifference(List<NodeProcess> live) {
    long top = live.stream().mapToLong(NodeProcess::height).min().orElseThrow();
    if (top < 0) {
      return "a node does not answer";
    }
    List<BlockView> first = Cluster.chain(live.get(0), top);
    for (NodeProcess n : live.subList(1, live.size())) {
      List<BlockView> other = Cluster.chain(n, top);
      if (other.size() != first.size()) {
        return n + " lists " + other.size() + " blocks, " + live.get(0) + " " + first.size();
      }
      for (int i = 0; i < first.size(); i++) {
        BlockView a = first.get(i);
        BlockView b = other.get(i);
        if (!a.getHash().equals(b.getHash()) || !a.getStateRoot().equals(b.getStateRoot())) {
          return "height " + a.getHeight() + " differs between " + live.get(0) + " and " + n;
        }
      }
    }
    return "";
  }

  private static void checkRounds(NodeProcess n, List<BlockView> chain) {
    Map<ByteString, Long> closed = new HashMap<>();
    for (BlockView b : chain) {
      if (!b.getKind().equals("useful") && !b.getKind().equals("wasted")) {
        continue;
      }
      Long earlier = closed.put(b.getProblemId(), b.getHeight());
      assertTrue(
          earlier == null,
          "problem closed twice on " + n + ": heights " + earlier + " and " + b.getHeight());
    }
  }

  private static void checkUsefulWork(NodeProcess n, List<BlockView> chain) {
    for (BlockView b : chain) {
      if (!b.getKind().equals("useful")) {
        continue;
      }
      BlockWorkReply w =
          n.admin().getBlockWork(BlockWorkRequest.newBuilder().setHeight(b.getHeight()).build());
      String at = "useful block " + b.getHeight() + " on " + n;
      assertEquals(b.getHeight(), w.getRound(), at + ": round is the height (one block a round)");
      assertTrue(w.hasCertificate(), at + ": carries its certificate");
      // One certificate per height (attempt 0); consensus round r is proposed by the miner it
      // ranks r-th, and the block's attempt is the round it was first proposed in.
      assertEquals(0, w.getCertificate().getAttempt(), at + ": certificate attempt");
      assertTrue(
          w.getAttempt() < w.getCertificate().getRankingCount(), at + ": attempt within ranking");
      assertEquals(
          w.getCertificate().getRanking(w.getAttempt()),
          w.getProposer(),
          at + ": proposer is the miner ranked at the block's attempt");
      assertEquals(w.getRound(), w.getCertificate().getRound(), at + ": certificate round");
      assertEquals(b.getModelHash(), w.getModelHash(), at + ": block view's model hash");
      Commit winner =
          w.getCommitsList().stream()
              .filter(c -> c.getMiner().equals(w.getProposer()))
              .findFirst()
              .orElseThrow(() -> new AssertionError(at + ": the winner's commit is missing"));
      assertEquals(
          commitment(w.getModelHash(), w.getProposer(), w.getRound()),
          winner.getCommitment(),
          at + ": model hash opens the winner's commitment H(modelHash || minerKey || round)");
    }
  }

  /**
   * {@code SHA-256(modelHash || minerKey || round as 8 big-endian bytes)} (docs/protocol.md section
   * 3.1).
   */
  static ByteString commitment(ByteString modelHash, ByteString minerKey, long round) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(modelHash.toByteArray());
      d.update(minerKey.toByteArray());
      d.update(ByteBuffer.allocate(8).putLong(round).array());
      return ByteString.copyFrom(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Integer> txCounts(List<BlockView> chain) {
    Map<String, Integer> counts = new HashMap<>();
    for (BlockView b : chain) {
      for (ByteString tx : b.getTxHashesList()) {
        counts.merge(Cluster.HEX.formatHex(tx.toByteArray()), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static String missing(NodeProcess n, Set<String> acked) {
    Map<String, Integer> seen = txCounts(Cluster.chain(n, n.height()));
    return acked.stream()
        .filter(t -> !seen.containsKey(t))
        .map(t -> t.substring(0, 8))
        .toList()
        .toString();
  }
}
