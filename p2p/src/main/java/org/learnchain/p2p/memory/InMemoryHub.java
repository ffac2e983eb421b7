package org.learnchain.p2p.memory;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.learnchain.p2p.PeerAddress;

/**
 * The "wire" of in-memory networks: a registry of listening nodes by address. Nodes sharing a hub
 * can dial each other; port 0 gets a fresh port, as with TCP.
 */
public final class InMemoryHub {
  private final ConcurrentHashMap<PeerAddress, InMemoryTransport> listeners =
      new ConcurrentHashMap<>();
  private final AtomicInteger nextPort = new AtomicInteger(20000);

  PeerAddress bind(InMemoryTransport t, String host, int port) throws IOException {
    if (port == 0) {
      while (true) {
        PeerAddress a = new PeerAddress(host, nextPort());
        if (listeners.putIfAbsent(a, t) == null) {
          return a;
        }
      }
    }
    PeerAddress a = new PeerAddress(host, port);
    if (listeners.putIfAbsent(a, t) != null) {
      throw new IOException("address already in use: " + a);
    }
    return a;
  }

  void unbind(PeerAddress a, InMemoryTransport t) {
    listeners.remove(a, t);
  }

  Optional<InMemoryTransport> lookup(PeerAddress a) {
    return Optional.ofNullable(listeners.get(a));
  }

  /** A port never handed out before (listen ports and the far ends of inbound connections). */
  int nextPort() {
    int p = nextPort.getAndIncrement();
    if (p > 65535) {
      throw new IllegalStateException("in-memory hub ran out of ports");
    }
    return p;
  }
}
