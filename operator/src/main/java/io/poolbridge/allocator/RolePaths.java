package io.poolbridge.allocator;

import java.util.regex.Pattern;

/** Role paths: '/'-separated segments, e.g. {@code eng/analytics}. */
public final class RolePaths {
  private static final Pattern VALID = Pattern.compile("[a-z0-9]([-a-z0-9_.]*[a-z0-9])?(/[a-z0-9]([-a-z0-9_.]*[a-z0-9])?)*");

  private RolePaths() {}

  /** Throws when {@code role} is not a valid role path. */
  public static String requireValid(String role) {
    if (role == null || !VALID.matcher(role).matches()) {
      throw new IllegalArgumentException("invalid role path: " + role);
    }
    return role;
  }

  /** The parent path, or {@code null} for a top-level role. */
  public static String parent(String role) {
    int slash = role.lastIndexOf('/');
    return slash < 0 ? null : role.substring(0, slash);
  }

  /** Whether {@code role} is {@code ancestor} or one of its descendants. */
  public static boolean isSelfOrDescendant(String role, String ancestor) {
    return role.equals(ancestor) || (role.startsWith(ancestor) && role.charAt(ancestor.length()) == '/');
  }
}
