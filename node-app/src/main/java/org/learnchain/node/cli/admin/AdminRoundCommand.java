package org.learnchain.node.cli.admin;

import com.google.gson.JsonObject;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.RoundReply;
import org.learnchain.proto.api.RoundRequest;
import picocli.CommandLine.Command;

/** {@code learnchain admin round}: the round being worked on, as the node sees it. */
@Command(name = "round", description = "Show the current round: phase, time left, commits, winner.")
public final class AdminRoundCommand extends ClientCommand {
  public AdminRoundCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) {
    RoundReply r = client.node().getRound(RoundRequest.getDefaultInstance());
    if (options.json()) {
      JsonObject o = Json.object();
      o.addProperty("round", r.getRound());
      o.addProperty("phase", r.getPhase());
      o.addProperty("timeLeftMs", r.getTimeLeftMs());
      o.add("problemId", Json.hexOrNull(r.getProblemId()));
      o.add("submitter", Json.hexOrNull(r.getSubmitter()));
      o.addProperty("commits", r.getCommits());
      o.addProperty("predictions", r.getPredictions());
      o.addProperty("testRevealed", r.getTestRevealed());
      o.addProperty("labelsRevealed", r.getLabelsRevealed());
      o.add("winner", Json.hexOrNull(r.getWinner()));
      o.add("winnerScore", Json.number(r.getWinnerScore()));
      o.add("bestValidationScore", Json.number(r.getBestValidationScore()));
      ctx.out().println(o);
    } else {
      ctx.out()
          .printf(
              "round       %d (%s, %.1f s left)%n",
              r.getRound(), r.getPhase(), r.getTimeLeftMs() / 1000.0);
      ctx.out()
          .println(
              "problem     " + (r.getProblemId().isEmpty() ? "none" : Json.hex(r.getProblemId())));
      ctx.out().println("commits     " + r.getCommits() + ", predictions " + r.getPredictions());
      ctx.out()
          .println(
              "reveals     test "
                  + (r.getTestRevealed() ? "yes" : "no")
                  + ", labels "
                  + (r.getLabelsRevealed() ? "yes" : "no"));
      ctx.out()
          .println(
              "winner      "
                  + (r.getWinner().isEmpty()
                      ? "-"
                      : Json.hex(r.getWinner()) + " score " + Json.score(r.getWinnerScore())));
    }
    return 0;
  }
}
