package org.learnchain.bench.sync;

import com.google.protobuf.ByteString;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.learnchain.bench.tx.BenchException;
import org.learnchain.bench.tx.LocalTestnet;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.ProblemReply;

/**
 * Makes the chain the late node will catch up, through node 0's gRPC API: keeps up to two iris
 * problems open (funded by node 0, uploaded as CSV) while useful-work blocks are still wanted, as
 * the devnet does, and reads the canonical chain as it grows to find the useful-work blocks.
 */
final class ChainMaker {
  private static final long BOUNTY = 10_000L;
  private static final int OPEN = 2;
  private static final Set<String> CLOSED = Set.of("solved", "wasted", "expired");

  private final NodeClient node;
  private final int useful;
  private final IrisFiles iris;
  private final PrintWriter progress;
  private final LocalTestnet net;
  private final Set<Long> usefulHeights = new TreeSet<>();
  private final List<ByteString> open = new ArrayList<>();
  private int submitted;
  private long scanned;

  ChainMaker(NodeClient node, int useful, IrisFiles iris, PrintWriter progress, LocalTestnet net) {
    this.node = node;
    this.useful = useful;
    this.iris = iris;
    this.progress = progress;
    this.net = net;
  }

  /**
   * Returns once the chain is at least {@code blocks} high with the useful-work blocks wanted; the
   * head's height then.
   */
  long makeUntil(long blocks, long maxMs) throws BenchException {
    long until = System.currentTimeMillis() + maxMs;
    long lastLine = System.currentTimeMillis();
    while (true) {
      long height = node.status().getHeight();
      scan(height);
      if (height >= blocks && usefulHeights.size() >= useful) {
        return height;
      }
      topUp();
      for (int i = 0; i < net.nodes() - 1; i++) {
        if (!net.alive(i)) {
          throw new BenchException(
              "validator " + i + " exited; see " + net.dir().resolve("node" + i + "/node.log"));
        }
      }
      if (System.currentTimeMillis() > until) {
        throw new BenchException(
            "the chain reached height "
                + height
                + " with "
                + usefulHeights.size()
                + " useful-work blocks in "
                + maxMs / 1000
                + " s");
      }
      if (System.currentTimeMillis() - lastLine > 5_000) {
        lastLine = System.currentTimeMillis();
        progress.printf(
            Locale.ROOT,
            "bench sync: chain at height %d, %d useful-work blocks%n",
            height,
            usefulHeights.size());
        progress.flush();
      }
      SyncBench.sleep(50);
    }
  }

  /** Useful-work blocks at or below {@code height}. */
  int usefulUpTo(long height) {
    return (int) usefulHeights.stream().filter(h -> h <= height).count();
  }

  private void scan(long height) {
    while (scanned < height) {
      List<BlockView> blocks = node.blocks(scanned + 1);
      if (blocks.isEmpty()) {
        return;
      }
      for (BlockView b : blocks) {
        if (b.getKind().equals("useful")) {
          usefulHeights.add(b.getHeight());
        }
        scanned = b.getHeight();
      }
    }
  }

  /** Keeps {@link #OPEN} problems open while useful-work blocks are still wanted. */
  private void topUp() throws BenchException {
    if (open.removeIf(id -> CLOSED.contains(state(id)))) {
      // A problem closed since the last read: its useful-work block may be past what was scanned.
      scan(node.status().getHeight());
    }
    long want = Math.min(OPEN, useful - usefulHeights.size());
    while (open.size() < want) {
      submitted++;
      open.add(node.submitProblem(iris.train(), iris.test(), BOUNTY - submitted));
    }
  }

  private String state(ByteString id) {
    ProblemReply p = node.problem(id);
    return p.getState();
  }
}
