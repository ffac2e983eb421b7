package org.learnchain.node.cli.problem;

import com.google.protobuf.ByteString;
import java.util.HexFormat;
import java.util.Optional;
import org.learnchain.proto.api.ProblemRequest;

/** Problem ids on the command line: 64 hex characters. */
final class ProblemIds {
  private ProblemIds() {}

  static Optional<ProblemRequest> parse(String text) {
    String t = text.startsWith("0x") ? text.substring(2) : text;
    if (t.length() != 64) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          ProblemRequest.newBuilder()
              .setProblemId(ByteString.copyFrom(HexFormat.of().parseHex(t)))
              .build());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static final String BAD_ID = "ID must be a problem id of 64 hex characters";
}
