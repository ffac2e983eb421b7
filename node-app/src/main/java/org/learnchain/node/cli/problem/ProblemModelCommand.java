package org.learnchain.node.cli.problem;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.Optional;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.ModelChunk;
import org.learnchain.proto.api.ProblemRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code learnchain problem model ID --out FILE}: downloads and checks the winning model. */
@Command(
    name = "model",
    description = {
      "Download the winning model of a solved problem (DL4J canonical zip) to --out, checked",
      "against the model hash on chain. An existing file is never overwritten."
    })
public final class ProblemModelCommand extends ClientCommand {
  @Parameters(paramLabel = "ID", description = "problem id (64 hex characters)")
  private String id;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "where to write the model")
  private Path out;

  public ProblemModelCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) throws IOException {
    Optional<ProblemRequest> req = ProblemIds.parse(id);
    if (req.isEmpty()) {
      return usage(ProblemIds.BAD_ID);
    }
    if (Files.exists(out)) {
      return fail(out + " exists; refusing to overwrite it");
    }
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".model", ".part");
    try {
      Iterator<ModelChunk> chunks = client.problems().downloadModel(req.get());
      MessageDigest md = Hashing.newSha256();
      long total = 0;
      long height = 0;
      Hash expected = null;
      try (OutputStream o = Files.newOutputStream(tmp)) {
        while (chunks.hasNext()) {
          ModelChunk c = chunks.next();
          if (c.getOffset() != total) {
            return fail("the node sent the model out of order");
          }
          c.getData().writeTo(o);
          md.update(c.getData().toByteArray());
          total += c.getData().size();
          expected = Hash.wrap(c.getModelHash().toByteArray());
          height = c.getHeight();
        }
      }
      Hash actual = Hashing.finish(md);
      if (expected == null || !actual.equals(expected)) {
        return fail("the downloaded model does not match its hash on chain");
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      if (options.json()) {
        JsonObject j = Json.object();
        j.addProperty("problemId", id);
        j.addProperty("modelHash", actual.toHex());
        j.addProperty("bytes", total);
        j.addProperty("height", height);
        j.addProperty("out", out.toAbsolutePath().toString());
        ctx.out().println(j);
      } else {
        ctx.out()
            .println(
                "model "
                    + actual.toHex()
                    + " ("
                    + total
                    + " bytes, block "
                    + height
                    + ") -> "
                    + out);
      }
      return 0;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
