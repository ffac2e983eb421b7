package org.learnchain.simulation;

import java.util.ArrayList;
import java.util.List;
import org.learnchain.consensus.ConsensusListener;
import org.learnchain.consensus.message.MisconductReport;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;

/** Records what one simulated node's consensus reported, for tests and the simulation summary. */
public final class SimRecorder implements ConsensusListener {
  private long imported;
  private final List<String> rejected = new ArrayList<>();
  private final List<MisconductReport> misconduct = new ArrayList<>();
  private final List<byte[]> evidence = new ArrayList<>();
  private long finalizedHeight;
  private final List<String> committedDespiteLocalCheck = new ArrayList<>();

  @Override
  public void blockImported(Block block, boolean head) {
    imported++;
  }

  @Override
  public void blockRejected(Block block, String reason) {
    rejected.add("height=" + block.height() + " " + reason);
  }

  @Override
  public void committedDespiteLocalCheck(Block block, String reason) {
    committedDespiteLocalCheck.add("height=" + block.height() + " " + reason);
  }

  /** Blocks committed although this node's own model re-run disagreed. */
  public List<String> committedDespiteLocalCheck() {
    return committedDespiteLocalCheck;
  }

  @Override
  public void finalized(Hash hash, long height) {
    finalizedHeight = Math.max(finalizedHeight, height);
  }

  @Override
  public void misconduct(MisconductReport report) {
    misconduct.add(report);
  }

  @Override
  public void evidenceSubmitted(byte[] proof) {
    evidence.add(proof.clone());
  }

  /** Blocks this node verified and stored (any branch). */
  public long imported() {
    return imported;
  }

  public List<String> rejected() {
    return rejected;
  }

  public List<MisconductReport> misconduct() {
    return misconduct;
  }

  public List<byte[]> evidence() {
    return evidence;
  }

  public long finalizedHeight() {
    return finalizedHeight;
  }
}
