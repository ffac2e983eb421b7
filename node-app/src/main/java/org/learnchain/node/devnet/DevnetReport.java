package org.learnchain.node.devnet;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;

/**
 * What a devnet run produced: its useful-work blocks and the state every node agreed on at the end.
 *
 * @param dataset the built-in problem's dataset
 * @param nodes how many nodes ran
 * @param blocks the useful-work blocks, in height order
 * @param height the head height all nodes agreed on
 * @param headHash that head's hash
 * @param stateRoot its state root, recomputed by every node
 * @param agreed whether every node reached the same head with the same state root
 * @param elapsedMs wall time from the first node's start to the summary
 */
public record DevnetReport(
    String dataset,
    int nodes,
    List<UsefulBlock> blocks,
    long height,
    Hash headHash,
    Hash stateRoot,
    boolean agreed,
    long elapsedMs) {

  public DevnetReport {
    blocks = List.copyOf(blocks);
  }

  /**
   * One useful-work block.
   *
   * @param winnerNode index of the winning node in the devnet
   * @param score the certified score (accuracy on the test set)
   * @param verifyMs how long the submitter's node took to verify the model (hash, limits, re-run)
   * @param verifiedBy nodes whose canonical chain holds the block (each verified it in full)
   */
  public record UsefulBlock(
      long height,
      Hash hash,
      int winnerNode,
      Address winner,
      double score,
      Hash modelHash,
      long verifyMs,
      String family,
      int verifiedBy) {}

  /** The JSON: {@code {"blocks":[{"height","winner","score","modelHash","verifyMs"}]}}. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    JsonArray arr = new JsonArray();
    for (UsefulBlock b : blocks) {
      JsonObject j = new JsonObject();
      j.addProperty("height", b.height());
      j.addProperty("hash", b.hash().toHex());
      j.addProperty("winner", b.winner().toHex());
      j.addProperty("winnerNode", b.winnerNode());
      j.addProperty("score", b.score());
      j.addProperty("modelHash", b.modelHash().toHex());
      j.addProperty("verifyMs", b.verifyMs());
      j.addProperty("family", b.family());
      j.addProperty("verifiedBy", b.verifiedBy());
      arr.add(j);
    }
    o.add("blocks", arr);
    o.addProperty("dataset", dataset);
    o.addProperty("nodes", nodes);
    o.addProperty("height", height);
    o.addProperty("headHash", headHash.toHex());
    o.addProperty("stateRoot", stateRoot.toHex());
    o.addProperty("agreed", agreed);
    o.addProperty("elapsedMs", elapsedMs);
    return o;
  }

  /** A table for people. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%n%d useful-work block(s) on %s, %d nodes, %.1f s%n",
            blocks.size(),
            dataset,
            nodes,
            elapsedMs / 1000.0));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-7s %-7s %-10s %-9s %-12s %-18s %s%n",
            "height",
            "winner",
            "accuracy",
            "verifyMs",
            "model",
            "family",
            "verified by"));
    for (UsefulBlock b : blocks) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-7d %-7s %-10.4f %-9d %-12s %-18s %d/%d nodes%n",
              b.height(),
              "node" + b.winnerNode(),
              b.score(),
              b.verifyMs(),
              b.modelHash().toShortHex(),
              b.family(),
              b.verifiedBy(),
              nodes));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%s at height %d, head %s, state root %s%n",
            agreed ? "all nodes agree" : "NODES DISAGREE",
            height,
            headHash.toShortHex(),
            stateRoot.toShortHex()));
    return sb.toString();
  }
}
