package org.learnchain.node.api;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses the calls that act for the node (those in {@code protectedMethods}) unless they carry the
 * node's API token as {@code authorization: Bearer TOKEN}. The refusal happens before the call's
 * handler exists, so an unauthenticated upload is never spooled. Tokens are never logged.
 */
final class TokenInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(TokenInterceptor.class);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final String BEARER = "Bearer ";

  private final ApiToken token;
  private final Set<String> protectedMethods;

  TokenInterceptor(ApiToken token, Set<String> protectedMethods) {
    this.token = token;
    this.protectedMethods = Set.copyOf(protectedMethods);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (!protectedMethods.contains(method)) {
      return next.startCall(call, headers);
    }
    String presented = headers.get(AUTHORIZATION);
    String reason = null;
    if (presented == null || !presented.startsWith(BEARER)) {
      reason = "this call needs the node's API token (authorization: Bearer TOKEN)";
    } else if (!token.matches(presented.substring(BEARER.length()).strip())) {
      reason = "wrong API token";
    }
    if (reason == null) {
      return next.startCall(call, headers);
    }
    LOG.warn("API call refused method={} reason={}", method, reason);
    call.close(Status.UNAUTHENTICATED.withDescription(reason), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
