package org.learnchain.simulation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.learnchain.consensus.port.Gossip;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.SignedTransaction;

/**
 * An in-process network on the simulated clock: every message reaches every other reachable node
 * after a delay drawn from a seeded generator; nodes can be taken down (they receive nothing) and
 * the network can be split into groups that cannot reach each other. Block requests are answered
 * from the first reachable peer that stores the block.
 */
public final class SimNetwork {
  /** What the network needs from a node. */
  public interface Endpoint {
    void deliver(MessageType kind, byte[] payload);

    void deliverTransaction(SignedTransaction tx);

    Optional<Block> storedBlock(Hash hash);
  }

  private final SimulatedClock clock;
  private final SplittableRandom random;
  private final long minDelayMs;
  private final long maxDelayMs;
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final List<GossipInterceptor> interceptors = new ArrayList<>();
  private final List<LinkRule> rules = new ArrayList<>();
  private LinkRule duplicator;
  private final Set<Integer> down = new HashSet<>();
  private int[] group = new int[0];
  private long messagesSent;

  public SimNetwork(SimulatedClock clock, long seed, long minDelayMs, long maxDelayMs) {
    this.clock = clock;
    this.random = new SplittableRandom(seed);
    this.minDelayMs = minDelayMs;
    this.maxDelayMs = maxDelayMs;
  }

  /** Adds a node; returns its index. */
  public int register(Endpoint endpoint, GossipInterceptor interceptor) {
    endpoints.add(endpoint);
    interceptors.add(interceptor);
    group = new int[endpoints.size()];
    return endpoints.size() - 1;
  }

  public void setInterceptor(int node, GossipInterceptor interceptor) {
    interceptors.set(node, interceptor);
  }

  /**
   * A condition of one link for one message: extra delay, a drop, or a duplicate. Rules apply in
   * the order added; the first that answers decides. Tests use them to stage exact delivery
   * schedules and randomized faults without touching the nodes.
   */
  @FunctionalInterface
  public interface LinkRule {
    /** No change. */
    long PASS = Long.MIN_VALUE;

    /** The message is lost on this link. */
    long DROP = -1;

    /**
     * Extra delay in ms for this message on this link ({@code >= 0}), {@link #DROP}, or {@link
     * #PASS} to let later rules (and the network's own random delay) decide.
     */
    long extraDelay(int from, int to, MessageType kind, byte[] payload, long nowMs);
  }

  /** Adds a link rule (see {@link LinkRule}). */
  public void addRule(LinkRule rule) {
    rules.add(rule);
  }

  public void clearRules() {
    rules.clear();
    duplicator = null;
  }

  /**
   * Sends a second copy of a message when {@code rule} answers a delay ({@code >= 0}) for it: the
   * duplicates (and, with the random delays, reorderings) of a real network.
   */
  public void setDuplicator(LinkRule rule) {
    this.duplicator = rule;
  }

  /** Takes a node off the network (it neither sends nor receives) or puts it back. */
  public void setDown(int node, boolean isDown) {
    if (isDown) {
      down.add(node);
    } else {
      down.remove(node);
    }
  }

  public boolean isDown(int node) {
    return down.contains(node);
  }

  /** Splits the network: nodes reach each other only within the same group number. */
  public void partition(IntFunction<Integer> groupOf) {
    for (int i = 0; i < group.length; i++) {
      group[i] = groupOf.apply(i);
    }
  }

  public void heal() {
    group = new int[endpoints.size()];
  }

  private boolean reachable(int from, int to) {
    return from != to && !down.contains(from) && !down.contains(to) && group[from] == group[to];
  }

  private long delay() {
    return minDelayMs
        + (maxDelayMs > minDelayMs ? random.nextLong(maxDelayMs - minDelayMs + 1) : 0);
  }

  public long messagesSent() {
    return messagesSent;
  }

  /** The gossip port of node {@code from}: its publications pass through its interceptor. */
  public Gossip gossipFor(int from) {
    NetworkOut out = outFor(from);
    return new Gossip() {
      @Override
      public void publish(MessageType kind, byte[] payload) {
        if (!down.contains(from)) {
          interceptors.get(from).publish(kind, payload, out);
        }
      }

      @Override
      public void requestBlock(Hash hash) {
        for (int peer = 0; peer < endpoints.size(); peer++) {
          if (!reachable(from, peer)) {
            continue;
          }
          Optional<Block> b = endpoints.get(peer).storedBlock(hash);
          if (b.isPresent()) {
            byte[] bytes = b.get().encode();
            clock.schedule(
                clock.nowMs() + 2 * delay(), () -> deliverIfUp(from, MessageType.BLOCK, bytes));
            return;
          }
        }
      }
    };
  }

  private void deliverIfUp(int to, MessageType kind, byte[] payload) {
    if (!down.contains(to)) {
      endpoints.get(to).deliver(kind, payload);
    }
  }

  private void send(int from, int to, long atMs, MessageType kind, byte[] payload) {
    if (!reachable(from, to)) {
      return;
    }
    long extra = 0;
    for (LinkRule rule : rules) {
      long d = rule.extraDelay(from, to, kind, payload, clock.nowMs());
      if (d != LinkRule.PASS) {
        extra = d;
        break;
      }
    }
    if (extra == LinkRule.DROP) {
      return;
    }
    messagesSent++;
    if (duplicator != null) {
      long again = duplicator.extraDelay(from, to, kind, payload, clock.nowMs());
      if (again >= 0) {
        clock.schedule(
            atMs + delay() + again,
            () -> {
              if (reachable(from, to)) {
                endpoints.get(to).deliver(kind, payload);
              }
            });
      }
    }
    clock.schedule(
        atMs + delay() + extra,
        () -> {
          // Reachability is checked again on arrival: a partition or crash in flight drops it.
          if (reachable(from, to)) {
            endpoints.get(to).deliver(kind, payload);
          }
        });
  }

  /** Gossips a transaction from {@code from} to every reachable node's pool. */
  public void broadcastTransaction(int from, SignedTransaction tx) {
    for (int to = 0; to < endpoints.size(); to++) {
      if (reachable(from, to)) {
        int target = to;
        clock.schedule(
            clock.nowMs() + delay(),
            () -> {
              if (!down.contains(target)) {
                endpoints.get(target).deliverTransaction(tx);
              }
            });
      }
    }
  }

  private NetworkOut outFor(int from) {
    return new NetworkOut() {
      @Override
      public void publish(MessageType kind, byte[] payload) {
        publishAt(clock.nowMs(), kind, payload);
      }

      @Override
      public void sendTo(int peer, MessageType kind, byte[] payload) {
        send(from, peer, clock.nowMs(), kind, payload);
      }

      @Override
      public void publishAt(long atMs, MessageType kind, byte[] payload) {
        for (int to = 0; to < endpoints.size(); to++) {
          send(from, to, Math.max(atMs, clock.nowMs()), kind, payload);
        }
      }

      @Override
      public long nowMs() {
        return clock.nowMs();
      }

      @Override
      public int size() {
        return endpoints.size();
      }
    };
  }
}
