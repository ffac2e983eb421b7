package org.learnchain.node.cli.admin;

import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.admin.DeniedPeersRequest;
import picocli.CommandLine.Command;

/** {@code learnchain admin peers denied}: the node's deny list. */
@Command(name = "denied", description = "List the node's denied peer keys. Needs --token-file.")
public final class AdminPeersDeniedCommand extends ClientCommand {
  public AdminPeersDeniedCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected boolean needsToken() {
    return true;
  }

  @Override
  protected int run(ApiClient client) {
    DenyListCommand.print(
        ctx,
        options.json(),
        client.admin().listDeniedPeers(DeniedPeersRequest.getDefaultInstance()),
        null);
    return 0;
  }
}
