package org.learnchain.consensus.archfixture;

import org.learnchain.consensus.archfixture.forbidden.ForbiddenLibrary;

/** Deliberately depends on a "banned" package; only ArchitectureTest imports it. */
public final class UsesForbiddenLibrary {
  private UsesForbiddenLibrary() {}

  static int use() {
    return ForbiddenLibrary.call();
  }
}
