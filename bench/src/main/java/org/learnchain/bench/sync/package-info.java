/**
 * The catch-up bench behind {@code learnchain bench sync}: validator processes of a loopback
 * testnet ({@link org.learnchain.bench.tx.LocalTestnet}) make a chain with useful-work blocks, then
 * a late node's process catches it up from some of them ({@link
 * org.learnchain.bench.sync.SyncBench}); everything is measured from outside, over gRPC and the
 * nodes' metrics endpoints.
 */
package org.learnchain.bench.sync;
