package org.learnchain.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.learnchain.config.spec.Ceilings;

/**
 * A node's local configuration (not chain parameters: those are in {@link Genesis}). Built by
 * {@link NodeConfigLoader} from defaults, a TOML file, {@code LEARNCHAIN_*} environment variables
 * and command-line overrides, in rising precedence. Every listener binds 127.0.0.1 unless told
 * otherwise.
 *
 * @param dataDir the node's database and blob directory
 * @param genesisFile the chain's genesis.json
 * @param keyFile the node's encrypted keystore
 * @param apiTokenFile the file holding the token that authorises spending and admin calls over gRPC
 * @param logLevel root log level
 * @param p2p the peer-to-peer listener and the peers to dial at start
 * @param grpc the gRPC API listener
 * @param metrics the Prometheus endpoint
 * @param ml machine-learning resources
 * @param explorer the read-only web explorer
 */
public record NodeConfig(
    Path dataDir,
    Path genesisFile,
    Path keyFile,
    Path apiTokenFile,
    LogLevel logLevel,
    P2p p2p,
    Grpc grpc,
    Metrics metrics,
    Ml ml,
    Explorer explorer) {
  public NodeConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(genesisFile, "genesisFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(apiTokenFile, "apiTokenFile");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(p2p, "p2p");
    Objects.requireNonNull(grpc, "grpc");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(ml, "ml");
    Objects.requireNonNull(explorer, "explorer");
  }

  /** A config without the explorer section, which then is off (callers predating it). */
  public NodeConfig(
      Path dataDir,
      Path genesisFile,
      Path keyFile,
      Path apiTokenFile,
      LogLevel logLevel,
      P2p p2p,
      Grpc grpc,
      Metrics metrics,
      Ml ml) {
    this(
        dataDir,
        genesisFile,
        keyFile,
        apiTokenFile,
        logLevel,
        p2p,
        grpc,
        metrics,
        ml,
        Explorer.OFF);
  }

  /**
   * The peer-to-peer listener.
   *
   * @param host address to bind
   * @param port port to bind; 0 picks a free one (tests)
   * @param bootnodes peers dialled at start to join the network
   * @param advertisedHost the host other members dial to reach this node, put in its signed peer
   *     record; empty means {@code host}, which is wrong when {@code host} is a wildcard such as
   *     {@code 0.0.0.0} (containers) or an address that is not reachable from the other members
   * @param maxFrameBytes largest p2p frame this node sends or accepts; it must carry the chain's
   *     largest block (checked at start against the genesis chain spec, docs/chain-spec.md)
   */
  public record P2p(
      String host,
      int port,
      List<HostPort> bootnodes,
      Optional<String> advertisedHost,
      int maxFrameBytes) {
    /** The default frame limit: the largest a node allows, which a default block fills. */
    public static final int DEFAULT_MAX_FRAME_BYTES = Ceilings.MAX_FRAME_BYTES;

    public P2p {
      Objects.requireNonNull(host, "host");
      bootnodes = List.copyOf(bootnodes);
      Objects.requireNonNull(advertisedHost, "advertisedHost");
    }

    /** A listener with the default frame limit. */
    public P2p(String host, int port, List<HostPort> bootnodes, Optional<String> advertisedHost) {
      this(host, port, bootnodes, advertisedHost, DEFAULT_MAX_FRAME_BYTES);
    }

    /** A listener whose peer record names {@code host} itself. */
    public P2p(String host, int port, List<HostPort> bootnodes) {
      this(host, port, bootnodes, Optional.empty());
    }

    /** The host put in this node's peer record. */
    public String hostToAdvertise() {
      return advertisedHost.orElse(host);
    }
  }

  /**
   * The gRPC API listener.
   *
   * @param host address to bind (loopback by default: the API can spend the node's funds)
   * @param port port to bind; 0 picks a free one
   */
  public record Grpc(String host, int port) {
    public Grpc {
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * The Prometheus scrape endpoint.
   *
   * @param enabled whether to serve it at all
   * @param host address to bind
   * @param port port to bind; 0 picks a free one
   */
  public record Metrics(boolean enabled, String host, int port) {
    public Metrics {
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * The web explorer: read-only pages, JSON and an event stream over HTTP.
   *
   * @param enabled whether to serve it at all
   * @param host address to bind (loopback by default)
   * @param port port to bind; 0 picks a free one
   */
  public record Explorer(boolean enabled, String host, int port) {
    /** Not served. */
    public static final Explorer OFF = new Explorer(false, "127.0.0.1", 0);

    public Explorer {
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * Machine-learning resources.
   *
   * @param threads OpenMP/BLAS threads for training and inference (1 trained fastest on a shared
   *     2-core machine, docs/platform-notes.md)
   * @param cpuVariant ND4J's native build: {@code generic}, {@code avx2}, {@code avx512} or {@code
   *     auto} (the widest the CPU supports); inference is bit-identical across them at one thread
   */
  public record Ml(int threads, String cpuVariant) {
    /** The CPU variant chosen at start ({@code auto}). */
    public Ml(int threads) {
      this(threads, "auto");
    }

    public Ml {
      Objects.requireNonNull(cpuVariant, "cpuVariant");
    }
  }

  /** Root log levels an operator can choose. */
  public enum LogLevel {
    ERROR,
    WARN,
    INFO,
    DEBUG,
    TRACE;

    /** The lowercase name used in config files. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
