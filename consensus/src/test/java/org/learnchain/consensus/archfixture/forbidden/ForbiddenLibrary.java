package org.learnchain.consensus.archfixture.forbidden;

/** Stands in for a banned library (the real ones are not on this module's classpath at all). */
public final class ForbiddenLibrary {
  private ForbiddenLibrary() {}

  public static int call() {
    return 1;
  }
}
