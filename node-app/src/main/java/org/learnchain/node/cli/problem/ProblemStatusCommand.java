package org.learnchain.node.cli.problem;

import com.google.gson.JsonObject;
import java.util.Optional;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.ProblemReply;
import org.learnchain.proto.api.ProblemRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code learnchain problem status ID}: where a problem stands. */
@Command(
    name = "status",
    description =
        "Show a problem's state (pending, training, evaluating, awarding, solved, wasted, expired).")
public final class ProblemStatusCommand extends ClientCommand {
  @Parameters(paramLabel = "ID", description = "problem id (64 hex characters)")
  private String id;

  public ProblemStatusCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) {
    Optional<ProblemRequest> req = ProblemIds.parse(id);
    if (req.isEmpty()) {
      return usage(ProblemIds.BAD_ID);
    }
    ProblemReply r = client.problems().getProblem(req.get());
    if (options.json()) {
      JsonObject o = Json.object();
      o.addProperty("problemId", Json.hex(r.getProblemId()));
      o.addProperty("state", r.getState());
      o.addProperty("height", r.getHeight());
      o.add("winner", Json.hexOrNull(r.getWinner()));
      o.add("score", Json.number(r.getScore()));
      o.addProperty("bounty", r.getBounty());
      o.addProperty("submitter", Json.hex(r.getSubmitter()));
      o.addProperty("includedHeight", r.getIncludedHeight());
      o.addProperty("closedHeight", r.getClosedHeight());
      o.add("modelHash", Json.hexOrNull(r.getModelHash()));
      o.add("blockHash", Json.hexOrNull(r.getBlockHash()));
      ctx.out().println(o);
    } else {
      ctx.out().println("problem     " + Json.hex(r.getProblemId()));
      ctx.out().println("state       " + r.getState() + " (height " + r.getHeight() + ")");
      ctx.out().println("bounty      " + r.getBounty());
      if (!r.getWinner().isEmpty()) {
        ctx.out().println("winner      " + Json.hex(r.getWinner()));
        ctx.out().println("score       " + Json.score(r.getScore()));
        ctx.out().println("model       " + Json.hex(r.getModelHash()));
      }
    }
    return 0;
  }
}
