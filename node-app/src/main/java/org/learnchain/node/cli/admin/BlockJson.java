package org.learnchain.node.cli.admin;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import java.io.PrintWriter;
import org.learnchain.node.cli.client.Json;
import org.learnchain.proto.api.BlockView;

/** The JSON and text forms of a block view (admin block, admin blocks). */
final class BlockJson {
  private BlockJson() {}

  static JsonObject of(BlockView b) {
    JsonObject o = Json.object();
    o.addProperty("height", b.getHeight());
    o.addProperty("hash", Json.hex(b.getHash()));
    o.addProperty("prevHash", Json.hex(b.getPrevHash()));
    o.addProperty("stateRoot", Json.hex(b.getStateRoot()));
    o.addProperty("timestampMs", b.getTimestampMs());
    o.addProperty("kind", b.getKind());
    o.add(
        "problemId",
        b.getKind().equals("useful") || b.getKind().equals("wasted")
            ? Json.hexOrNull(b.getProblemId())
            : com.google.gson.JsonNull.INSTANCE);
    o.add("winner", Json.hexOrNull(b.getWinner()));
    o.add(
        "modelHash",
        b.getKind().equals("useful")
            ? Json.hexOrNull(b.getModelHash())
            : com.google.gson.JsonNull.INSTANCE);
    o.add("score", Json.number(b.getScore()));
    o.addProperty("txCount", b.getTxCount());
    o.addProperty("proposer", Json.hex(b.getProposer()));
    o.addProperty("attempt", b.getAttempt());
    o.addProperty("modelBytes", b.getModelBytes());
    o.addProperty("finalized", b.getFinalized());
    JsonArray txs = new JsonArray();
    for (ByteString h : b.getTxHashesList()) {
      txs.add(Json.hex(h));
    }
    o.add("transactions", txs);
    return o;
  }

  static void line(PrintWriter out, BlockView b) {
    out.printf(
        "%-7d %-8s %s  txs %-3d %s%s%n",
        b.getHeight(),
        b.getKind(),
        Json.shortHex(b.getHash()),
        b.getTxCount(),
        b.getKind().equals("useful")
            ? "winner "
                + Json.hex(b.getWinner())
                + " score "
                + Json.score(b.getScore())
                + " model "
                + Json.shortHex(b.getModelHash())
            : "proposer " + Json.hex(b.getProposer()),
        b.getFinalized() ? "" : "  (not final)");
  }
}
