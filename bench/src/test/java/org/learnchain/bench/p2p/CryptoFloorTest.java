package org.learnchain.bench.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;

class CryptoFloorTest {
  private static PrivateKey key(String name) {
    return PrivateKey.fromSeed(Hashing.sha256(name.getBytes(StandardCharsets.UTF_8)).toArray());
  }

  @Test
  void sealsAndOpensEveryByteAsTls13RecordsAndHashesThem() throws Exception {
    byte[] blob = new byte[(3 << 20) + 1234]; // not a whole number of records
    new Random(7).nextBytes(blob);
    Hash genesis = Hashing.sha256("floor test".getBytes(StandardCharsets.UTF_8));

    CryptoFloor.Figures f = CryptoFloor.measure(blob, key("a"), key("b"), "floor-test", genesis);

    assertTrue(f.tls().startsWith("TLSv1.3 "), f.tls());
    assertTrue(f.tlsRecordsCpuSecondsPerGB() > 0 && Double.isFinite(f.tlsRecordsCpuSecondsPerGB()));
    assertTrue(f.sha256CpuSecondsPerGB() > 0 && Double.isFinite(f.sha256CpuSecondsPerGB()));
  }

  @Test
  void theBoundsFollowFromTheMeasuredCosts() {
    P2PBench.Result r =
        new P2PBench.Result(1, 1, 800, 2000, 0.4, 2.0, 0.8, 0.4, 0.6, "t", 0, 0, 5, 0, 0, 0, 0);

    assertEquals(1.8, r.floorCpuSecondsPerGB(), 1e-9);
    assertEquals(0.8 / 1.8, r.ratioBound(), 1e-9);
    double cores = Runtime.getRuntime().availableProcessors();
    assertEquals(cores / 1.8 * 1e3 / 2000, r.ratioBoundAllCores(), 1e-9);
    assertTrue(r.toJson().contains("\"ratioBound\":0.444"), r.toJson());
  }
}
