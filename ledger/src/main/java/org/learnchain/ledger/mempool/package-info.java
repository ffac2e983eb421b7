/** Transactions waiting for a block: validated on entry, bounded, ordered per sender's nonce. */
package org.learnchain.ledger.mempool;
