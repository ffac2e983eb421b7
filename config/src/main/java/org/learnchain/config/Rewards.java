package org.learnchain.config;

/**
 * How a useful-work block pays out, in basis points (1/10,000) of the escrowed bounty, plus fees.
 *
 * @param bountyBurnBps share of each bounty destroyed (makes pre-solved self-submitted problems
 *     lose)
 * @param validatorShareBps share of each bounty paid to the validators whose attestations the block
 *     carries, split equally
 * @param delegatorShareBps share of the miner's part passed on to the miner's delegators, pro rata
 *     to what each delegated
 * @param subsidy units minted for the winning miner in each useful-work block (default zero: a
 *     subsidy makes the pre-solved-problem attack pay again)
 * @param minTxFee smallest fee a transaction may carry; fees go to the block's proposer
 * @param minBounty smallest bounty a {@code SubmitProblem} may escrow
 * @param slashBps share of a member's stake destroyed by proven misconduct
 */
public record Rewards(
    int bountyBurnBps,
    int validatorShareBps,
    int delegatorShareBps,
    long subsidy,
    long minTxFee,
    long minBounty,
    int slashBps) {
  /**
   * Starting values: 10% of each bounty burnt and 10% to validators, 20% of the miner's part to its
   * delegators, no subsidy (docs/protocol.md section 4), fee 1, minimum bounty 100, half the stake
   * slashed.
   */
  public static Rewards defaults() {
    return new Rewards(1_000, 1_000, 2_000, 0, 1, 100, 5_000);
  }
}
