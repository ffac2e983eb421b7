/** Benchmarks printed as JSON, run by {@code learnchain bench ledger}; never part of the tests. */
package org.learnchain.bench.ledger;
