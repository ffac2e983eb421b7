package org.learnchain.ledger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.config.Role;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * Block 0, derived from genesis by every node alike: nobody proposes or signs it (zero proposer key
 * and zero signature; it is never verified, only recomputed). Its work section is the canonical
 * encoding of every genesis parameter, so its hash, the prevHash of block 1, identifies the whole
 * genesis: a store opened with another genesis sees another block 0 and refuses.
 */
public final class GenesisBlock {
  private GenesisBlock() {}

  public static final PublicKey NO_PROPOSER = PublicKey.wrap(new byte[PublicKey.LENGTH]);
  public static final Signature NO_SIGNATURE = Signature.wrap(new byte[Signature.LENGTH]);

  /** Block 0 for {@code genesis}, whose state has root {@code genesisStateRoot}. */
  public static Block create(Genesis genesis, Hash genesisStateRoot) {
    byte[] params = encodeParameters(genesis);
    BlockHeader header =
        new BlockHeader(
            0,
            Hash.ZERO,
            genesis.genesisTimeMs(),
            0,
            0,
            Hash.ZERO,
            Hash.ZERO,
            Block.workHash(params),
            genesisStateRoot,
            Hash.ZERO,
            Hash.ZERO,
            NO_PROPOSER);
    return new Block(header, NO_SIGNATURE, new BlockOutcome.Idle(), List.of(), params);
  }

  /** The canonical encoding of every genesis parameter, members in genesis order. */
  public static byte[] encodeParameters(Genesis g) {
    CanonicalWriter w = new CanonicalWriter(256 + 64 * g.members().size());
    w.string("learnchain/genesis/v1").string(g.chainId()).i64(g.genesisTimeMs());
    w.i32(g.members().size());
    for (Member m : g.members()) {
      List<Role> roles = new ArrayList<>(m.roles());
      roles.sort(Comparator.comparing(Role::id));
      w.publicKey(m.publicKey()).list(roles, (ww, r) -> ww.string(r.id()));
      w.i64(m.balance()).i64(m.stake());
    }
    w.i64(g.rounds().trainingMs())
        .i64(g.rounds().evaluationMs())
        .i64(g.rounds().awardMs())
        .i64(g.rounds().idleBlockMs());
    w.i32(g.rewards().bountyBurnBps())
        .i32(g.rewards().validatorShareBps())
        .i32(g.rewards().delegatorShareBps())
        .i64(g.rewards().subsidy())
        .i64(g.rewards().minTxFee())
        .i64(g.rewards().minBounty())
        .i32(g.rewards().slashBps());
    w.i32(g.problemTtlRounds()).f64(g.verificationTolerance());
    List<String> layers = new ArrayList<>(g.limits().allowedLayers());
    layers.sort(Comparator.naturalOrder());
    w.i64(g.limits().maxParameters())
        .i64(g.limits().maxModelBytes())
        .i64(g.limits().maxInferenceFlops())
        .list(layers, CanonicalWriter::string)
        .i64(g.limits().maxTrainSetBytes())
        .i32(g.limits().maxTestSamples());
    w.i32(g.unbondingDelayRounds());
    return w.toByteArray();
  }
}
