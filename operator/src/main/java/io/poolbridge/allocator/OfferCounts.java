package io.poolbridge.allocator;

/**
 * How many offers were made, accepted, declined and rescinded (taken back: an agent left or
 * changed, a limit was lowered, an offer timed out, its framework left). Every offer made ends in
 * exactly one of the other three, or is still outstanding. Read-only figures for metrics.
 */
public record OfferCounts(long made, long accepted, long declined, long rescinded) {
  public static final OfferCounts ZERO = new OfferCounts(0, 0, 0, 0);

  /** The counts since {@code earlier}. */
  public OfferCounts minus(OfferCounts earlier) {
    return new OfferCounts(
        made - earlier.made, accepted - earlier.accepted, declined - earlier.declined, rescinded - earlier.rescinded);
  }
}
