package org.learnchain.ml.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.crypto.Hash;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.data.BuiltinDatasets;
import org.learnchain.ml.model.ModelCodec;
import org.learnchain.ml.model.ModelLoader;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.train.ProgressListener;
import org.learnchain.ml.train.SearchPlan;
import org.learnchain.ml.train.TrainedModel;
import org.learnchain.ml.train.Trainer;
import org.learnchain.ml.train.TrainingRequest;

/**
 * Same verdict on every CPU: a model trained here (this JVM's native build) is verified in separate
 * JVMs on ND4J's generic, AVX2 and AVX-512 builds at one thread and on the generic build at two
 * threads. The honest commitment passes on each; a flipped label, another seed's model, an edited
 * output-layer weight and edited bytes fail on each. A build the CPU lacks is reported and skipped;
 * the generic build and at least one other configuration always run.
 */
class CrossBuildVerificationTest {
  private static final double TOLERANCE = 1e-5;

  @TempDir Path dir;

  @Test
  void honestModelsPassAndTamperedOnesFailOnEveryBuildAndThreadCount() throws Exception {
    // The CPU builds only: under the cuda profile there is nothing to compare here.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        cpuBackend(), "the CPU backend (nd4j-native) is not on the classpath");
    MlRuntime runtime = MlRuntime.start(1);
    BuiltinDatasets.TrainTest digits = BuiltinDatasets.digits().value();
    ProblemSpec spec =
        ProblemSpec.classification(
            new SampleShape.Vector(64), 10, ProblemLimits.of(50_000, 50_000, 1 << 20));
    // A small MLP (the schedule's first candidates), quick on two busy cores.
    SearchPlan plan = SearchPlan.defaults().withMaxCandidates(2).withMaxEpochs(15);
    TrainedModel honest = train(runtime, spec, digits, 11, plan);
    TrainedModel other = train(runtime, spec, digits, 12, plan);
    var inputs = digits.test().inputs();
    Predictions committed = Predictor.predict(honest.model(), inputs);

    Files.write(dir.resolve("spec"), spec.encode());
    Files.write(dir.resolve("inputs"), inputs.encode());
    Files.writeString(dir.resolve("tolerance"), Double.toString(TOLERANCE));
    writeCase("honest", honest.bytes(), honest.hash(), committed);

    // Flip the label of the sample the model is surest about.
    int sure = 0;
    double widest = -1;
    float[] outputs = new float[committed.count() * 10];
    int[] labels = new int[committed.count()];
    for (int i = 0; i < committed.count(); i++) {
      labels[i] = committed.label(i);
      for (int j = 0; j < 10; j++) {
        outputs[i * 10 + j] = committed.output(i, j);
      }
      if (committed.output(i, labels[i]) > widest) {
        widest = committed.output(i, labels[i]);
        sure = i;
      }
    }
    labels[sure] = (labels[sure] + 1) % 10;
    writeCase(
        "flipped-label",
        honest.bytes(),
        honest.hash(),
        Predictions.classification(10, labels, outputs));

    // Another seed's model, under its own hash, claiming the honest predictions.
    writeCase("other-seed", other.bytes(), other.hash(), committed);

    // The output layer's weights into class 0 moved by 0.01 (one weight alone may sit on a unit
    // that is zero for every test sample: a dead ReLU, whose weight changes nothing).
    MultiLayerNetwork net = ModelLoader.load(honest.bytes(), spec).value().network();
    var w = net.getLayer(net.getnLayers() - 1).getParam("W").dup();
    for (long i = 0; i < w.size(0); i++) {
      w.putScalar(new long[] {i, 0}, w.getDouble(i, 0) + 0.01);
    }
    net.getLayer(net.getnLayers() - 1).setParam("W", w);
    byte[] edited = ModelCodec.serialize(net);
    writeCase("edited-weight", edited, ModelCodec.hash(edited), committed);

    // One byte of the published model changed, the committed hash kept.
    byte[] flipped = honest.bytes();
    flipped[flipped.length / 2] ^= 0x10;
    writeCase("edited-bytes", flipped, honest.hash(), committed);

    List<String[]> configurations =
        List.of(
            new String[] {"generic", "1"},
            new String[] {"avx2", "1"},
            new String[] {"avx512", "1"},
            new String[] {"generic", "2"});
    int ran = 0;
    StringBuilder report = new StringBuilder();
    for (String[] c : configurations) {
      List<String> lines = child(c[0], Integer.parseInt(c[1]));
      if (!lines.isEmpty() && lines.get(0).startsWith("unsupported")) {
        assertFalse(c[0].equals("generic"), "the generic build must always run");
        report.append(c[0]).append(": skipped, ").append(lines.get(0)).append('\n');
        continue;
      }
      ran++;
      assertTrue(
          lines.get(0).contains(c[0].equals("generic") ? "linux-x86_64/" : "linux-x86_64-" + c[0]),
          c[0] + " loaded " + lines.get(0));
      Map<String, String> verdicts = new HashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        String name = line.substring("case=".length(), line.indexOf(' '));
        verdicts.put(name, line);
      }
      assertEquals(CrossBuildVerifier.CASES.size(), verdicts.size(), String.join("\n", lines));
      for (String name : CrossBuildVerifier.CASES) {
        String line = verdicts.get(name);
        boolean ok = line.contains(" ok=true ");
        assertEquals(name.equals("honest"), ok, c[0] + " threads " + c[1] + ": " + line);
      }
      report.append(c[0]).append(" x").append(c[1]).append(": ").append(verdicts.get("honest"));
      report.append('\n');
    }
    assertTrue(ran >= 2, report.toString());
    System.out.println(report);
  }

  private static boolean cpuBackend() {
    try {
      Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static TrainedModel train(
      MlRuntime runtime,
      ProblemSpec spec,
      BuiltinDatasets.TrainTest data,
      long seed,
      SearchPlan plan) {
    return new Trainer(runtime, ProgressListener.none())
        .train(new TrainingRequest(spec, data.train(), Duration.ofMinutes(5), seed, 1, plan))
        .value();
  }

  private void writeCase(String name, byte[] model, Hash hash, Predictions predictions)
      throws IOException {
    Path c = Files.createDirectories(dir.resolve(name));
    Files.write(c.resolve("model"), model);
    Files.write(c.resolve("hash"), hash.toArray());
    Files.write(c.resolve("predictions"), predictions.encode());
  }

  /** Runs {@link CrossBuildVerifier} in a new JVM; its stdout lines. */
  private List<String> child(String variant, int threads) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            CrossBuildVerifier.class.getName(),
            dir.toString(),
            variant,
            Integer.toString(threads));
    pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child " + variant + " did not finish");
    List<String> lines = new ArrayList<>();
    for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("library ")
          || line.startsWith("case=")
          || line.startsWith("unsupported")) {
        lines.add(line);
      }
    }
    assertEquals(0, p.exitValue(), variant + " exited " + p.exitValue() + ": " + lines);
    assertFalse(lines.isEmpty(), variant + " printed nothing");
    return lines;
  }
}
