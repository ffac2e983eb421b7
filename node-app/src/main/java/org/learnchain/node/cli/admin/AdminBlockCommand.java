package org.learnchain.node.cli.admin;

import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.GetBlockRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code learnchain admin block HEIGHT}: one canonical block. */
@Command(name = "block", description = "Show the canonical block at HEIGHT.")
public final class AdminBlockCommand extends ClientCommand {
  @Parameters(paramLabel = "HEIGHT", description = "block height")
  private long height;

  public AdminBlockCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) {
    if (height < 0) {
      return usage("HEIGHT must not be negative");
    }
    BlockView b = client.node().getBlock(GetBlockRequest.newBuilder().setHeight(height).build());
    if (options.json()) {
      ctx.out().println(BlockJson.of(b));
    } else {
      ctx.out()
          .println(
              "height      "
                  + b.getHeight()
                  + " ("
                  + b.getKind()
                  + (b.getFinalized() ? ", final" : ", not final")
                  + ")");
      ctx.out().println("hash        " + Json.hex(b.getHash()));
      ctx.out().println("prevHash    " + Json.hex(b.getPrevHash()));
      ctx.out().println("stateRoot   " + Json.hex(b.getStateRoot()));
      ctx.out().println("proposer    " + Json.hex(b.getProposer()));
      if (b.getKind().equals("useful")) {
        ctx.out().println("problemId   " + Json.hex(b.getProblemId()));
        ctx.out().println("winner      " + Json.hex(b.getWinner()));
        ctx.out().println("score       " + Json.score(b.getScore()));
        ctx.out()
            .println(
                "modelHash   " + Json.hex(b.getModelHash()) + " (" + b.getModelBytes() + " bytes)");
      }
      ctx.out().println("txCount     " + b.getTxCount());
    }
    return 0;
  }
}
