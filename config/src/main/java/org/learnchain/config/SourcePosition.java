package org.learnchain.config;

/** A 1-based line and column in a source file; {@link #UNKNOWN} where the parser gives none. */
record SourcePosition(int line, int column) {
  static final SourcePosition UNKNOWN = new SourcePosition(0, 0);
}
