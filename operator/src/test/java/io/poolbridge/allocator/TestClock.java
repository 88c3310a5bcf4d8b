package io.poolbridge.allocator;

/** A clock that stands still until a test advances it (Mesos tests pause theirs the same way). */
final class TestClock extends ManualClock {}
