package org.learnchain.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.learnchain.config.Genesis;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.state.EvidenceVerifier;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;

/**
 * Deterministic random blocks: the block at height h depends only on the seed, h and the parent
 * state, so a process that restarts from any head regenerates exactly the same chain. Candidates
 * mix every transaction kind with invalid ones (bad nonces, overspending, replays, forged
 * signatures), and go through {@link StateTransition#assemble} like a real builder's.
 */
public final class RandomChain {
  public static final int MEMBERS = 10;
  public static final int OUTSIDERS = 6;

  private final long seed;
  private final int txsPerBlock;
  private final Genesis genesis;
  private final StateTransition transition;
  private final List<PrivateKey> keys = new ArrayList<>();

  /** Evidence proofs name their offender in the first byte (a member index); others are junk. */
  public static final EvidenceVerifier VERIFIER =
      (proof, height) ->
          proof.length >= 2 && proof[0] == 'E' && (proof[1] & 0xff) < MEMBERS
              ? Optional.of(Fixtures.key(proof[1] & 0xff).publicKey())
              : Optional.empty();

  public RandomChain(long seed, int txsPerBlock, ForkJoinPool pool) {
    this.seed = seed;
    this.txsPerBlock = txsPerBlock;
    this.genesis = Fixtures.genesis(MEMBERS, 1_000_000, 50_000, Fixtures.REWARDS, 12, 4);
    this.transition = new StateTransition(genesis, VERIFIER, pool);
    for (int i = 0; i < MEMBERS; i++) {
      keys.add(Fixtures.key(i));
    }
    for (int i = 0; i < OUTSIDERS; i++) {
      keys.add(Fixtures.key("outsider" + i));
    }
  }

  public Genesis genesis() {
    return genesis;
  }

  public StateTransition transition() {
    return transition;
  }

  /** A block with its transition result. */
  public record Built(Block block, TransitionResult.Applied applied) {}

  /** The next block on top of {@code parentBlock} whose state is {@code parent}. */
  public Built next(Block parentBlock, WorldState parent) {
    long height = parent.height() + 1;
    Random rnd = new Random(seed * 1_000_003L + height);
    List<SignedTransaction> candidates = new ArrayList<>();
    java.util.Map<Address, Long> nonces = new java.util.HashMap<>();
    for (int i = 0; i < txsPerBlock; i++) {
      candidates.add(randomTx(rnd, parent, height, nonces));
    }
    PrivateKey proposerKey = keys.get(rnd.nextInt(MEMBERS));
    PublicKey proposer = proposerKey.publicKey();
    BlockOutcome outcome = randomOutcome(rnd, parent);
    StateTransition.Assembly a =
        transition.assemble(
            parent, height, proposer, candidates, outcome, Integer.MAX_VALUE, Long.MAX_VALUE);
    if (!(a.result() instanceof TransitionResult.Applied applied)) {
      throw new AssertionError("random block " + height + " rejected: " + a.result());
    }
    byte[] work = new byte[rnd.nextInt(3) * 16];
    rnd.nextBytes(work);
    Hash problemId = outcome instanceof BlockOutcome.UsefulWork u ? u.problemId() : Hash.ZERO;
    boolean idle = outcome instanceof BlockOutcome.Idle;
    BlockHeader header =
        new BlockHeader(
            height,
            parentBlock.hash(),
            parentBlock.header().timestampMs() + 1_000,
            height,
            0,
            problemId,
            Block.txRoot(a.included()),
            Block.workHash(work),
            applied.stateRoot(),
            idle ? Hash.ZERO : Fixtures.hash("model" + height),
            idle ? Hash.ZERO : Fixtures.hash("cert" + height),
            proposer);
    Block block =
        new Block(header, header.sign(proposerKey, Fixtures.CHAIN), outcome, a.included(), work);
    return new Built(block, applied);
  }

  private BlockOutcome randomOutcome(Random rnd, WorldState parent) {
    Optional<PendingProblem> p = parent.selectProblem();
    if (p.isEmpty() || rnd.nextInt(3) == 0) {
      return new BlockOutcome.Idle();
    }
    PendingProblem problem = p.get();
    List<Address> miners = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      Address a = Fixtures.address(i);
      if (!a.equals(problem.submitter()) && rnd.nextBoolean()) {
        miners.add(a);
      }
    }
    if (miners.isEmpty()) {
      return new BlockOutcome.Idle();
    }
    if (rnd.nextInt(4) == 0) {
      return new BlockOutcome.Wasted(problem.id(), miners);
    }
    List<Address> attesters = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      if (rnd.nextInt(3) > 0) {
        attesters.add(Fixtures.address(i));
      }
    }
    return new BlockOutcome.UsefulWork(problem.id(), miners.get(0), attesters);
  }

  private SignedTransaction randomTx(
      Random rnd, WorldState parent, long height, java.util.Map<Address, Long> nonces) {
    PrivateKey key = keys.get(rnd.nextInt(keys.size()));
    Account acc = parent.account(key.publicKey().address());
    long nonce = nonces.getOrDefault(key.publicKey().address(), acc.nonce());
    nonces.put(key.publicKey().address(), nonce + 1);
    int noise = rnd.nextInt(20);
    if (noise == 0) {
      nonce += 1 + rnd.nextInt(3); // gap
    } else if (noise == 1 && nonce > 0) {
      nonce -= 1; // replay position
    }
    long fee = rnd.nextInt(10) == 0 ? 5 : 10 + rnd.nextInt(5);
    long spendable = Math.max(1, acc.balance() / 4);
    Transaction payload;
    int kind = rnd.nextInt(100);
    Address anyone = keys.get(rnd.nextInt(keys.size())).publicKey().address();
    Address member = Fixtures.address(rnd.nextInt(MEMBERS));
    if (kind < 55) {
      long amount =
          rnd.nextInt(15) == 0 ? acc.balance() * 2 + 1 : 1 + (long) (rnd.nextDouble() * spendable);
      payload =
          new Transfer(
              rnd.nextInt(10) == 0 ? Fixtures.address(100 + rnd.nextInt(50)) : anyone, amount);
    } else if (kind < 63) {
      payload = Fixtures.problem(500 + rnd.nextInt(5_000), "h" + height + "r" + rnd.nextInt());
    } else if (kind < 71) {
      payload = new Stake(1 + rnd.nextInt(1_000));
    } else if (kind < 79) {
      payload =
          new Unstake(
              1
                  + rnd.nextInt(
                      Math.max(1, (int) Math.min(Integer.MAX_VALUE - 1, acc.stake() + 10))));
    } else if (kind < 87) {
      payload = new Delegate(member, 1 + rnd.nextInt(800));
    } else if (kind < 95) {
      Address target =
          acc.delegations().isEmpty()
              ? member
              : acc.delegations().get(rnd.nextInt(acc.delegations().size())).counterparty();
      payload = new Undelegate(target, 1 + rnd.nextInt(400));
    } else {
      byte[] proof = {
        (byte) (rnd.nextInt(8) == 0 ? 'X' : 'E'), (byte) rnd.nextInt(MEMBERS), (byte) rnd.nextInt(4)
      };
      payload = new Evidence(proof);
    }
    SignedTransaction tx = SignedTransaction.sign(key, Fixtures.CHAIN, nonce, fee, payload);
    if (rnd.nextInt(40) == 0) {
      // Forged: someone else's signature.
      SignedTransaction other =
          SignedTransaction.sign(keys.get(0), Fixtures.CHAIN, nonce, fee, payload);
      return new SignedTransaction(
          tx.chainId(), tx.sender(), nonce, fee, payload, other.signature());
    }
    return tx;
  }
}
