package org.learnchain.node.cli.admin;

import com.google.gson.JsonObject;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.proto.api.VerifyBlockReply;
import org.learnchain.proto.api.VerifyBlockRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code learnchain admin verify-block HEIGHT}: the node re-verifies a stored block. */
@Command(
    name = "verify-block",
    description = {
      "Have the node re-verify the canonical block at HEIGHT: every consensus check while the",
      "parent's state is held, else the model's binding and a re-run of it against the winner's",
      "committed predictions. Needs --token-file. Exit code 1 when the block fails."
    })
public final class AdminVerifyBlockCommand extends ClientCommand {
  @Parameters(paramLabel = "HEIGHT", description = "block height")
  private long height;

  public AdminVerifyBlockCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected boolean needsToken() {
    return true;
  }

  @Override
  protected int run(ApiClient client) {
    if (height < 0) {
      return usage("HEIGHT must not be negative");
    }
    VerifyBlockReply r =
        client.node().verifyBlock(VerifyBlockRequest.newBuilder().setHeight(height).build());
    if (options.json()) {
      JsonObject o = Json.object();
      o.addProperty("height", r.getHeight());
      o.addProperty("hash", Json.hex(r.getHash()));
      o.addProperty("kind", r.getKind());
      o.addProperty("valid", r.getValid());
      o.addProperty("reason", r.getReason());
      o.addProperty("mode", r.getMode());
      o.addProperty("verifyMs", r.getVerifyMs());
      // Largest output difference over the tolerance (1 = the limit); null without a re-run.
      if (r.getHeadroom() >= 0) {
        o.addProperty("headroom", r.getHeadroom());
      } else {
        o.add("headroom", com.google.gson.JsonNull.INSTANCE);
      }
      o.add(
          "modelHash",
          r.getKind().equals("useful")
              ? Json.hexOrNull(r.getModelHash())
              : com.google.gson.JsonNull.INSTANCE);
      ctx.out().println(o);
    } else {
      ctx.out()
          .printf(
              "block %d (%s) %s: %s check in %d ms%s%s%n",
              r.getHeight(),
              r.getKind(),
              r.getValid() ? "valid" : "INVALID",
              r.getMode(),
              r.getVerifyMs(),
              r.getHeadroom() >= 0
                  ? String.format(
                      java.util.Locale.ROOT, ", headroom %.3g of the tolerance", r.getHeadroom())
                  : "",
              r.getValid() ? "" : ": " + r.getReason());
    }
    if (!r.getValid()) {
      ctx.err().println("error: block " + r.getHeight() + " failed verification: " + r.getReason());
      return ExitCodes.FAILURE;
    }
    return 0;
  }
}
