package org.learnchain.node.cli.problem;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.PredictReply;
import org.learnchain.proto.api.PredictRequest;
import org.learnchain.proto.api.ProblemRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code learnchain problem predict ID --input FILE}: the node runs the problem's winning model on
 * the file's samples, so the model is usable without DL4J on the client.
 */
@Command(
    name = "predict",
    description = {
      "Run the winning model of a solved problem on new inputs: a CSV with a header row and the",
      "feature columns (a test file works with --label-column), or an IDX images file (gzip or",
      "not). Prints one line per sample: the predicted class and the class probabilities, or",
      "the predicted value of a regression. The node's API token is required."
    })
public final class ProblemPredictCommand extends ClientCommand {
  @Parameters(paramLabel = "ID", description = "problem id (64 hex characters)")
  private String id;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "CSV or IDX")
  private Path input;

  @Option(
      names = "--label-column",
      paramLabel = "NAME",
      description = "a CSV column to leave out (e.g. the labels of a test file)")
  private String labelColumn;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "auto",
      description = "csv, idx or auto (IDX by its magic number; default)")
  private String format;

  public ProblemPredictCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected boolean needsToken() {
    return true;
  }

  @Override
  protected int run(ApiClient client) throws IOException {
    Optional<ProblemRequest> req = ProblemIds.parse(id);
    if (req.isEmpty()) {
      return usage(ProblemIds.BAD_ID);
    }
    byte[] data;
    try {
      data = Files.readAllBytes(input);
    } catch (NoSuchFileException e) {
      return fail(input + ": no such file");
    }
    String f = format.toLowerCase(Locale.ROOT);
    if (f.equals("auto")) {
      f = looksLikeIdx(data) ? "idx" : "csv";
    } else if (!f.equals("csv") && !f.equals("idx")) {
      return usage("--format must be csv, idx or auto");
    }
    PredictRequest.Builder r =
        PredictRequest.newBuilder()
            .setProblemId(req.get().getProblemId())
            .setFormat(f)
            .setInput(ByteString.copyFrom(data));
    if (labelColumn != null) {
      r.setLabelColumn(labelColumn);
    }
    PredictReply p = client.problems().predict(r.build());
    boolean classes = p.getTask().equals("classification");
    int w = p.getWidth();
    if (options.json()) {
      JsonObject o = Json.object();
      o.addProperty("problemId", Json.hex(p.getProblemId()));
      o.addProperty("task", p.getTask());
      o.addProperty("modelHash", Json.hex(p.getModelHash()));
      o.addProperty("height", p.getHeight());
      JsonArray labels = new JsonArray();
      JsonArray rows = new JsonArray();
      for (int i = 0; i < p.getCount(); i++) {
        if (classes) {
          labels.add(p.getLabels(i));
        }
        JsonArray row = new JsonArray();
        for (int j = 0; j < w; j++) {
          row.add(p.getOutputs(i * w + j));
        }
        rows.add(row);
      }
      if (classes) {
        o.add("labels", labels);
        o.add("probabilities", rows);
      } else {
        o.add("values", rows);
      }
      ctx.out().println(o);
      return 0;
    }
    for (int i = 0; i < p.getCount(); i++) {
      StringBuilder line = new StringBuilder();
      if (classes) {
        line.append(p.getLabels(i));
      }
      for (int j = 0; j < w; j++) {
        if (line.length() > 0) {
          line.append(' ');
        }
        line.append(String.format(Locale.ROOT, classes ? "%.4f" : "%.6g", p.getOutputs(i * w + j)));
      }
      ctx.out().println(line);
    }
    return 0;
  }

  /** Whether {@code data} (gzip or not) starts with the IDX images magic number. */
  static boolean looksLikeIdx(byte[] data) {
    byte[] head = data;
    if (data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
        head = in.readNBytes(4);
      } catch (IOException e) {
        return false; // the node reports what is wrong with the file
      }
    }
    return head.length >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 8 && head[3] == 3;
  }
}
