package org.learnchain.node.cli.admin;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.Peer;
import org.learnchain.proto.api.PeersReply;
import org.learnchain.proto.api.PeersRequest;
import picocli.CommandLine.Command;

/** {@code learnchain admin peers}: the authenticated peers connected now. */
@Command(
    name = "peers",
    description = {
      "List the node's connected, authenticated peers.",
      "Subcommands deny/allow/denied manage the node's runtime peer deny list."
    })
public final class AdminPeersCommand extends ClientCommand {
  public AdminPeersCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) {
    PeersReply r = client.node().getPeers(PeersRequest.getDefaultInstance());
    if (options.json()) {
      JsonArray arr = new JsonArray();
      for (Peer p : r.getPeersList()) {
        JsonObject o = Json.object();
        o.addProperty("address", Json.hex(p.getAddress()));
        o.addProperty("publicKey", Json.hex(p.getPublicKey()));
        o.addProperty("remote", p.getRemote());
        o.addProperty("listen", p.getListen());
        o.addProperty("outbound", p.getOutbound());
        o.addProperty("score", p.getScore());
        o.addProperty("connectedMs", p.getConnectedMs());
        arr.add(o);
      }
      ctx.out().println(arr);
    } else {
      for (Peer p : r.getPeersList()) {
        ctx.out()
            .printf(
                "%s  %-21s %-8s score %d, up %d s%n",
                Json.hex(p.getAddress()),
                p.getListen().isEmpty() ? p.getRemote() : p.getListen(),
                p.getOutbound() ? "outbound" : "inbound",
                p.getScore(),
                p.getConnectedMs() / 1000);
      }
      ctx.out().println(r.getPeersCount() + " peer(s)");
    }
    return 0;
  }
}
