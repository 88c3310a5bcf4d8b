package io.poolbridge.allocator;

/** A static reservation on an agent: its role, amount and what of it is used. */
final class Reservation {
  final String role;
  long[] total;
  long[] used;

  Reservation(String role, long[] total, long[] used) {
    this.role = role;
    this.total = total;
    this.used = used;
  }

  void widen(int size) {
    total = Vec.widen(total, size);
    used = Vec.widen(used, size);
  }

  String role() {
    return role;
  }

  long[] free() {
    long[] f = total.clone();
    Vec.subtract(f, used);
    return f;
  }
}
