package org.learnchain.consensus.port;

import java.util.concurrent.CompletionStage;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.crypto.Hash;

/**
 * Content-addressed data a problem refers to (its training set), fetched from the local store or
 * from peers by chunked transfer.
 */
public interface BlobPort {

  /**
   * The blob whose SHA-256 is {@code hash}, at most {@code maxBytes} long. Completes with an error
   * result when no peer has it or it does not hash to {@code hash}; never completes exceptionally
   * for a missing or bad blob. The completion may run on any thread.
   */
  CompletionStage<Result<Bytes>> fetch(Hash hash, long maxBytes);
}
