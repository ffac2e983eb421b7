package org.learnchain.p2p;

import java.util.Objects;

/**
 * Where a node listens: a host name or literal address and a TCP port. For the in-memory transport
 * the pair is just a name inside the hub.
 */
public record PeerAddress(String host, int port) {
  public PeerAddress {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty() || host.length() > 253) {
      throw new IllegalArgumentException("host must be 1..253 characters: '" + host + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
  }

  /**
   * Parses {@code host:port} (IPv6 literals in brackets: {@code [::1]:30303}).
   *
   * @throws IllegalArgumentException with a one-line reason when the text is not an address
   */
  public static PeerAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number in '" + text + "'");
    }
    return new PeerAddress(host, port);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
