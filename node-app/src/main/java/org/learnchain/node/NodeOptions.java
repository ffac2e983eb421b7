package org.learnchain.node;

import java.time.Duration;
import java.util.Objects;
import org.learnchain.config.NodeConfig;
import org.learnchain.ml.train.SearchPlan;

/**
 * How a node is run beyond its operator's config file: settings the node command fixes for
 * production and the devnet and tests adjust.
 *
 * @param maxFrameBytes largest p2p message; a block carries the test inputs and the model, and a
 *     test reveal the test inputs, so this bounds the test set a problem can use
 * @param peerListInterval how often peers exchange peer lists (discovery)
 * @param reconnectBackoffMax longest wait before re-dialling a peer that failed
 * @param syncInterval how often newly connected peers are synced from
 * @param searchPlan bounds of the training search
 * @param commitMarginMs training ends this long before the commit deadline; 0 picks an eighth of
 *     the training phase, at least 500 ms
 * @param grpc whether to serve the gRPC API
 * @param maxUploadBytes largest training or test file a problem upload may send
 * @param installShutdownHook whether {@link LearnchainNode#start()} registers a JVM shutdown hook
 *     that stops the node (the node command; not the devnet, which stops its nodes itself)
 */
public record NodeOptions(
    int maxFrameBytes,
    Duration peerListInterval,
    Duration reconnectBackoffMax,
    Duration syncInterval,
    SearchPlan searchPlan,
    long commitMarginMs,
    boolean grpc,
    long maxUploadBytes,
    boolean installShutdownHook) {
  public NodeOptions {
    Objects.requireNonNull(peerListInterval, "peerListInterval");
    Objects.requireNonNull(reconnectBackoffMax, "reconnectBackoffMax");
    Objects.requireNonNull(syncInterval, "syncInterval");
    Objects.requireNonNull(searchPlan, "searchPlan");
  }

  /**
   * The settings of {@code learnchain node}; the frame limit is the default of {@code
   * p2p.max-frame-bytes}, which the node command replaces with the configured one.
   */
  public static NodeOptions production() {
    return new NodeOptions(
        NodeConfig.P2p.DEFAULT_MAX_FRAME_BYTES,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        SearchPlan.defaults(),
        0,
        true,
        256L << 20,
        true);
  }

  /** These options with p2p frames of {@code bytes} (the node's {@code p2p.max-frame-bytes}). */
  public NodeOptions withMaxFrameBytes(int bytes) {
    return new NodeOptions(
        bytes,
        peerListInterval,
        reconnectBackoffMax,
        syncInterval,
        searchPlan,
        commitMarginMs,
        grpc,
        maxUploadBytes,
        installShutdownHook);
  }

  public NodeOptions withGrpc(boolean on) {
    return new NodeOptions(
        maxFrameBytes,
        peerListInterval,
        reconnectBackoffMax,
        syncInterval,
        searchPlan,
        commitMarginMs,
        on,
        maxUploadBytes,
        installShutdownHook);
  }

  public NodeOptions withShutdownHook(boolean on) {
    return new NodeOptions(
        maxFrameBytes,
        peerListInterval,
        reconnectBackoffMax,
        syncInterval,
        searchPlan,
        commitMarginMs,
        grpc,
        maxUploadBytes,
        on);
  }

  public NodeOptions withSearchPlan(SearchPlan plan) {
    return new NodeOptions(
        maxFrameBytes,
        peerListInterval,
        reconnectBackoffMax,
        syncInterval,
        plan,
        commitMarginMs,
        grpc,
        maxUploadBytes,
        installShutdownHook);
  }

  public NodeOptions withMaxUploadBytes(long bytes) {
    return new NodeOptions(
        maxFrameBytes,
        peerListInterval,
        reconnectBackoffMax,
        syncInterval,
        searchPlan,
        commitMarginMs,
        grpc,
        bytes,
        installShutdownHook);
  }
}
