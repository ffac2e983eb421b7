package org.learnchain.node.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.ledger.LedgerChain;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.mempool.Admission;
import org.learnchain.ledger.mempool.Mempool;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.node.problem.ProblemSubmitter;
import org.learnchain.node.status.BlockAuditor;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.p2p.P2PNetwork;

/**
 * The parts of a node the API serves from, handed over by the composition root.
 *
 * @param pool adds a client's signed transaction to the pool and gossips it when accepted
 * @param signatures checks a transaction's signature through the node's signature cache (true:
 *     valid for this chain), so that the pool's own check afterwards finds it verified; batches use
 *     it to verify on several threads before admitting in order
 * @param uploadDir where problem uploads are spooled while they arrive (deleted afterwards)
 * @param maxUploadBytes largest training or test file accepted
 */
public record ApiContext(
    Genesis genesis,
    PublicKey nodeKey,
    ChainStore store,
    LedgerChain chain,
    Mempool mempool,
    P2PNetwork network,
    RoundTracker tracker,
    ProblemSubmitter submitter,
    BlockAuditor auditor,
    Function<SignedTransaction, Admission> pool,
    Predicate<SignedTransaction> signatures,
    ApiToken token,
    Path uploadDir,
    long maxUploadBytes) {
  public ApiContext {
    Objects.requireNonNull(genesis, "genesis");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(uploadDir, "uploadDir");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(signatures, "signatures");
  }
}
