/**
 * World state and the state transition: immutable {@link org.learnchain.ledger.state.WorldState}
 * snapshots under a Merkle crit-bit tree whose per-block cost follows what the block changed, and
 * {@link org.learnchain.ledger.state.StateTransition}, the deterministic function consensus calls
 * to build and to verify blocks.
 */
package org.learnchain.ledger.state;
