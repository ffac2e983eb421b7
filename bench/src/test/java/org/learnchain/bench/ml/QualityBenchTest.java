package org.learnchain.bench.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.learnchain.ml.Result;
import org.learnchain.ml.train.SearchPlan;

/**
 * The miners' default search against scikit-learn's best default model on the issue's own dataset
 * (breast-cancer, where logistic regression scores 0.986) and on diabetes (regression). Quality,
 * not speed: the search's caps end it before the budget does on two busy cores; {@code bench
 * quality} covers every dataset.
 */
class QualityBenchTest {

  @Test
  void breastCancerAndDiabetesMeetScikitLearnsBestDefault() {
    for (String name : new String[] {"breast-cancer", "diabetes"}) {
      Result<QualityBench.Figures> f =
          QualityBench.run(Duration.ofSeconds(60), 1, 1, 1, name, SearchPlan.defaults());
      assertTrue(f.isOk(), f.isOk() ? "" : f.reason());
      QualityBench.Row row = f.value().rows().get(0);
      assertEquals(name, row.name());
      assertTrue(row.ratio() >= 1.0 - 1e-9, f.value().toJson());
      assertTrue(f.value().toJson().contains("\"scikit-learn\":\"1.9.1\""), f.value().toJson());
    }
  }

  @Test
  void anUnknownDatasetIsAOneLineError() {
    Result<QualityBench.Figures> f =
        QualityBench.run(Duration.ofSeconds(5), 1, 1, 1, "nope", SearchPlan.defaults());
    assertEquals("no dataset named nope in reference.json", f.reason());
  }
}
