package org.learnchain.crypto.codec;

/** Input that is not a canonical encoding. Raised while decoding untrusted bytes. */
public final class MalformedEncodingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedEncodingException(String message) {
    super(message);
  }
}
