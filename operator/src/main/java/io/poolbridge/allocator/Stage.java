package io.poolbridge.allocator;

/** The stages of an allocation cycle, in the order a cycle runs them over the agents. */
enum Stage {
  /** Roles with an unmet guarantee get unreserved capacity up to it, and their reservations. */
  QUOTA,
  /** Every role gets its reservations and what its limit and the held headroom leave. */
  FAIR,
  /** Revocable frameworks borrow the held headroom and other roles' unused reservations. */
  BORROW
}
