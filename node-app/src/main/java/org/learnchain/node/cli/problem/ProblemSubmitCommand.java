package org.learnchain.node.cli.problem;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.ProblemHeader;
import org.learnchain.proto.api.SubmitProblemReply;
import org.learnchain.proto.api.SubmitProblemRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain problem submit}: streams a training and a test CSV to the node, which funds the
 * problem from its own account (hence the token) and keeps the test labels secret until the round
 * reveals them.
 */
@Command(
    name = "submit",
    description = {
      "Upload a training and a test CSV (header row; label column named or last; gzip ok) to",
      "your node, which funds a problem with --reward from its account. For images, give IDX",
      "files as MNIST ships them (gzip or not): --train/--test images with --train-labels and",
      "--test-labels. Prints the problem id."
    })
public final class ProblemSubmitCommand extends ClientCommand {
  static final int CHUNK_BYTES = 1 << 20;

  @Option(names = "--train", required = true, paramLabel = "FILE", description = "training CSV")
  private Path train;

  @Option(names = "--test", required = true, paramLabel = "FILE", description = "test CSV")
  private Path test;

  @Option(names = "--reward", required = true, paramLabel = "N", description = "bounty, in units")
  private long reward;

  @Option(
      names = "--task",
      paramLabel = "TASK",
      defaultValue = "classification",
      description = "classification (accuracy) or regression (mean squared error; CSV only)")
  private String task;

  @Option(
      names = "--train-labels",
      paramLabel = "FILE",
      description = "IDX labels of the --train images")
  private Path trainLabels;

  @Option(
      names = "--test-labels",
      paramLabel = "FILE",
      description = "IDX labels of the --test images")
  private Path testLabels;

  @Option(
      names = "--label-column",
      paramLabel = "NAME",
      description = "label column (default: last)")
  private String labelColumn;

  public ProblemSubmitCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected boolean needsToken() {
    return true;
  }

  @Override
  protected int run(ApiClient client) throws Exception {
    if (reward <= 0) {
      return usage("--reward must be positive");
    }
    if (!task.equals("classification") && !task.equals("regression")) {
      return usage("--task must be classification or regression");
    }
    if ((trainLabels == null) != (testLabels == null)) {
      return usage("IDX images need both --train-labels and --test-labels");
    }
    boolean idx = trainLabels != null;
    if (idx && labelColumn != null) {
      return usage("--label-column is for CSV files; IDX labels come in their own files");
    }
    long trainBytes;
    long testBytes;
    long trainLabelBytes = 0;
    long testLabelBytes = 0;
    try {
      trainBytes = Files.size(train);
      testBytes = Files.size(test);
      if (idx) {
        trainLabelBytes = Files.size(trainLabels);
        testLabelBytes = Files.size(testLabels);
      }
    } catch (NoSuchFileException e) {
      return fail(e.getFile() + ": no such file");
    } catch (IOException e) {
      return fail("cannot read the data files: " + e.getMessage());
    }
    AtomicReference<SubmitProblemReply> reply = new AtomicReference<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Object ready = new Object();
    ClientResponseObserver<SubmitProblemRequest, SubmitProblemReply> responses =
        new ClientResponseObserver<>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<SubmitProblemRequest> call) {
            call.setOnReadyHandler(
                () -> {
                  synchronized (ready) {
                    ready.notifyAll();
                  }
                });
          }

          @Override
          public void onNext(SubmitProblemReply r) {
            reply.set(r);
          }

          @Override
          public void onError(Throwable t) {
            error.set(t);
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        };
    ClientCallStreamObserver<SubmitProblemRequest> call =
        (ClientCallStreamObserver<SubmitProblemRequest>)
            client.problemsAsync().submitProblem(responses);
    ProblemHeader.Builder h =
        ProblemHeader.newBuilder()
            .setReward(reward)
            .setTrainBytes(trainBytes)
            .setTestBytes(testBytes)
            .setTask(task)
            .setFormat(idx ? "idx" : "csv")
            .setTrainLabelsBytes(trainLabelBytes)
            .setTestLabelsBytes(testLabelBytes);
    if (labelColumn != null) {
      h.setLabelColumn(labelColumn);
    }
    call.onNext(SubmitProblemRequest.newBuilder().setHeader(h).build());
    try {
      send(call, train, SubmitProblemRequest.Builder::setTrain, ready, done);
      if (idx) {
        send(call, trainLabels, SubmitProblemRequest.Builder::setTrainLabels, ready, done);
      }
      send(call, test, SubmitProblemRequest.Builder::setTest, ready, done);
      if (idx) {
        send(call, testLabels, SubmitProblemRequest.Builder::setTestLabels, ready, done);
      }
      call.onCompleted();
    } catch (IOException e) {
      call.cancel("client could not read its file", e);
      return fail("cannot read " + e.getMessage());
    }
    done.await();
    if (error.get() != null) {
      if (error.get() instanceof StatusRuntimeException sre) {
        return fail(client.describe(sre));
      }
      return fail(error.get().toString());
    }
    SubmitProblemReply r = reply.get();
    if (options.json()) {
      JsonObject o = Json.object();
      o.addProperty("problemId", Json.hex(r.getProblemId()));
      o.addProperty("trainSetHash", Json.hex(r.getTrainSetHash()));
      o.addProperty("trainSamples", r.getTrainSamples());
      o.addProperty("testSamples", r.getTestSamples());
      o.addProperty("features", r.getFeatures());
      o.addProperty("classes", r.getClasses());
      o.addProperty("task", r.getTask());
      JsonArray shape = new JsonArray();
      r.getInputShapeList().forEach(shape::add);
      o.add("inputShape", shape);
      o.addProperty("reward", reward);
      ctx.out().println(o);
    } else {
      ctx.out().println(Json.hex(r.getProblemId()));
      ctx.err()
          .printf(
              "submitted: %s, %d training and %d test samples, input %s, %s, reward %d%n",
              r.getTask(),
              r.getTrainSamples(),
              r.getTestSamples(),
              r.getInputShapeList(),
              r.getTask().equals("regression") ? "1 target" : r.getClasses() + " classes",
              reward);
    }
    return 0;
  }

  /** Streams {@code file} in chunks, waiting for the transport when its buffer is full. */
  private static void send(
      ClientCallStreamObserver<SubmitProblemRequest> call,
      Path file,
      BiFunction<SubmitProblemRequest.Builder, ByteString, SubmitProblemRequest.Builder> part,
      Object ready,
      CountDownLatch done)
      throws IOException, InterruptedException {
    byte[] buf = new byte[CHUNK_BYTES];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
        synchronized (ready) {
          while (!call.isReady() && done.getCount() > 0) {
            ready.wait(100);
          }
        }
        if (done.getCount() == 0) {
          // The node already answered (an error): stop sending.
          return;
        }
        ByteString chunk = ByteString.copyFrom(buf, 0, n);
        call.onNext(part.apply(SubmitProblemRequest.newBuilder(), chunk).build());
      }
    }
  }
}
