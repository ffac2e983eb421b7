package org.learnchain.consensus.port;

import java.util.Optional;
import org.learnchain.consensus.Bytes;
import org.learnchain.crypto.Hash;

/**
 * What only a problem's submitter knows until it reveals it: the salt, the test inputs and the test
 * labels behind the hashes in its {@code SubmitProblem}. The node-app keeps them for problems its
 * own key submitted; other nodes return empty.
 */
public interface ProblemSecrets {

  /** The secret of {@code problemId} if this node submitted it. */
  Optional<Secret> find(Hash problemId);

  /**
   * The revealed material; {@code H(salt || testInputs)} and {@code H(salt || testLabels)} are the
   * hashes committed on chain.
   */
  record Secret(Bytes salt, Bytes testInputs, Bytes testLabels) {}
}
