package org.learnchain.node.cli.problem;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Optional;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.LeaderboardEntry;
import org.learnchain.proto.api.LeaderboardReply;
import org.learnchain.proto.api.ProblemRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code learnchain problem leaderboard ID}: every miner's score per round, from the chain. */
@Command(
    name = "leaderboard",
    description = {
      "Every miner's score in every round of a problem, read from the chain's blocks: the",
      "certified ranking of a useful round, the committed miners of a wasted one (no scores)."
    })
public final class ProblemLeaderboardCommand extends ClientCommand {
  @Parameters(paramLabel = "ID", description = "problem id (64 hex characters)")
  private String id;

  public ProblemLeaderboardCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) {
    Optional<ProblemRequest> req = ProblemIds.parse(id);
    if (req.isEmpty()) {
      return usage(ProblemIds.BAD_ID);
    }
    LeaderboardReply r = client.problems().getLeaderboard(req.get());
    if (options.json()) {
      JsonObject o = Json.object();
      o.addProperty("problemId", Json.hex(r.getProblemId()));
      o.addProperty("metric", r.getMetric());
      o.addProperty("higherIsBetter", r.getHigherIsBetter());
      JsonArray entries = new JsonArray();
      for (LeaderboardEntry e : r.getEntriesList()) {
        JsonObject j = Json.object();
        j.addProperty("height", e.getHeight());
        j.addProperty("round", e.getRound());
        j.addProperty("attempt", e.getAttempt());
        j.addProperty("outcome", e.getOutcome());
        j.addProperty("rank", e.getRank());
        j.addProperty("miner", Json.hex(e.getMiner()));
        j.add("score", Json.number(e.getScore()));
        j.addProperty("winner", e.getWinner());
        entries.add(j);
      }
      o.add("entries", entries);
      ctx.out().println(o);
      return 0;
    }
    if (r.getEntriesCount() == 0) {
      ctx.out().println("no round of this problem on chain yet");
      return 0;
    }
    ctx.out()
        .printf("%-7s %-6s %-4s %-40s %-10s%n", "height", "round", "rank", "miner", r.getMetric());
    for (LeaderboardEntry e : r.getEntriesList()) {
      ctx.out()
          .printf(
              "%-7d %-6d %-4s %-40s %-10s%s%n",
              e.getHeight(),
              e.getRound(),
              e.getRank() == 0 ? "-" : Integer.toString(e.getRank()),
              Json.hex(e.getMiner()),
              e.getOutcome().equals("wasted") ? "wasted" : Json.score(e.getScore()),
              e.getWinner() ? "  winner" : "");
    }
    return 0;
  }
}
