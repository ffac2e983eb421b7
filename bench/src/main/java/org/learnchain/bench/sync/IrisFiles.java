package org.learnchain.bench.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.learnchain.bench.tx.BenchException;

/**
 * Fisher's iris from ml-engine's resources ({@code datasets/iris.csv}, 150 rows, label last) as the
 * two CSV files a problem upload takes: every fifth row to the test set (30 rows, ten per class,
 * since the file is in class order), the others to the training set.
 */
record IrisFiles(byte[] train, byte[] test) {
  static IrisFiles load() throws BenchException {
    String csv;
    try (InputStream in = IrisFiles.class.getResourceAsStream("/datasets/iris.csv")) {
      if (in == null) {
        throw new BenchException("datasets/iris.csv is not on the class path");
      }
      csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BenchException("datasets/iris.csv: " + e.getMessage());
    }
    String[] lines = csv.split("\r?\n");
    StringBuilder train = new StringBuilder(lines[0]).append('\n');
    StringBuilder test = new StringBuilder(lines[0]).append('\n');
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      (i % 5 == 0 ? test : train).append(lines[i]).append('\n');
    }
    return new IrisFiles(
        train.toString().getBytes(StandardCharsets.UTF_8),
        test.toString().getBytes(StandardCharsets.UTF_8));
  }
}
