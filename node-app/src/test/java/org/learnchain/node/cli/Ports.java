package org.learnchain.node.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports for tests that must write fixed ports into config files. */
public final class Ports {
  private Ports() {}

  /** A base port P such that P+10i+k (i below nodes, k in 0..3) are all free now. */
  public static int freeBase(int nodes) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20_000 + 10 * ThreadLocalRandom.current().nextInt(3_000);
      List<ServerSocket> held = new ArrayList<>();
      boolean ok = true;
      try {
        for (int i = 0; i < nodes && ok; i++) {
          for (int k = 0; k < 4; k++) {
            try {
              held.add(new ServerSocket(base + 10 * i + k, 1, InetAddress.getLoopbackAddress()));
            } catch (IOException e) {
              ok = false;
              break;
            }
          }
        }
      } finally {
        for (ServerSocket s : held) {
          try {
            s.close();
          } catch (IOException e) {
            ok = false;
          }
        }
      }
      if (ok) {
        return base;
      }
    }
    throw new IllegalStateException("no free port range found");
  }
}
