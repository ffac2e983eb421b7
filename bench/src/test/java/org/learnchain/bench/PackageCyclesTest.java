package org.learnchain.bench;

import org.junit.jupiter.api.Test;
import org.learnchain.crypto.arch.PackageCycles;

/** The build fails on a cycle between this module's packages. */
class PackageCyclesTest {
  @Test
  void packagesHaveNoCycles() {
    PackageCycles.assertNone("org.learnchain.bench");
  }
}
