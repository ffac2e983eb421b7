/**
 * The ledger's domain: signed transactions and their seven kinds, block headers and bodies, the
 * round outcome, accounts and problems, with their canonical encodings (strict decoders that return
 * {@link org.learnchain.ledger.Decoded} values at the edges) and the transaction Merkle root.
 * Nothing here depends on consensus, p2p, ml-engine, proto or node-app.
 */
package org.learnchain.ledger;
