package org.learnchain.node.api;

import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.spec.Task;
import org.learnchain.node.problem.ProblemFiles;
import org.learnchain.node.problem.ProblemSubmitter;
import org.learnchain.proto.api.SubmitProblemReply;

/**
 * A complete upload made into a problem: the spooled files read and checked against the chain's
 * limits ({@link ProblemFiles}), the problem handed to the {@link ProblemSubmitter}, and its answer
 * turned into the client's reply or refusal.
 */
final class ProblemAssembly {
  private ProblemAssembly() {}

  /** What a finished upload gets: the reply, or the status that refuses it. */
  sealed interface Answer permits Reply, Refusal {}

  record Reply(SubmitProblemReply reply) implements Answer {}

  record Refusal(StatusRuntimeException status) implements Answer {}

  /**
   * The spooled files of one upload; the label files are null for CSV.
   *
   * @param reward the reward the header offers
   * @param labelColumn the header's label column (CSV only; empty for the last column)
   */
  record Spooled(
      ProblemFiles.Kind kind,
      ProblemFiles.Format format,
      long reward,
      String labelColumn,
      Path train,
      Path trainLabels,
      Path test,
      Path testLabels) {}

  /** Reads, checks and submits the upload; the answer for its client. */
  static Answer submit(ApiContext ctx, Spooled s) {
    org.learnchain.ml.Result<ProblemFiles.Problem> read =
        s.format() == ProblemFiles.Format.IDX
            ? ProblemFiles.idx(
                s.train(),
                s.trainLabels(),
                s.test(),
                s.testLabels(),
                s.kind(),
                ctx.maxUploadBytes(),
                ctx.genesis().limits())
            : ProblemFiles.csv(
                s.train(),
                s.test(),
                s.kind(),
                s.labelColumn(),
                ctx.maxUploadBytes(),
                ctx.genesis().limits());
    if (!read.isOk()) {
      return new Refusal(ApiErrors.invalid(read.reason()));
    }
    ProblemSpec spec = read.value().spec();
    Dataset tr = read.value().train();
    Dataset te = read.value().test();
    ProblemSubmitter.Outcome o = ctx.submitter().submit(spec, tr, te, s.reward());
    if (o instanceof ProblemSubmitter.Rejected r) {
      return new Refusal(
          switch (r.kind()) {
            case INVALID -> ApiErrors.invalid(r.reason());
            case REFUSED -> ApiErrors.precondition(r.reason());
            case STORAGE -> ApiErrors.internal(r.reason());
          });
    }
    ProblemSubmitter.Accepted a = (ProblemSubmitter.Accepted) o;
    SubmitProblemReply.Builder reply =
        SubmitProblemReply.newBuilder()
            .setProblemId(ProtoViews.bytes(a.problemId()))
            .setTrainSetHash(ProtoViews.bytes(a.trainSetHash()))
            .setTrainSamples(a.trainSamples())
            .setTestSamples(a.testSamples())
            .setFeatures(tr.inputs().width())
            .setClasses(spec.task() instanceof Task.Classification c ? c.classes() : 0)
            .setTask(s.kind().id());
    if (spec.input() instanceof SampleShape.Image im) {
      reply.addInputShape(im.channels()).addInputShape(im.height()).addInputShape(im.width());
    } else {
      reply.addInputShape(spec.input().size());
    }
    return new Reply(reply.build());
  }
}
