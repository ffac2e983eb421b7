package org.learnchain.node.fuzz;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.BlobResult;
import org.learnchain.p2p.BlocksResult;
import org.learnchain.p2p.GossipHandler;
import org.learnchain.p2p.GossipValidator;
import org.learnchain.p2p.MessageId;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.Topic;

/**
 * A p2p network with no peers for fuzz targets: it keeps what subscribes to it (so a target can
 * call a node's gossip validators and handlers directly), publishes nowhere, has no peers and
 * answers requests with "no peers". Built as a proxy of {@link P2PNetwork}, so a method added to
 * that interface (by another module's work) answers its type's empty value instead of breaking this
 * test code; calls a fuzz target relies on are answered explicitly below.
 */
public final class FuzzNetwork {
  /** A subscriber of one topic. */
  public record Entry(GossipValidator validator, GossipHandler handler) {}

  public final Map<Topic, Entry> subscriptions = new ConcurrentHashMap<>();
  public final P2PNetwork network;

  public FuzzNetwork() {
    network =
        (P2PNetwork)
            Proxy.newProxyInstance(
                P2PNetwork.class.getClassLoader(),
                new Class<?>[] {P2PNetwork.class},
                (proxy, method, args) -> answer(method, args));
  }

  private Object answer(Method method, Object[] args) {
    switch (method.getName()) {
      case "subscribe" -> {
        subscriptions.put(
            (Topic) args[0], new Entry((GossipValidator) args[1], (GossipHandler) args[2]));
        return null;
      }
      case "publish" -> {
        return MessageId.of((byte[]) args[1]);
      }
      case "requestBlocks" -> {
        return CompletableFuture.completedFuture(
            new BlocksResult.Failed((PublicKey) args[0], "no peers"));
      }
      case "fetchBlob" -> {
        return CompletableFuture.completedFuture(new BlobResult.Failed((Hash) args[0], "no peers"));
      }
      case "toString" -> {
        return "FuzzNetwork";
      }
      case "hashCode" -> {
        return System.identityHashCode(this);
      }
      case "equals" -> {
        return args[0] == network;
      }
      default -> {
        return empty(method.getReturnType());
      }
    }
  }

  private static Object empty(Class<?> type) {
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    if (List.class.isAssignableFrom(type)) {
      return List.of();
    }
    if (java.util.Set.class.isAssignableFrom(type)) {
      return java.util.Set.of();
    }
    return null;
  }
}
