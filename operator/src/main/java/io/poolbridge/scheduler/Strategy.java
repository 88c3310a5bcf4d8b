package io.poolbridge.scheduler;

/** Which feasible node an instance prefers once cost has spoken (ties: agent id, then offer id). */
public enum Strategy {
  /** The least loaded node first: lowest dominant fraction of the node's capacity already in use. */
  SPREAD,
  /** The fullest node first, keeping other nodes free for large instances. */
  BIN_PACK
}
