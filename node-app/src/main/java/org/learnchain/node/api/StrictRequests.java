package org.learnchain.node.api;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;

/**
 * Answers a request message that does not parse with INVALID_ARGUMENT and a one-line reason. gRPC
 * parses before any service code runs and, when parsing throws, closes the call as UNKNOWN
 * ("Application error processing RPC"), which tells a client nothing about its own bad bytes.
 */
final class StrictRequests {
  private StrictRequests() {}

  /** {@code service} with every method's request parsing made strict as above. */
  static ServerServiceDefinition wrap(ServerServiceDefinition service) {
    ServiceDescriptor sd = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(sd.getName()).setSchemaDescriptor(sd.getSchemaDescriptor());
    java.util.List<ServerMethodDefinition<?, ?>> methods = new java.util.ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      ServerMethodDefinition<?, ?> strict = strict(m);
      descriptor.addMethod(strict.getMethodDescriptor());
      methods.add(strict);
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> strict(ServerMethodDefinition<Q, R> m) {
    MethodDescriptor<Q, R> original = m.getMethodDescriptor();
    MethodDescriptor.Marshaller<Q> inner = original.getRequestMarshaller();
    MethodDescriptor.Marshaller<Q> lenient =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(Q value) {
            return inner.stream(value);
          }

          @Override
          public Q parse(InputStream stream) {
            try {
              return inner.parse(stream);
            } catch (RuntimeException e) {
              return null; // the listener below refuses the call
            }
          }
        };
    MethodDescriptor<Q, R> md = original.toBuilder().setRequestMarshaller(lenient).build();
    ServerCallHandler<Q, R> handler = m.getServerCallHandler();
    String what = "not a valid " + original.getBareMethodName() + " request message";
    return ServerMethodDefinition.create(
        md, (call, headers) -> new Refusing<>(call, handler.startCall(call, headers), what));
  }

  /** Closes the call on a request that did not parse; forwards everything else. */
  private static final class Refusing<Q, R>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private final String what;
    private boolean refused;

    Refusing(ServerCall<Q, R> call, ServerCall.Listener<Q> delegate, String what) {
      super(delegate);
      this.call = call;
      this.what = what;
    }

    @Override
    public void onMessage(Q message) {
      if (refused) {
        return;
      }
      if (message == null) {
        refused = true;
        call.close(Status.INVALID_ARGUMENT.withDescription(what), new Metadata());
        return;
      }
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }
  }
}
