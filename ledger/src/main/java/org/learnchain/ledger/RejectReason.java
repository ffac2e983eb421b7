package org.learnchain.ledger;

/**
 * Why the ledger refused a transaction, a block or a mempool entry. Stable names: node-app shows
 * them to users and peers' logs quote them.
 */
public enum RejectReason {
  // Transaction validity (state transition and mempool).
  MALFORMED,
  TOO_LARGE,
  WRONG_CHAIN,
  BAD_SIGNATURE,
  FEE_TOO_LOW,
  NONCE_TOO_LOW,
  NONCE_TOO_HIGH,
  INVALID_AMOUNT,
  INSUFFICIENT_BALANCE,
  INSUFFICIENT_STAKE,
  INSUFFICIENT_DELEGATION,
  NOT_A_SUBMITTER,
  NOT_A_MINER,
  SELF_DELEGATION,
  BOUNTY_TOO_LOW,
  INVALID_PROBLEM,
  PROBLEM_EXISTS,
  TOO_MANY_PENDING_PROBLEMS,
  TOO_MANY_ENTRIES,
  EVIDENCE_ALREADY_USED,
  INVALID_EVIDENCE,
  SUPPLY_OVERFLOW,

  // Block level.
  WRONG_HEIGHT,
  TOO_MANY_TRANSACTIONS,
  PROBLEM_NOT_PENDING,
  WINNER_NOT_ELIGIBLE,
  PARTICIPANT_NOT_ELIGIBLE,
  DUPLICATE_PARTICIPANT,
  NO_COMMITTERS,

  // Mempool only.
  DUPLICATE,
  REPLACEMENT_UNDERPRICED,
  SENDER_LIMIT,
  POOL_FULL
}
