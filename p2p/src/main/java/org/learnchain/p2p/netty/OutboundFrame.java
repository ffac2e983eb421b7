package org.learnchain.p2p.netty;

/** An encoded Envelope on its way to the frame encoder, which encrypts it. */
record OutboundFrame(byte[] plaintext) {}
