package org.learnchain.ledger.state;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.Rewards;
import org.learnchain.config.Role;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.PaymentKind;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.ProblemStatus;
import org.learnchain.ledger.RejectReason;

/**
 * The reward economics: how a round's outcome moves its escrowed bounty (burn, validator pool,
 * delegator pool, the winner's part and the subsidy; or the wasted-round split), and how a proven
 * equivocator's stake is slashed. Every credit is recorded as a payment on the block run.
 */
final class RewardSettlement {
  private final Rewards rewards;
  private final Membership members;

  RewardSettlement(Rewards rewards, Membership members) {
    this.rewards = rewards;
    this.members = members;
  }

  /** floor(amount * bps / 10000) without overflow, for 0 <= amount and 0 <= bps <= 10000. */
  static long bps(long amount, int bps) {
    return (amount / 10_000) * bps + (amount % 10_000) * bps / 10_000;
  }

  private static BlockRejection rejection(RejectReason reason, String message) {
    return new BlockRejection(BlockRejection.NOT_A_TRANSACTION, reason, message);
  }

  /** Settles the round the block closes; null when valid, else why not (with nothing recorded). */
  BlockRejection settle(BlockRun b, BlockOutcome outcome) {
    if (outcome instanceof BlockOutcome.Idle) {
      return null;
    }
    Hash problemId;
    List<Address> participants;
    Role participantRole;
    if (outcome instanceof BlockOutcome.UsefulWork u) {
      problemId = u.problemId();
      participants = u.attesters();
      participantRole = Role.VALIDATOR;
    } else {
      BlockOutcome.Wasted w = (BlockOutcome.Wasted) outcome;
      problemId = w.problemId();
      participants = w.committers();
      participantRole = Role.MINER;
    }
    Optional<PendingProblem> found = b.s.pending(problemId);
    if (found.isEmpty() || found.get().includedHeight() >= b.height) {
      return rejection(
          RejectReason.PROBLEM_NOT_PENDING,
          "problem " + problemId.toShortHex() + " is not pending before this block");
    }
    PendingProblem problem = found.get();
    Set<Address> seen = new HashSet<>();
    for (Address a : participants) {
      if (!seen.add(a)) {
        return rejection(RejectReason.DUPLICATE_PARTICIPANT, a + " is listed twice");
      }
      if (!members.hasRole(a, participantRole)) {
        return rejection(
            RejectReason.PARTICIPANT_NOT_ELIGIBLE, a + " is not a " + participantRole.id());
      }
      if (participantRole == Role.MINER && a.equals(problem.submitter())) {
        return rejection(
            RejectReason.PARTICIPANT_NOT_ELIGIBLE, "the submitter cannot mine its own problem");
      }
    }
    if (outcome instanceof BlockOutcome.UsefulWork u) {
      BlockRejection bad = payUseful(b, problem, u.winner(), participants);
      if (bad != null) {
        return bad;
      }
    } else {
      if (participants.isEmpty()) {
        return rejection(RejectReason.NO_COMMITTERS, "a wasted round needs committers");
      }
      // One fixed share per eligible miner (every miner but the submitter), listed or not: the
      // share of a committer the proposer leaves out is burned, so omitting one gains nothing.
      long bounty = problem.bounty();
      long each = bounty / members.countWithRole(Role.MINER, problem.submitter());
      for (Address a : participants) {
        b.pay(PaymentKind.WASTED_SPLIT, a, each);
      }
      b.burned += bounty - each * participants.size();
      b.s.close(problem.closed(ProblemStatus.WASTED, b.height));
    }
    decrementPending(b.s);
    return null;
  }

  private BlockRejection payUseful(
      BlockRun b, PendingProblem problem, Address winner, List<Address> attesters) {
    Scratch s = b.s;
    if (!members.hasRole(winner, Role.MINER) || winner.equals(problem.submitter())) {
      return rejection(
          RejectReason.WINNER_NOT_ELIGIBLE,
          winner + " is not a miner or is the problem's submitter");
    }
    long subsidy = rewards.subsidy();
    ChainMeta m = s.meta();
    if (m.genesisSupply() + (m.minted() + b.minted) > Long.MAX_VALUE - subsidy) {
      return rejection(RejectReason.SUPPLY_OVERFLOW, "subsidy would overflow the supply");
    }
    long bounty = problem.bounty();
    long burn = bps(bounty, rewards.bountyBurnBps());
    long validatorPool = bps(bounty, rewards.validatorShareBps());
    long minerPart = bounty - burn - validatorPool;
    long burned = burn;
    // Fixed shares over the whole validator set: a signer left out of the commit loses its
    // share to the burn, never to the others, so a proposer gains nothing by omitting anyone.
    long each = validatorPool / members.countWithRole(Role.VALIDATOR, null);
    burned += validatorPool - each * attesters.size();
    for (Address a : attesters) {
      b.pay(PaymentKind.VALIDATOR_SHARE, a, each);
    }
    List<Account.Delegation> backers = s.account(winner).backers();
    long winnerGets = minerPart;
    if (!backers.isEmpty()) {
      long pool = bps(minerPart, rewards.delegatorShareBps());
      winnerGets -= pool;
      BigInteger totalBacked = BigInteger.ZERO;
      for (Account.Delegation d : backers) {
        totalBacked = totalBacked.add(BigInteger.valueOf(d.amount()));
      }
      long paid = 0;
      for (Account.Delegation d : backers) {
        long share =
            BigInteger.valueOf(pool)
                .multiply(BigInteger.valueOf(d.amount()))
                .divide(totalBacked)
                .longValueExact();
        b.pay(PaymentKind.DELEGATOR_SHARE, d.counterparty(), share);
        paid += share;
      }
      burned += pool - paid;
    }
    b.pay(PaymentKind.BOUNTY, winner, winnerGets);
    b.pay(PaymentKind.SUBSIDY, winner, subsidy);
    b.minted += subsidy;
    b.burned += burned;
    s.close(problem.closed(ProblemStatus.SOLVED, b.height));
    return null;
  }

  static void decrementPending(Scratch s) {
    ChainMeta m = s.meta();
    s.setMeta(
        new ChainMeta(
            m.height(), m.genesisSupply(), m.minted(), m.burned(), m.pendingProblems() - 1));
  }

  /**
   * Burns slashBps of the offender's stake and of each unbonding entry; records the total as a
   * {@link PaymentKind#SLASH} and returns it.
   */
  long slash(BlockRun b, Address offender) {
    Scratch s = b.s;
    Account a = s.account(offender);
    long fromStake = bps(a.stake(), rewards.slashBps());
    long total = fromStake;
    List<Account.Unbonding> kept = new ArrayList<>(a.unbonding().size());
    for (Account.Unbonding u : a.unbonding()) {
      long cut = bps(u.amount(), rewards.slashBps());
      total += cut;
      if (u.amount() - cut > 0) {
        kept.add(new Account.Unbonding(u.amount() - cut, u.releaseHeight()));
      }
    }
    s.putAccount(offender, a.withStake(a.stake() - fromStake).withUnbonding(kept));
    b.record(PaymentKind.SLASH, offender, total);
    return total;
  }
}
