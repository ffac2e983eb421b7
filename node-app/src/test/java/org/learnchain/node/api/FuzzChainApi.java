package org.learnchain.node.api;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.function.Predicate;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.node.adapter.FileProblemSecrets;
import org.learnchain.node.fuzz.FuzzChain;
import org.learnchain.node.fuzz.FuzzNetwork;
import org.learnchain.node.problem.ProblemSubmitter;
import org.learnchain.node.status.BlockAuditor;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.p2p.blob.InMemoryBlobStore;
import org.learnchain.simulation.LinearRegressionMl;
import org.learnchain.simulation.SimulatedClock;

/** The API's context over a {@link FuzzChain}, as the API tests build it. */
final class FuzzChainApi {
  private FuzzChainApi() {}

  /**
   * A context whose pool admits into {@code chain}'s mempool at its head, with secrets and uploads
   * under {@code dir}.
   */
  static ApiContext context(
      FuzzChain chain, Path dir, Predicate<SignedTransaction> signatures, long maxUploadBytes)
      throws IOException {
    ProblemSubmitter submitter =
        new ProblemSubmitter(
            chain.genesis,
            FuzzChain.MEMBERS.get(0),
            new InMemoryBlobStore(),
            new FileProblemSecrets(dir.resolve("secrets")),
            chain.chain::nextNonce,
            tx -> chain.mempool.add(tx, chain.store.headState()),
            new SecureRandom(),
            1 << 20);
    return new ApiContext(
        chain.genesis,
        FuzzChain.MEMBERS.get(0).publicKey(),
        chain.store,
        chain.chain,
        chain.mempool,
        new FuzzNetwork().network,
        new RoundTracker(chain.genesis, chain.store, new SimulatedClock(FuzzChain.GENESIS_TIME_MS)),
        submitter,
        new BlockAuditor(chain.genesis, chain.store, chain.chain, LinearRegressionMl.honest(1)),
        tx -> chain.mempool.add(tx, chain.store.headState()),
        signatures,
        ApiToken.generate(new SecureRandom()),
        dir.resolve("uploads"),
        maxUploadBytes);
  }
}
