package org.learnchain.node.cli.client;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every API client command shares (a picocli mixin). */
public final class ClientOptions {
  @Option(
      names = "--node",
      required = true,
      paramLabel = "HOST:PORT",
      description = "the node's gRPC address (testnet node i: 127.0.0.1:P+10i+1)")
  String node;

  @Option(names = "--json", description = "print JSON (one object; a stream prints one per line)")
  boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "deadline of each call (default ${DEFAULT-VALUE}; uploads get 60x)")
  long timeoutSeconds;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "the node's api.token, for calls that act for the node")
  Path tokenFile;

  public String node() {
    return node;
  }

  public boolean json() {
    return json;
  }

  public long timeoutSeconds() {
    return timeoutSeconds;
  }

  public Path tokenFile() {
    return tokenFile;
  }
}
