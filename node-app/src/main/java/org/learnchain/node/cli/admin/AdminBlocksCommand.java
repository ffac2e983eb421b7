package org.learnchain.node.cli.admin;

import com.google.gson.JsonArray;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.ListBlocksReply;
import org.learnchain.proto.api.ListBlocksRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code learnchain admin blocks}: a range of canonical blocks, the latest by default. */
@Command(name = "blocks", description = "List canonical blocks (default: the last 10).")
public final class AdminBlocksCommand extends ClientCommand {
  @Option(
      names = "--from",
      paramLabel = "HEIGHT",
      description = "first height (default: the last COUNT blocks)")
  private Long from;

  @Option(
      names = "--count",
      paramLabel = "N",
      defaultValue = "10",
      description = "blocks, 1..100 (default ${DEFAULT-VALUE})")
  private int count;

  public AdminBlocksCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) {
    if (count < 1 || count > 100 || (from != null && from < 0)) {
      return usage("--count must be 1..100 and --from a height >= 0");
    }
    ListBlocksRequest.Builder req = ListBlocksRequest.newBuilder().setCount(count);
    if (from != null) {
      req.setFromHeight(from);
    }
    ListBlocksReply r = client.node().listBlocks(req.build());
    if (options.json()) {
      JsonArray arr = new JsonArray();
      r.getBlocksList().forEach(b -> arr.add(BlockJson.of(b)));
      ctx.out().println(arr);
    } else {
      for (BlockView b : r.getBlocksList()) {
        BlockJson.line(ctx.out(), b);
      }
    }
    return 0;
  }
}
