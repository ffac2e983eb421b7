package org.learnchain.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A peer address, {@code HOST:PORT} (IPv6 literals in brackets: {@code [::1]:30300}).
 *
 * @param host a host name or IP literal (IPv6 without brackets)
 * @param port 1..65535
 */
public record HostPort(String host, int port) {
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535, got " + port);
    }
  }

  /**
   * Parses {@code HOST:PORT}; {@code source} and {@code key} name the input in the problem when it
   * is malformed.
   */
  public static ConfigResult<HostPort> parse(String text, String source, String key) {
    return problem(text)
        .<ConfigResult<HostPort>>map(m -> ConfigResult.invalid(ConfigProblem.of(source, key, m)))
        .orElseGet(() -> ConfigResult.valid(parseChecked(text)));
  }

  /** Why {@code text} is not a {@code HOST:PORT}; empty when it is one. */
  static Optional<String> problem(String text) {
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (colon < 0) {
      return Optional.of("'" + text + "' is not HOST:PORT (no port)");
    }
    String host = t.substring(0, colon);
    String port = t.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
      if (host.indexOf(':') < 0) {
        return Optional.of("'" + text + "': brackets are only for IPv6 addresses");
      }
    } else if (host.indexOf(':') >= 0) {
      return Optional.of("'" + text + "': write IPv6 addresses in brackets, [ADDRESS]:PORT");
    }
    Optional<String> hostProblem = Hosts.problem(host);
    if (hostProblem.isPresent()) {
      return Optional.of("'" + text + "': " + hostProblem.get());
    }
    if (!port.matches("[0-9]{1,5}")
        || Integer.parseInt(port) < 1
        || Integer.parseInt(port) > 65535) {
      return Optional.of("'" + text + "': port must be a number in 1..65535");
    }
    return Optional.empty();
  }

  /** Parses text that {@link #problem(String)} accepted. */
  static HostPort parseChecked(String text) {
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    String host = t.substring(0, colon);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return new HostPort(host, Integer.parseInt(t.substring(colon + 1)));
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
