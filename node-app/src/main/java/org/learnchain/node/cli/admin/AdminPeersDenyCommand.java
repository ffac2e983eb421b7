package org.learnchain.node.cli.admin;

import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.admin.DeniedPeersReply;
import org.learnchain.proto.admin.PeerKeyRequest;
import picocli.CommandLine.Command;

/** {@code learnchain admin peers deny KEY}: cut a member off at the p2p layer. */
@Command(
    name = "deny",
    description = {
      "Put a member on the node's runtime deny list: its session is dropped at once and it is",
      "neither dialled nor admitted until 'admin peers allow'. The list is kept in memory only:",
      "a restart of the node clears it. Needs --token-file."
    })
public final class AdminPeersDenyCommand extends DenyListCommand {
  public AdminPeersDenyCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected DeniedPeersReply call(ApiClient client, PeerKeyRequest request) {
    return client.admin().denyPeer(request);
  }

  @Override
  protected String verb() {
    return "denied";
  }
}
