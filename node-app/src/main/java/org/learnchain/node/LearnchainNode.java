package org.learnchain.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.learnchain.config.Genesis;
import org.learnchain.config.HostPort;
import org.learnchain.config.NodeConfig;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.config.spec.DerivedLimits;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.ConsensusNode;
import org.learnchain.consensus.ConsensusProcessor;
import org.learnchain.consensus.SystemClock;
import org.learnchain.consensus.evidence.ConsensusEvidenceVerifier;
import org.learnchain.consensus.ledger.LedgerChain;
import org.learnchain.consensus.ledger.StoreJournal;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.mempool.Admission;
import org.learnchain.ledger.mempool.Mempool;
import org.learnchain.ledger.mempool.MempoolConfig;
import org.learnchain.ledger.state.SignatureCache;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.ledger.store.KvChainStore;
import org.learnchain.ledger.store.rocksdb.RocksDbKeyValueStore;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.node.adapter.BlockSync;
import org.learnchain.node.adapter.DlMlPort;
import org.learnchain.node.adapter.FileProblemSecrets;
import org.learnchain.node.adapter.MessageSignatures;
import org.learnchain.node.adapter.P2pBlobs;
import org.learnchain.node.adapter.P2pGossip;
import org.learnchain.node.adapter.SyncPreverifier;
import org.learnchain.node.api.ApiContext;
import org.learnchain.node.api.ApiServer;
import org.learnchain.node.api.ApiToken;
import org.learnchain.node.explorer.ExplorerServer;
import org.learnchain.node.explorer.ExplorerSource;
import org.learnchain.node.metrics.MetricsServer;
import org.learnchain.node.metrics.NodeMetrics;
import org.learnchain.node.metrics.ProcessMetrics;
import org.learnchain.node.problem.ProblemSubmitter;
import org.learnchain.node.status.BlockAuditor;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.blob.FileBlobStore;
import org.learnchain.p2p.netty.NettyP2PNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: one full node built from its configuration, genesis, key and the process's
 * ML runtime, everything passed in through the constructor. It opens the node's RocksDB chain
 * store, blob store and problem secrets under the data directory, builds the mempool, the p2p
 * network (Netty), the adapters of consensus's ports (ML over ml-engine, gossip and blobs over p2p,
 * the chain over the ledger, the wall clock) and the consensus node, and declares the services in
 * start order: p2p, consensus (its processor thread and timers), sync, then the API. {@link
 * #stop()} stops them in reverse and closes the store last, after the consensus thread has
 * finished: every block and signed message consensus acknowledged is already synced to disk by
 * then.
 */
public final class LearnchainNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LearnchainNode.class);

  private final NodeConfig config;
  private final Genesis genesis;
  private final PublicKey publicKey;
  private final NodeOptions options;
  private final MeterRegistry registry;
  private final ChainStore store;
  private final Mempool mempool;
  private final LedgerChain chain;
  private final P2PNetwork network;
  private final P2pGossip gossip;
  private final BlockSync sync;
  private final SystemClock clock;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService trainingExecutor;
  private final ConsensusNode consensus;
  private final ConsensusProcessor processor;
  private final DlMlPort mlPort;
  private final ApiServer api;
  private final MetricsServer metrics;
  private final ExplorerServer explorer;
  private final ProcessMetrics processMetrics;
  private volatile boolean running;
  private final NodeEventBus events = new NodeEventBus();
  private final RoundTracker tracker;
  private final ProblemSubmitter submitter;
  private final ServiceStack services = new ServiceStack();
  private final ApiToken apiToken;
  private final CountDownLatch stoppedLatch = new CountDownLatch(1);
  private final Thread shutdownHook;
  private Thread processorThread;
  private boolean stopped;

  /**
   * Builds the node and opens its stores; nothing runs until {@link #start()}.
   *
   * @param key this node's member key (the node keeps using it; the caller must not destroy it)
   * @param ml the process's ND4J runtime (shared by every node of a devnet)
   * @param registry where the node's subsystems register their meters
   * @param apiToken authorises the API calls that act for this node
   * @throws IOException when the data directory cannot be prepared
   */
  public LearnchainNode(
      NodeConfig config,
      Genesis genesis,
      PrivateKey key,
      MlRuntime ml,
      MeterRegistry registry,
      ApiToken apiToken,
      NodeOptions options)
      throws IOException {
    checkChainSpec(genesis, options.maxFrameBytes())
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(problem);
            });
    this.config = config;
    this.genesis = genesis;
    this.publicKey = key.publicKey();
    this.options = options;
    this.registry = registry;
    this.apiToken = apiToken;
    String id = publicKey.address().toHex().substring(0, 8);
    Path dataDir = config.dataDir();
    Files.createDirectories(dataDir);
    // First: its meter filters apply only to meters registered after them.
    this.processMetrics = ProcessMetrics.bind(registry);

    this.store =
        KvChainStore.open(
            RocksDbKeyValueStore.open(
                dataDir.resolve("chain"), RocksDbKeyValueStore.Options.DEFAULT),
            genesis,
            ForkJoinPool.commonPool(),
            registry);
    try {
      ChainDomains domains = new ChainDomains(genesis.chainId());
      // One signature cache for the pool, block building and verification, and gossip
      // validation: each transaction's signature is verified once in this process.
      StateTransition transition =
          new StateTransition(
              genesis,
              new ConsensusEvidenceVerifier(domains, genesis.schedule()),
              ForkJoinPool.commonPool(),
              SignatureCache.forNode());
      this.mempool = new Mempool(transition, MempoolConfig.DEFAULT, registry);
      FileBlobStore blobs = new FileBlobStore(dataDir.resolve("blobs"));
      FileProblemSecrets secrets = new FileProblemSecrets(dataDir.resolve("secrets"));

      this.sync = new BlockSync(store, options.maxFrameBytes() - P2PConfig.FRAME_OVERHEAD_BYTES);
      this.network =
          new NettyP2PNetwork(
              p2pConfig(config, genesis, options),
              key,
              Membership.fromGenesis(genesis),
              sync,
              blobs,
              registry);
      this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("node-" + id));
      MessageSignatures messageSignatures = new MessageSignatures(genesis.chainId());
      this.gossip =
          new P2pGossip(
              network,
              genesis,
              sync,
              events,
              transition::verifySignatures,
              messageSignatures,
              scheduler);
      this.chain = new LedgerChain(store, transition, mempool, gossip::publishTransaction);

      this.clock = new SystemClock();
      this.trainingExecutor = Executors.newSingleThreadExecutor(daemon("training-" + id));
      long margin =
          options.commitMarginMs() > 0
              ? options.commitMarginMs()
              : Math.max(500, genesis.rounds().trainingMs() / 8);
      this.mlPort =
          new DlMlPort(
              new DlMlPort.Settings(
                  config.ml().threads(),
                  options.searchPlan(),
                  margin,
                  genesis.spec(0).maxTrainingSamples(),
                  genesis.limits().maxTestSamples()),
              ml,
              clock::nowMs,
              trainingExecutor,
              events);
      ConsensusPorts ports =
          new ConsensusPorts(
              clock,
              gossip,
              chain,
              mlPort,
              new P2pBlobs(network, scheduler, 10, 500),
              secrets,
              new StoreJournal(store));
      this.tracker = new RoundTracker(genesis, store, clock);
      events.add(tracker);
      this.consensus = new ConsensusNode(ConsensusConfig.of(genesis), key, ports, events);
      this.processor = new ConsensusProcessor(consensus);
      gossip.subscribe(consensus, this::addPeerTransaction);
      sync.bind(
          network,
          new SyncPreverifier(
              genesis, store, transition::verifySignatures, messageSignatures, mlPort),
          consensus::onBlock);
      this.submitter =
          new ProblemSubmitter(
              genesis,
              key,
              blobs,
              secrets,
              chain::nextNonce,
              this::submitTransaction,
              new SecureRandom(),
              options.maxFrameBytes() - 64 * 1024);
      this.api =
          options.grpc()
              ? new ApiServer(
                  new ApiContext(
                      genesis,
                      publicKey,
                      store,
                      chain,
                      mempool,
                      network,
                      tracker,
                      submitter,
                      new BlockAuditor(genesis, store, chain, mlPort, mlPort::headroom),
                      this::submitTransaction,
                      transition::verifySignature,
                      apiToken,
                      dataDir.resolve("uploads"),
                      options.maxUploadBytes()),
                  config.grpc().host(),
                  config.grpc().port(),
                  registry)
              : null;
      events.add(new NodeMetrics(registry, genesis, store, tracker, network));
      this.explorer =
          config.explorer().enabled()
              ? new ExplorerServer(
                  new ExplorerSource(
                      genesis, publicKey, store, mempool, network, tracker, chain::nextNonce),
                  config.explorer().host(),
                  config.explorer().port())
              : null;
      if (explorer != null) {
        events.add(explorer.events());
      }
      this.metrics =
          config.metrics().enabled() && registry instanceof PrometheusMeterRegistry prometheus
              ? new MetricsServer(
                  prometheus, config.metrics().host(), config.metrics().port(), () -> running)
              : null;
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    declareServices();
    this.shutdownHook = new Thread(this::stop, "shutdown-" + id);
  }

  /**
   * Why this node cannot run the chain of {@code genesis} with p2p frames of {@code frameBytes}: a
   * frame that cannot carry the chain's largest block, or a model ceiling above what ml-engine's
   * loader reads. Empty when it can (docs/chain-spec.md).
   */
  public static Optional<String> checkChainSpec(Genesis genesis, int frameBytes) {
    Optional<String> frame = DerivedLimits.frameProblem(genesis.schedule(), frameBytes);
    if (frame.isPresent()) {
      return frame;
    }
    long model = genesis.schedule().maxOver(ChainSpec::maxModelBytes);
    if (model > ProblemLimits.ABSOLUTE_MAX_MODEL_BYTES) {
      return Optional.of(
          "the chain spec allows models of "
              + model
              + " bytes, above the "
              + ProblemLimits.ABSOLUTE_MAX_MODEL_BYTES
              + " bytes this node's model loader reads");
    }
    return Optional.empty();
  }

  private static P2PConfig p2pConfig(NodeConfig config, Genesis genesis, NodeOptions options) {
    if (config.p2p().advertisedHost().isEmpty() && isWildcard(config.p2p().host())) {
      LOG.warn(
          "p2p.host={} is a wildcard and p2p.advertised-host is not set: peers that learn of this"
              + " node through discovery cannot dial it (bootnodes still work)",
          config.p2p().host());
    }
    List<PeerAddress> bootnodes =
        config.p2p().bootnodes().stream().map(LearnchainNode::peerAddress).toList();
    return P2PConfig.builder(genesis.chainId(), genesis.hash())
        .listen(config.p2p().host(), config.p2p().port())
        .advertisedHost(config.p2p().hostToAdvertise())
        .bootnodes(bootnodes)
        .maxFrameBytes(options.maxFrameBytes())
        .peerListInterval(options.peerListInterval())
        .reconnectBackoff(Duration.ofMillis(200), options.reconnectBackoffMax())
        // Transactions wait on their own validation thread: blocks and votes never queue
        // behind a thousand signature checks a second.
        .bulkTopics(Set.of(P2pGossip.TRANSACTIONS, P2pGossip.TRANSACTION_BATCHES))
        .build();
  }

  private static PeerAddress peerAddress(HostPort hp) {
    return new PeerAddress(hp.host(), hp.port());
  }

  private void declareServices() {
    services.add(ServiceStack.Service.of("p2p", network::start, network::stop));
    services.add(
        ServiceStack.Service.of(
            "consensus",
            () -> {
              processorThread =
                  new Thread(processor, "consensus-" + publicKey.address().toHex().substring(0, 8));
              processorThread.start();
              consensus.start();
            },
            this::stopConsensus));
    services.add(
        ServiceStack.Service.of(
            "sync",
            () -> {
              long every = options.syncInterval().toMillis();
              scheduler.scheduleWithFixedDelay(sync::syncNewPeers, 0, every, TimeUnit.MILLISECONDS);
              sync.start();
            },
            sync::close));
    if (api != null) {
      services.add(ServiceStack.Service.of("api", api::start, api::stop));
    }
    if (metrics != null) {
      services.add(ServiceStack.Service.of("metrics", metrics::start, metrics::stop));
    }
    if (explorer != null) {
      services.add(ServiceStack.Service.of("explorer", explorer::start, explorer::stop));
    }
  }

  private void stopConsensus() {
    processor.stop();
    Thread t = processorThread;
    if (t != null) {
      try {
        // The processor finishes the event in hand (its writes are synced) and exits.
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        LOG.warn("Consensus thread still running after 10 s");
      }
    }
    clock.close();
  }

  /** Starts the services in order; on failure the node is stopped and the error rethrown. */
  public synchronized void start() throws Exception {
    LOG.info(
        "Node starting address={} chain={} dataDir={}",
        publicKey.address(),
        genesis.chainId(),
        config.dataDir());
    try {
      services.start();
    } catch (Exception e) {
      stop();
      throw e;
    }
    running = true;
    if (options.installShutdownHook()) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    LOG.info(
        "Node started address={} p2p={} height={}",
        publicKey.address(),
        network.listenAddress(),
        store.head().height());
  }

  /** Stops everything in reverse order and closes the store. Idempotent. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    running = false;
    LOG.info("Node stopping address={}", publicKey.address());
    services.stop();
    scheduler.shutdownNow();
    trainingExecutor.shutdownNow();
    processMetrics.close();
    store.close();
    if (options.installShutdownHook() && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook runs (and finds the node stopped).
        LOG.debug("Shutdown in progress; hook left in place");
      }
    }
    LOG.info("Node stopped address={}", publicKey.address());
    stoppedLatch.countDown();
  }

  /** Blocks until {@link #stop()} has finished (the node command's main thread waits here). */
  public void awaitStopped() throws InterruptedException {
    stoppedLatch.await();
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Adds a signed transaction from a client to the pool and gossips it when accepted.
   *
   * @return the pool's answer
   */
  public Admission submitTransaction(SignedTransaction tx) {
    Admission a = mempool.add(tx, store.headState());
    if (a instanceof Admission.Accepted) {
      gossip.publishTransaction(tx);
    }
    return a;
  }

  private Optional<String> addPeerTransaction(SignedTransaction tx) {
    Admission a = mempool.add(tx, store.headState());
    return a instanceof Admission.Rejected r
        ? Optional.of(r.reason() + ": " + r.message())
        : Optional.empty();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
      t.setDaemon(true);
      return t;
    };
  }

  public NodeConfig config() {
    return config;
  }

  public Genesis genesis() {
    return genesis;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The chain store (thread-safe reads). */
  public ChainStore store() {
    return store;
  }

  public LedgerChain chain() {
    return chain;
  }

  public Mempool mempool() {
    return mempool;
  }

  public P2PNetwork network() {
    return network;
  }

  public RoundTracker tracker() {
    return tracker;
  }

  /** Register listeners here for the node's events (status, metrics, watch streams). */
  public NodeEventBus events() {
    return events;
  }

  public ProblemSubmitter submitter() {
    return submitter;
  }

  /** The p2p listen address (after start). */
  public PeerAddress p2pAddress() {
    return network.listenAddress();
  }

  /** The gRPC API's bound port (after start), when the API is served. */
  public Optional<Integer> apiPort() {
    return api == null ? Optional.empty() : Optional.of(api.port());
  }

  /** The metrics endpoint's bound port (after start), when it is served. */
  public Optional<Integer> metricsPort() {
    return metrics == null ? Optional.empty() : Optional.of(metrics.port());
  }

  /** The web explorer's {@code host:port} (after start), when it is served. */
  public Optional<String> explorerAddress() {
    return explorer == null ? Optional.empty() : Optional.of(explorer.hostPort());
  }

  /** The ML port the node's consensus uses. */
  /** What this node's block sync has seen (requests sent, failed, answers dropped as bad). */
  public BlockSync.Stats syncStats() {
    return sync.stats();
  }

  public DlMlPort ml() {
    return mlPort;
  }

  /** Names of the running services, in start order. */
  public List<String> runningServices() {
    return services.running();
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }
}
