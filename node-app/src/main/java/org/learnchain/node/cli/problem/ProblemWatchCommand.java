package org.learnchain.node.cli.problem;

import com.google.gson.JsonObject;
import java.util.Iterator;
import java.util.Optional;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.ProblemEvent;
import org.learnchain.proto.api.ProblemRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code learnchain problem watch ID}: follows a problem live until it is closed. */
@Command(
    name = "watch",
    description = {
      "Follow a problem live: phase, time left, commits and predictions received, the winner's",
      "score, the block. Ends when the problem is solved, wasted or expired (or on Ctrl-C).",
      "--json prints one object per line."
    })
public final class ProblemWatchCommand extends ClientCommand {
  @Parameters(paramLabel = "ID", description = "problem id (64 hex characters)")
  private String id;

  public ProblemWatchCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) {
    Optional<ProblemRequest> req = ProblemIds.parse(id);
    if (req.isEmpty()) {
      return usage(ProblemIds.BAD_ID);
    }
    Iterator<ProblemEvent> events = client.problemsUnbounded().watchProblem(req.get());
    while (events.hasNext()) {
      ProblemEvent e = events.next();
      if (options.json()) {
        JsonObject o = Json.object();
        o.addProperty("atMs", e.getAtMs());
        o.addProperty("state", e.getState());
        o.addProperty("round", e.getRound());
        o.addProperty("timeLeftMs", e.getTimeLeftMs());
        o.addProperty("commits", e.getCommits());
        o.addProperty("predictions", e.getPredictions());
        o.add("score", Json.number(e.getBestScore()));
        o.add("winner", Json.hexOrNull(e.getWinner()));
        o.addProperty("height", e.getHeight());
        o.add("blockHash", Json.hexOrNull(e.getBlockHash()));
        o.addProperty("final", e.getFinal());
        ctx.out().println(o);
      } else {
        StringBuilder sb = new StringBuilder(String.format("%-10s", e.getState()));
        switch (e.getState()) {
          case "training", "evaluating", "awarding" ->
              sb.append(
                  String.format(
                      " round %d  %5.1f s left  commits %d  predictions %d",
                      e.getRound(),
                      e.getTimeLeftMs() / 1000.0,
                      e.getCommits(),
                      e.getPredictions()));
          case "solved" ->
              sb.append(" in block ")
                  .append(e.getHeight())
                  .append("  winner ")
                  .append(Json.hex(e.getWinner()))
                  .append("  score ")
                  .append(Json.score(e.getBestScore()));
          default -> sb.append(" (included at height ").append(e.getHeight()).append(')');
        }
        if (!e.getWinner().isEmpty() && !e.getState().equals("solved")) {
          sb.append("  certified winner score ").append(Json.score(e.getBestScore()));
        }
        ctx.out().println(sb);
      }
      ctx.out().flush();
    }
    return 0;
  }
}
