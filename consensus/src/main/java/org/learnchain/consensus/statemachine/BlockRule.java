package org.learnchain.consensus.statemachine;

/**
 * The rules a block must pass before a validator prevotes for it (docs/protocol.md section 3, step
 * 4; docs/consensus.md), one constant per rule, so a rejection says which rule broke without
 * parsing text. Codes are frozen: they appear in logs, metrics and operator tooling, so a code is
 * never changed or reused; a new rule takes a new code. {@code BlockRulesTest} breaks each rule on
 * an otherwise valid block and expects exactly its code.
 */
public enum BlockRule {
  // Header and envelope, every block.
  PARENT_LINK(1, "block does not extend its parent"),
  ROUND_IS_HEIGHT(2, "round differs from height"),
  ATTEMPT_NON_NEGATIVE(3, "negative attempt"),
  TIMESTAMP_AFTER_PARENT(4, "timestamp not after the parent's"),
  PROPOSER_SIGNATURE(5, "bad proposer signature"),
  BODY_CONSISTENT(6, "body does not match the header"),
  WORK_SECTION_DECODES(7, "work section malformed"),
  PARENT_COMMIT(8, "parent commit missing or invalid"),
  LEDGER_TRANSITION(9, "ledger rejected the block"),
  STATE_ROOT(10, "state root mismatch"),
  BLOCK_SIZE(11, "block exceeds the chain spec's maxBlockBytes"),

  // Blocks without useful work (idle and wasted): a validator's turn, not before the deadline.
  IDLE_WORK_SECTION(20, "idle block with a work section of another kind"),
  PROPOSER_TURN(21, "proposer is not the validator of the block's round"),
  FALLBACK_NOT_BEFORE_DEADLINE(22, "block is earlier than blocks without useful work may be"),
  WASTED_PROBLEM(23, "wasted outcome for a problem other than the round's"),
  WASTED_WORK_SECTION(24, "wasted block without its commits"),
  WASTED_HEADER(25, "wasted block header fields"),
  WASTED_HAS_COMMITTERS(26, "wasted block without committers"),
  WASTED_COMMITS_SORTED(27, "commits not sorted by miner or duplicated"),
  WASTED_COMMITTERS_MATCH(28, "committers differ from the commits carried"),

  // Model commits carried by useful and wasted blocks.
  COMMIT_ROUND(30, "commit for another round or problem"),
  COMMIT_FROM_MINER(31, "commit from a non-miner"),
  COMMIT_NOT_SUBMITTER(32, "the submitter mined its own problem"),
  COMMIT_SIGNATURE(33, "commit with a bad signature"),

  // Useful-work blocks.
  USEFUL_PROBLEM(40, "useful work for a problem other than the round's"),
  USEFUL_WORK_SECTION(41, "useful-work block without its proof"),
  USEFUL_PAYS_PROPOSER(42, "outcome pays someone other than the proposer"),
  USEFUL_PAYS_COMMIT_SIGNERS(43, "outcome pays other validators than the signers of the commit"),
  SUBMITTER_MEMBER(44, "the problem's submitter is not a member"),
  CERTIFICATE_MATCHES(45, "certificate does not match the block"),
  CERTIFICATE_SIGNATURE(46, "certificate signature invalid"),
  USEFUL_NOT_BEFORE_AWARD(47, "useful block before the evaluation deadline"),
  TEST_REVEAL(48, "test reveal invalid"),
  LABEL_REVEAL(49, "label reveal invalid"),
  RANKED_COMMITS_CARRIED(50, "block carries other commits than the ranking"),
  ATTEMPT_WITHIN_RANKING(51, "attempt beyond the ranking"),
  RANKING_ORDER(52, "commits not in ranking order"),
  PREDICTION_ROUND(53, "prediction for another round or problem"),
  PREDICTION_SIGNATURE(54, "prediction with a bad signature"),
  RANKING_RECOMPUTED(55, "the certificate's ranking is not the recomputed one"),
  CERTIFICATE_WINNER(56, "certificate crowns the wrong miner or score"),
  PROPOSER_RANKED(57, "proposer is not the miner ranked at the block's attempt"),
  MODEL_COMMITTED(58, "published model does not match the winner's commitment"),
  MODEL_SIZE(59, "model exceeds the chain's size limit"),
  MODEL_REPRODUCES(60, "model check failed"),

  /** Not a rule of its own: the block was rejected before, by one of the rules above. */
  KNOWN_INVALID(99, "known invalid");

  private final int code;
  private final String description;

  BlockRule(int code, String description) {
    this.code = code;
    this.description = description;
  }

  /** The frozen code. */
  public int code() {
    return code;
  }

  /** What breaking the rule means, in words. */
  public String description() {
    return description;
  }
}
