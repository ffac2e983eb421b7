package org.learnchain.p2p;

import java.util.Objects;

/**
 * A gossip topic: the kind of payload a message carries ({@code "blocks"}, {@code "tx"}, {@code
 * "consensus"}...). Names are 1..64 characters of {@code [a-z0-9._/-]} so they are safe in logs and
 * metric tags.
 */
public record Topic(String name) {
  public static final int MAX_LENGTH = 64;

  public Topic {
    Objects.requireNonNull(name, "name");
    if (!valid(name)) {
      throw new IllegalArgumentException(
          "topic must be 1..64 characters of [a-z0-9._/-]: '" + name + "'");
    }
  }

  public static Topic of(String name) {
    return new Topic(name);
  }

  /** True when {@code name} is an acceptable topic name; used on untrusted input. */
  public static boolean valid(String name) {
    if (name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '/'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return name;
  }
}
