/**
 * The load bench behind {@code learnchain bench tx}: open-loop signed transfers against a running
 * network ({@link org.learnchain.bench.tx.TxBench}) and the multi-process loopback testnet it can
 * start ({@link org.learnchain.bench.tx.LocalTestnet}). The node program itself comes in through
 * {@link org.learnchain.bench.tx.NodeProgram}, so this module does not depend on node-app.
 */
package org.learnchain.bench.tx;
