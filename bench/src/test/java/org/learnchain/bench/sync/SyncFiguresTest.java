package org.learnchain.bench.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SyncFiguresTest {
  @Test
  void irisSplitsIntoAHundredAndTwentyTrainingAndThirtyTestRowsUnderOneHeader() throws Exception {
    IrisFiles iris = IrisFiles.load();
    String[] train = new String(iris.train(), StandardCharsets.UTF_8).split("\n");
    String[] test = new String(iris.test(), StandardCharsets.UTF_8).split("\n");
    assertEquals(train[0], test[0]);
    assertTrue(train[0].endsWith(",label"), train[0]);
    assertEquals(121, train.length);
    assertEquals(31, test.length);
    // Ten test rows of each class: the file is in class order and every fifth row is held out.
    for (String label : new String[] {"0", "1", "2"}) {
      long n = 0;
      for (int i = 1; i < test.length; i++) {
        if (test[i].endsWith("," + label)) {
          n++;
        }
      }
      assertEquals(10, n, label);
    }
  }

  @Test
  void jsonCarriesTheRatesDerivedFromTheTimes() {
    SyncFigures f = new SyncFigures(4, 3, 1000, 3, 3, 4.0, false, 2.5, 40.0, 6.0, 1.5, 2.0, true);
    JsonObject o = JsonParser.parseString(f.toJson()).getAsJsonObject();
    assertEquals(250.0, o.get("blocksPerSecond").getAsDouble());
    assertEquals(0.1, o.get("ratio").getAsDouble());
    assertEquals(2.5, o.get("startupSeconds").getAsDouble());
    assertFalse(o.get("syncUpperBound").getAsBoolean());
    assertTrue(o.get("agreed").getAsBoolean());
    assertTrue(f.toText().contains("same head, state   yes"), f.toText());
  }
}
