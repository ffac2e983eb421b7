package org.learnchain.consensus.statemachine;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.learnchain.config.Genesis;
import org.learnchain.config.Role;
import org.learnchain.consensus.ConsensusListener;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.MisconductReport;
import org.learnchain.consensus.message.MisconductReport.Reason;
import org.learnchain.consensus.port.ChainPort;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.Evidence;
import org.learnchain.ledger.SignedTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node does about faults it sees (docs/consensus.md, accountability): blocks that broke a
 * rule are remembered and reported, signed misconduct reports are gossiped, and proofs that every
 * node can check (conflicting signed messages, a winner block whose model is not the committed one)
 * are filed as evidence transactions so the ledger slashes the signer. Validators only; each
 * subject and proof at most once.
 */
final class Misconduct {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);

  private final Genesis genesis;
  private final ChainDomains domains;
  private final PrivateKey key;
  private final PublicKey me;
  private final Committee committee;
  private final ChainPort chain;
  private final org.learnchain.consensus.port.Gossip gossip;
  private final ConsensusListener listener;

  private final Set<Hash> invalid = RoundStateMachine.boundedSet();
  private final Set<Hash> evidenceFiled = RoundStateMachine.boundedSet();
  private final Set<String> reported = RoundStateMachine.boundedSet();

  Misconduct(
      Genesis genesis,
      ChainDomains domains,
      PrivateKey key,
      Committee committee,
      ChainPort chain,
      org.learnchain.consensus.port.Gossip gossip,
      ConsensusListener listener) {
    this.genesis = genesis;
    this.domains = domains;
    this.key = key;
    this.me = key.publicKey();
    this.committee = committee;
    this.chain = chain;
    this.gossip = gossip;
    this.listener = listener;
  }

  /** Whether {@code hash} is a block this node found invalid. */
  boolean isInvalid(Hash hash) {
    return invalid.contains(hash);
  }

  Set<Hash> invalidBlocks() {
    return new HashSet<>(invalid);
  }

  Set<String> reportedMisconduct() {
    return new LinkedHashSet<>(reported);
  }

  void onInvalidBlock(Block b, BlockVerifier.Rejected r) {
    invalid.add(b.hash());
    if (b.header().proposer().equals(me)) {
      LOG.error("Own block failed verification height={} reason={}", b.height(), r.reason());
      return;
    }
    LOG.warn(
        "Block rejected height={} hash={} proposer={} rule={} ({}) reason={}",
        b.height(),
        b.hash().toShortHex(),
        b.header().proposer().address(),
        r.rule().code(),
        r.rule(),
        r.reason());
    listener.blockRejected(b, r.reason());
    report(b.height(), b.header().attempt(), r.accused(), b.hash(), r.code(), r.reason());
    r.evidence().ifPresent(this::fileEvidence);
  }

  void report(
      long roundNo, int attempt, PublicKey accused, Hash subject, Reason reason, String detail) {
    if (!committee.has(me, Role.VALIDATOR) || accused.equals(me)) {
      return;
    }
    if (!reported.add(subject.toHex() + "/" + reason)) {
      return;
    }
    MisconductReport r =
        MisconductReport.sign(domains, key, roundNo, attempt, accused, subject, reason, detail);
    listener.misconduct(r);
    gossip.publish(MessageType.MISCONDUCT_REPORT, r.encode());
  }

  /** Files an evidence transaction (validators only, once per proof). */
  void fileEvidence(byte[] proof) {
    if (!committee.has(me, Role.VALIDATOR)) {
      return;
    }
    if (!evidenceFiled.add(Hashing.sha256(proof))) {
      return;
    }
    SignedTransaction tx =
        SignedTransaction.sign(
            key,
            genesis.chainId(),
            chain.nextNonce(me.address()),
            genesis.rewards().minTxFee(),
            new Evidence(proof));
    LOG.warn("Evidence filed tx={} proofBytes={}", tx.hash().toShortHex(), proof.length);
    chain.submitTransaction(tx);
    listener.evidenceSubmitted(proof);
  }
}
