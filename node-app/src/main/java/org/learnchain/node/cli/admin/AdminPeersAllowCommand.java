package org.learnchain.node.cli.admin;

import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.admin.DeniedPeersReply;
import org.learnchain.proto.admin.PeerKeyRequest;
import picocli.CommandLine.Command;

/** {@code learnchain admin peers allow KEY}: take a member off the deny list. */
@Command(
    name = "allow",
    description = {
      "Take a member off the node's deny list; the node dials it again within seconds.",
      "Needs --token-file."
    })
public final class AdminPeersAllowCommand extends DenyListCommand {
  public AdminPeersAllowCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected DeniedPeersReply call(ApiClient client, PeerKeyRequest request) {
    return client.admin().allowPeer(request);
  }

  @Override
  protected String verb() {
    return "allowed";
  }
}
