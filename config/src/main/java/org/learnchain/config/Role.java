package org.learnchain.config;

import java.util.Locale;

/** What a member may do in the protocol. One member may hold several roles. */
public enum Role {
  MINER,
  SUBMITTER,
  VALIDATOR;

  /** The lowercase name used in genesis files. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
