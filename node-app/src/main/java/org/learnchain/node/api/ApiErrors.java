package org.learnchain.node.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.learnchain.ledger.RejectReason;

/** Failures to gRPC statuses, each with a one-line description for the client. */
final class ApiErrors {
  private ApiErrors() {}

  static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(oneLine(message)).asRuntimeException();
  }

  static StatusRuntimeException notFound(String message) {
    return Status.NOT_FOUND.withDescription(oneLine(message)).asRuntimeException();
  }

  static StatusRuntimeException precondition(String message) {
    return Status.FAILED_PRECONDITION.withDescription(oneLine(message)).asRuntimeException();
  }

  static StatusRuntimeException tooLarge(String message) {
    return Status.RESOURCE_EXHAUSTED.withDescription(oneLine(message)).asRuntimeException();
  }

  static StatusRuntimeException internal(String message) {
    return Status.INTERNAL.withDescription(oneLine(message)).asRuntimeException();
  }

  /** The status of a transaction the pool refused. */
  static StatusRuntimeException refused(RejectReason reason, String message) {
    String text = reason.name() + ": " + message;
    Status s =
        switch (reason) {
          case DUPLICATE -> Status.ALREADY_EXISTS;
          case MALFORMED,
              TOO_LARGE,
              WRONG_CHAIN,
              BAD_SIGNATURE,
              FEE_TOO_LOW,
              INVALID_AMOUNT,
              INVALID_PROBLEM,
              BOUNTY_TOO_LOW,
              SELF_DELEGATION ->
              Status.INVALID_ARGUMENT;
          case POOL_FULL, SENDER_LIMIT -> Status.RESOURCE_EXHAUSTED;
          default -> Status.FAILED_PRECONDITION;
        };
    return s.withDescription(oneLine(text)).asRuntimeException();
  }

  static String oneLine(String s) {
    return s.replaceAll("\\p{Cntrl}", " ");
  }
}
