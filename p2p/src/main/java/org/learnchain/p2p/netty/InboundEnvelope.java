package org.learnchain.p2p.netty;

import org.learnchain.p2p.core.FrameLease;
import org.learnchain.proto.p2p.Envelope;

/** A decoded envelope and the lease on the pooled array it was parsed from (and aliases). */
record InboundEnvelope(Envelope envelope, FrameLease lease) {}
