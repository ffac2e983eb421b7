package org.learnchain.ledger.state;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.ledger.SignedTransaction;

/**
 * The state-independent part of applying transactions: encodings, ids, sender addresses, the chain
 * id and signature checks, run in parallel on the pool; each signature verified at most once per
 * process (see {@link SignatureCache}). The results do not depend on the scheduling.
 */
final class SignaturePreparation {
  private static final int PARALLEL_MIN_TXS = 16;

  private final String chainId;

  /**
   * The largest transaction any height allows (the chain spec's schedule): signatures of larger
   * ones are not checked at all; each height's own limit is a transaction rule.
   */
  private final int maxTransactionBytes;

  private final ForkJoinPool pool;
  private final SignatureCache signatures;

  SignaturePreparation(
      String chainId, int maxTransactionBytes, ForkJoinPool pool, SignatureCache signatures) {
    this.chainId = Objects.requireNonNull(chainId, "chainId");
    this.maxTransactionBytes = maxTransactionBytes;
    this.pool = Objects.requireNonNull(pool, "pool");
    this.signatures = Objects.requireNonNull(signatures, "signatures");
  }

  Prepared one(SignedTransaction tx) {
    Prepared p = new Prepared(tx);
    fill(p);
    return p;
  }

  Prepared[] all(List<SignedTransaction> txs) {
    Prepared[] out = new Prepared[txs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Prepared(txs.get(i));
    }
    if (out.length >= PARALLEL_MIN_TXS && pool.getParallelism() > 1) {
      pool.invoke(new PrepareTask(out, 0, out.length));
    } else {
      for (Prepared p : out) {
        fill(p);
      }
    }
    return out;
  }

  private void fill(Prepared p) {
    p.encoding = p.tx.encode();
    p.hash = Hashing.sha256(p.encoding);
    p.sender = p.tx.sender().address();
    p.chainOk = chainId.equals(p.tx.chainId());
    p.signatureOk =
        p.chainOk && p.encoding.length <= maxTransactionBytes && verified(p.tx, p.hash, p.encoding);
  }

  /** The signature check, done once per transaction id in this process. */
  private boolean verified(SignedTransaction tx, Hash id, byte[] encoding) {
    if (signatures.contains(id)) {
      return true;
    }
    boolean ok = tx.verifyEncoded(encoding);
    if (ok) {
      signatures.add(id);
    }
    return ok;
  }

  private final class PrepareTask extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient Prepared[] items;
    private final int from;
    private final int to;

    PrepareTask(Prepared[] items, int from, int to) {
      this.items = items;
      this.from = from;
      this.to = to;
    }

    @Override
    protected void compute() {
      if (to - from <= 8) {
        for (int i = from; i < to; i++) {
          fill(items[i]);
        }
        return;
      }
      int mid = (from + to) >>> 1;
      invokeAll(new PrepareTask(items, from, mid), new PrepareTask(items, mid, to));
    }
  }
}
