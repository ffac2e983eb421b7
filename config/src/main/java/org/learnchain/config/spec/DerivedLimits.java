package org.learnchain.config.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Limits that follow from a {@link ChainSpec} rather than being set: the room a block leaves for
 * its work section, and the p2p frame that can carry the largest block. {@link #check} holds a spec
 * against the decoder {@link Ceilings}; {@link #frameProblem} holds a node's frame against a
 * schedule. Nodes refuse to start on either failure (docs/chain-spec.md).
 *
 * @param workBudgetBytes what a full block leaves for its work section: {@code maxBlockBytes} less
 *     the header and a full transaction section
 * @param revealBudgetBytes what the work section leaves beside a maximum-size model (certificate,
 *     commits, test and label reveals)
 * @param requiredFrameBytes the p2p frame that carries a maximum-size block and its message
 */
public record DerivedLimits(long workBudgetBytes, long revealBudgetBytes, long requiredFrameBytes) {

  /** One problem with a spec: the spec key it concerns and what is wrong, on one line. */
  public record Violation(String key, String message) {}

  public static DerivedLimits of(ChainSpec s) {
    long work =
        (long) s.maxBlockBytes() - Ceilings.BLOCK_HEADER_BYTES - s.maxBlockTransactionBytes();
    return new DerivedLimits(
        work,
        work - s.maxModelBytes(),
        (long) s.maxBlockBytes() + Ceilings.BLOCK_MESSAGE_OVERHEAD_BYTES);
  }

  /**
   * Every way {@code s} cannot work: a rule above the ceiling its decoder enforces, a transaction
   * that cannot fit a block, a block with a maximum-size model and a full transaction section that
   * exceeds {@code maxBlockBytes}, or a block no p2p frame can carry. Basic ranges (at least 1) are
   * checked by the genesis reader; this assumes them.
   */
  public static List<Violation> check(ChainSpec s) {
    List<Violation> out = new ArrayList<>();
    if (s.maxModelBytes() > Ceilings.MAX_MODEL_BYTES) {
      out.add(
          new Violation(
              "maxModelBytes",
              s.maxModelBytes()
                  + " exceeds the model decoder ceiling of "
                  + Ceilings.MAX_MODEL_BYTES
                  + " bytes"));
    }
    if (s.maxTransactionBytes() > Ceilings.MAX_TRANSACTION_BYTES) {
      out.add(
          new Violation(
              "maxTransactionBytes",
              s.maxTransactionBytes()
                  + " exceeds the transaction decoder ceiling of "
                  + Ceilings.MAX_TRANSACTION_BYTES
                  + " bytes"));
    }
    if (s.maxBlockTransactions() > Ceilings.MAX_BLOCK_TRANSACTIONS) {
      out.add(
          new Violation(
              "maxBlockTransactions",
              s.maxBlockTransactions()
                  + " exceeds the block decoder ceiling of "
                  + Ceilings.MAX_BLOCK_TRANSACTIONS));
    }
    ceiling(out, "maxUnbondingEntries", s.maxUnbondingEntries(), Ceilings.MAX_UNBONDING_ENTRIES);
    ceiling(out, "maxDelegations", s.maxDelegations(), Ceilings.MAX_DELEGATIONS);
    ceiling(out, "maxBackers", s.maxBackers(), Ceilings.MAX_BACKERS);
    if (s.maxTransactionBytes() > s.maxBlockTransactionBytes()) {
      out.add(
          new Violation(
              "maxTransactionBytes",
              s.maxTransactionBytes()
                  + " exceeds maxBlockTransactionBytes "
                  + s.maxBlockTransactionBytes()
                  + ": a transaction of the largest size could never be included"));
    }
    DerivedLimits d = of(s);
    long needed =
        (long) Ceilings.BLOCK_HEADER_BYTES
            + s.maxBlockTransactionBytes()
            + s.maxModelBytes()
            + Ceilings.MIN_WORK_RESERVE_BYTES;
    if (d.revealBudgetBytes() < Ceilings.MIN_WORK_RESERVE_BYTES) {
      out.add(
          new Violation(
              "maxBlockBytes",
              s.maxBlockBytes()
                  + " cannot hold a block with a maximum-size model ("
                  + s.maxModelBytes()
                  + ") and a full transaction section ("
                  + s.maxBlockTransactionBytes()
                  + "): needs at least "
                  + needed
                  + " bytes with the header and the work reserve"));
    }
    if (d.requiredFrameBytes() > Ceilings.MAX_FRAME_BYTES) {
      out.add(
          new Violation(
              "maxBlockBytes",
              s.maxBlockBytes()
                  + " needs a p2p frame of "
                  + d.requiredFrameBytes()
                  + " bytes, above the largest frame a node allows ("
                  + Ceilings.MAX_FRAME_BYTES
                  + ")"));
    }
    return out;
  }

  private static void ceiling(List<Violation> out, String key, int value, int ceiling) {
    if (value > ceiling) {
      out.add(
          new Violation(
              key, value + " exceeds the account decoder ceiling of " + ceiling + " entries"));
    }
  }

  /**
   * Why a node with p2p frames of {@code frameBytes} cannot carry every block of {@code schedule},
   * or empty when it can.
   */
  public static Optional<String> frameProblem(ProtocolSchedule schedule, long frameBytes) {
    for (Milestone m : schedule.milestones()) {
      long required = m.spec().derived().requiredFrameBytes();
      if (frameBytes < required) {
        return Optional.of(
            "p2p frame limit of "
                + frameBytes
                + " bytes cannot carry a maximum-size block of the chain spec"
                + (m.activationHeight() == 0 ? "" : " from height " + m.activationHeight())
                + " (maxBlockBytes "
                + m.spec().maxBlockBytes()
                + " needs a frame of at least "
                + required
                + " bytes)");
      }
    }
    return Optional.empty();
  }
}
