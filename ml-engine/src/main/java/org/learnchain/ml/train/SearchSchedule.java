package org.learnchain.ml.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.spec.Task;

/**
 * The seed-ordered search schedule: which model families a miner tries, in which order, with which
 * learning rates. Miners differ here and only here: the first candidate of each schedule is fixed
 * (the strongest default), the order of the others and their learning rates come from the seed, so
 * that several miners explore more of the space than one.
 */
final class SearchSchedule {
  private SearchSchedule() {}

  /**
   * One entry of the search schedule.
   *
   * @param family the network's shape
   * @param learningRate Adam's initial step size
   * @param l2 L2 penalty on weights
   * @param balanced whether the cross-entropy weighs classes inversely to their frequency
   */
  record Attempt(ModelFamily family, double learningRate, double l2, boolean balanced) {
    String name() {
      return family.name() + (balanced ? "-balanced" : "");
    }
  }

  /**
   * The search order for a problem. The first entry is fixed (a strong default: a strided CNN for
   * images, the linear model for tables, which is what wins on most small tabular sets); the others
   * are shuffled by the seed and their learning rates scaled by a seeded factor in [0.71, 1.41], so
   * that miners with different seeds try different models first and the network explores more than
   * one miner would.
   */
  static List<Attempt> of(SampleShape shape, Task task, boolean imbalanced, long seed) {
    List<Attempt> fixed = new ArrayList<>();
    List<Attempt> rest = new ArrayList<>();
    if (shape instanceof SampleShape.Image) {
      // Measured on MNIST (8,000 images, 60 s, one thread, load 3): the strided CNN with shifted
      // images reaches 0.9745 on test (0.9615 without shifts); MLPs level off near 0.96.
      fixed.add(new Attempt(new ModelFamily.Cnn(16, 128), 2e-3, 1e-4, false));
      // Stride 1 and 2x2 pooling: slower per epoch; in 60 s on MNIST 0.9595 against 0.9615.
      rest.add(new Attempt(new ModelFamily.Cnn(8, 128, true), 2e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Cnn(32, 128), 1e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(2, 256), 1e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 512), 1e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 128), 2e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 64), 2e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(0, 0), 2e-3, 1e-4, false));
    } else {
      fixed.add(new Attempt(new ModelFamily.Mlp(0, 0), 1e-2, 3e-3, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 128), 3e-3, 1e-3, false));
      rest.add(new Attempt(new ModelFamily.Mlp(2, 64), 2e-3, 1e-3, false));
      rest.add(new Attempt(new ModelFamily.Mlp(0, 0), 1e-2, 3e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 256), 1e-3, 1e-2, false));
      rest.add(new Attempt(new ModelFamily.Mlp(2, 128), 1e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 32), 1e-2, 1e-3, false));
      rest.add(new Attempt(new ModelFamily.Mlp(3, 64), 1e-3, 1e-3, false));
      if (task instanceof Task.Classification && imbalanced) {
        rest.add(new Attempt(new ModelFamily.Mlp(1, 128), 3e-3, 1e-3, true));
        rest.add(new Attempt(new ModelFamily.Mlp(0, 0), 1e-2, 1e-3, true));
      }
    }
    // Seeded Fisher-Yates over the non-fixed entries, then a seeded learning-rate factor each.
    SplittableRandom random = new SplittableRandom(TrainingSeed.mix(seed, 999));
    for (int i = rest.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Attempt t = rest.get(i);
      rest.set(i, rest.get(j));
      rest.set(j, t);
    }
    List<Attempt> out = new ArrayList<>();
    for (Attempt a : fixed) {
      if (a.family().suits(shape)) {
        out.add(a);
      }
    }
    for (Attempt a : rest) {
      if (a.family().suits(shape)) {
        double factor = Math.pow(2, random.nextDouble() - 0.5);
        out.add(new Attempt(a.family(), a.learningRate() * factor, a.l2(), a.balanced()));
      }
    }
    return out;
  }
}
