package org.learnchain.ml.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.learnchain.ml.Result;

/**
 * A strict reader of {@code coefficients.bin}, the flat parameter vector as {@code Nd4j.write}
 * stores it: a shape-information buffer, then a data buffer. Each buffer is a modified-UTF-8
 * allocation mode string, a 64-bit element count, a data type name, then the elements big-endian.
 *
 * <p>Parsing it here, rather than with {@code Nd4j.read}, means nothing is allocated from a length
 * the file claims: the expected parameter count comes from the already-checked configuration, and
 * the file must hold exactly that many finite floats.
 */
final class Coefficients {
  private static final int MAX_RANK = 2;

  private Coefficients() {}

  /**
   * Parses the parameter vector, which must have exactly {@code expectedParameters} elements.
   *
   * @return the parameters, flat, in DL4J's parameter order
   */
  static Result<float[]> parse(byte[] bytes, long expectedParameters) {
    ByteBuffer in = ByteBuffer.wrap(bytes); // big-endian, like DataOutputStream
    try {
      // Shape information: rank, shape, stride, extras, element-wise stride, order.
      skipUtf(in);
      long shapeLength = in.getLong();
      String shapeType = utf(in);
      if (!"LONG".equals(shapeType) || shapeLength < 6 || shapeLength > 2L * MAX_RANK + 4) {
        return Result.err("coefficients have an unexpected shape header");
      }
      long[] shapeInfo = new long[(int) shapeLength];
      for (int i = 0; i < shapeInfo.length; i++) {
        shapeInfo[i] = in.getLong();
      }
      int rank = (int) shapeInfo[0];
      if (rank < 1 || rank > MAX_RANK || shapeLength != 2L * rank + 4) {
        return Result.err("coefficients have rank " + shapeInfo[0] + ", expected a vector");
      }
      long elements = 1;
      for (int d = 1; d <= rank; d++) {
        if (shapeInfo[d] < 1) {
          return Result.err("coefficients have a non-positive dimension");
        }
        elements = Math.multiplyExact(elements, shapeInfo[d]);
      }
      if (elements != expectedParameters) {
        return Result.err(
            "coefficients hold "
                + elements
                + " parameters but the configuration needs "
                + expectedParameters);
      }
      skipUtf(in);
      long dataLength = in.getLong();
      String dataType = utf(in);
      if (!"FLOAT".equals(dataType)) {
        return Result.err("coefficients are " + dataType + ", expected FLOAT");
      }
      if (dataLength != expectedParameters) {
        return Result.err(
            "coefficient data holds " + dataLength + " values, expected " + expectedParameters);
      }
      if (in.remaining() != dataLength * 4) {
        return Result.err(
            "coefficient data needs " + dataLength * 4 + " bytes, the entry has " + in.remaining());
      }
      float[] out = new float[(int) dataLength];
      for (int i = 0; i < out.length; i++) {
        float v = in.getFloat();
        if (!Float.isFinite(v)) {
          return Result.err("parameter " + i + " is not finite");
        }
        out[i] = v;
      }
      return Result.ok(out);
    } catch (java.nio.BufferUnderflowException e) {
      return Result.err("coefficients are truncated");
    } catch (IllegalArgumentException e) {
      return Result.err(e.getMessage());
    } catch (ArithmeticException e) {
      return Result.err("coefficients declare an impossible shape");
    }
  }

  private static void skipUtf(ByteBuffer in) {
    utf(in);
  }

  /** A DataOutputStream.writeUTF string; only ASCII names are expected here. */
  private static String utf(ByteBuffer in) {
    int n = Short.toUnsignedInt(in.getShort());
    if (n > 64) {
      throw new IllegalArgumentException("coefficients have an unexpected header string");
    }
    byte[] b = new byte[n];
    in.get(b);
    return new String(b, StandardCharsets.US_ASCII);
  }
}
