package org.learnchain.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Syntax checks for host names and addresses. Nothing here resolves a name: validating a config
 * must not depend on DNS or the network, and a name that does not resolve today may tomorrow.
 */
final class Hosts {
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern DOTTED_DIGITS = Pattern.compile("[0-9.]+");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private Hosts() {}

  /** Why {@code host} is not a host name, IPv4 or IPv6 literal; empty when it is one. */
  static Optional<String> problem(String host) {
    if (host.isEmpty()) {
      return Optional.of("host is empty");
    }
    if (host.indexOf(':') >= 0) {
      return ipv6(host)
          ? Optional.empty()
          : Optional.of("'" + host + "' is not a valid IPv6 address");
    }
    if (DOTTED_DIGITS.matcher(host).matches()) {
      return ipv4(host)
          ? Optional.empty()
          : Optional.of("'" + host + "' is not a valid IPv4 address");
    }
    if (host.length() > 253) {
      return Optional.of("host name is longer than 253 characters");
    }
    for (String label : host.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.of(
            "'" + host + "' is not a valid host name (letters, digits, '-' and '.' only)");
      }
    }
    return Optional.empty();
  }

  private static boolean ipv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return false;
      }
      if (!part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * RFC 4291 text form: eight groups of 1-4 hex digits, one "::" standing for one or more zero
   * groups, optionally ending in an IPv4 address that counts as two groups. Parsed here rather than
   * by InetAddress, which falls back to a DNS lookup for some malformed literals.
   */
  private static boolean ipv6(String host) {
    if (!IPV6_CHARS.matcher(host).matches() || host.length() > 45) {
      return false;
    }
    int gap = host.indexOf("::");
    if (gap >= 0 && host.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    int groups;
    if (gap >= 0) {
      String head = host.substring(0, gap);
      String tail = host.substring(gap + 2);
      int h = head.isEmpty() ? 0 : groups(head, false);
      int t = tail.isEmpty() ? 0 : groups(tail, true);
      if (h < 0 || t < 0) {
        return false;
      }
      groups = h + t;
      return groups <= 7;
    }
    groups = groups(host, true);
    return groups == 8;
  }

  /** Number of 16-bit groups in a colon-separated run, or -1 when malformed. */
  private static int groups(String run, boolean mayEndInIpv4) {
    String[] parts = run.split(":", -1);
    int count = 0;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (i == parts.length - 1 && mayEndInIpv4 && part.indexOf('.') >= 0) {
        if (!ipv4(part)) {
          return -1;
        }
        count += 2;
      } else if (part.isEmpty() || part.length() > 4 || part.indexOf('.') >= 0) {
        return -1;
      } else {
        count++;
      }
    }
    return count;
  }
}
