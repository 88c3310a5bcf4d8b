package io.poolbridge.allocator;

import io.poolbridge.time.ManualClock;

/** A clock that stands still until a test advances it (Mesos tests pause theirs the same way). */
final class TestClock extends ManualClock {}
