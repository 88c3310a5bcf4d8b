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

  /** Whether two agents' reservations are the same roles and amounts. */
  static boolean same(Reservation[] a, Reservation[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (!a[i].role.equals(b[i].role) || !java.util.Arrays.equals(a[i].total, b[i].total)) {
        return false;
      }
    }
    return true;
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
