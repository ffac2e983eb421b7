package org.learnchain.p2p.core;

/** Peer-supplied text made safe for logs: at most 64 printable ASCII characters. */
public final class LogText {
  private LogText() {}

  public static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 64));
    for (int i = 0; i < s.length() && b.length() < 64; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
