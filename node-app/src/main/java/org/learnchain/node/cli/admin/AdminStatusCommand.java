package org.learnchain.node.cli.admin;

import com.google.gson.JsonObject;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.StatusRequest;
import picocli.CommandLine.Command;

/** {@code learnchain admin status}: head, finality, peers and the round. */
@Command(name = "status", description = "Show the node's head, finalized height, peers and round.")
public final class AdminStatusCommand extends ClientCommand {
  public AdminStatusCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) {
    StatusReply s = client.node().getStatus(StatusRequest.getDefaultInstance());
    if (options.json()) {
      JsonObject o = Json.object();
      o.addProperty("height", s.getHeight());
      o.addProperty("headHash", Json.hex(s.getHeadHash()));
      o.addProperty("finalizedHeight", s.getFinalizedHeight());
      o.addProperty("peers", s.getPeers());
      o.addProperty("chainId", s.getChainId());
      o.addProperty("genesisHash", Json.hex(s.getGenesisHash()));
      o.addProperty("nodeAddress", Json.hex(s.getNodeAddress()));
      o.addProperty("round", s.getRound());
      o.addProperty("phase", s.getPhase());
      o.addProperty("mempoolSize", s.getMempoolSize());
      o.addProperty("headTimestampMs", s.getHeadTimestampMs());
      o.addProperty("version", s.getVersion());
      o.addProperty("supplyHeight", s.getSupplyHeight());
      o.addProperty("genesisSupply", s.getGenesisSupply());
      o.addProperty("minted", s.getMinted());
      o.addProperty("burned", s.getBurned());
      o.addProperty("escrow", s.getEscrow());
      ctx.out().println(o);
    } else {
      ctx.out()
          .println(
              "chain       "
                  + s.getChainId()
                  + " (genesis "
                  + Json.shortHex(s.getGenesisHash())
                  + ")");
      ctx.out().println("node        " + Json.hex(s.getNodeAddress()));
      ctx.out()
          .println("height      " + s.getHeight() + " (head " + Json.hex(s.getHeadHash()) + ")");
      ctx.out().println("finalized   " + s.getFinalizedHeight());
      ctx.out().println("peers       " + s.getPeers());
      ctx.out().println("round       " + s.getRound() + " (" + s.getPhase() + ")");
      ctx.out().println("mempool     " + s.getMempoolSize() + " transactions");
      ctx.out().println("version     " + s.getVersion());
      ctx.out()
          .println(
              "supply      genesis "
                  + s.getGenesisSupply()
                  + " + minted "
                  + s.getMinted()
                  + " - burned "
                  + s.getBurned()
                  + " (escrow "
                  + s.getEscrow()
                  + ", at height "
                  + s.getSupplyHeight()
                  + ")");
    }
    return 0;
  }
}
