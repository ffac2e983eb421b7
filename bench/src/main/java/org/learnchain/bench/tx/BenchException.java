package org.learnchain.bench.tx;

/** A failure of the load bench or its testnet, with a one-line reason. */
public final class BenchException extends Exception {
  private static final long serialVersionUID = 1L;

  public BenchException(String message) {
    super(message);
  }
}
