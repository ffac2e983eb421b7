package org.learnchain.ml.infer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.learnchain.crypto.Hash;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.spec.ProblemSpec;

/**
 * The child process of {@link CrossBuildVerificationTest}: selects a native build and a thread
 * count, then verifies each case the parent wrote and prints one line per case, {@code case=NAME
 * ok=BOOL headroom=X reason=...}, after a line naming the native library it loaded.
 *
 * <p>Arguments: {@code DIR VARIANT THREADS}.
 */
public final class CrossBuildVerifier {
  static final List<String> CASES =
      List.of("honest", "flipped-label", "other-seed", "edited-weight", "edited-bytes");

  private CrossBuildVerifier() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Result<String> variant = MlRuntime.selectCpuVariant(args[1]);
    if (!variant.isOk()) {
      System.out.println("unsupported " + variant.reason());
      return;
    }
    int threads = Integer.parseInt(args[2]);
    MlRuntime.start(threads);
    // By name: the class exists only with the CPU backend (the cuda profile compiles this too).
    String library =
        org.bytedeco.javacpp.Loader.load(
            Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu"));
    System.out.println("library " + library);
    ProblemSpec spec = ProblemSpec.decode(Files.readAllBytes(dir.resolve("spec"))).value();
    Inputs inputs = Inputs.decode(Files.readAllBytes(dir.resolve("inputs")), 100_000).value();
    double tolerance = Double.parseDouble(Files.readString(dir.resolve("tolerance")).trim());
    for (String name : CASES) {
      Path c = dir.resolve(name);
      byte[] model = Files.readAllBytes(c.resolve("model"));
      Hash claimed = Hash.wrap(Files.readAllBytes(c.resolve("hash")));
      Predictions committed =
          Predictions.decode(
                  Files.readAllBytes(c.resolve("predictions")),
                  inputs.count(),
                  spec.task().outputWidth())
              .value();
      Result<Verification> v = Verifier.verify(model, claimed, spec, inputs, committed, tolerance);
      System.out.println(
          String.format(
              Locale.ROOT,
              "case=%s ok=%s headroom=%.4g reason=%s",
              name,
              v.isOk(),
              v.isOk() ? v.value().headroom() : Double.NaN,
              v.isOk() ? "" : v.reason().replace('\n', ' ')));
    }
  }
}
