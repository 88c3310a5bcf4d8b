package io.poolbridge.reconciler.pool;

import java.util.Objects;

/**
 * Whether the operator can read a pool's nodes from where they come from, as it knows it: a static
 * inventory always, this cluster's Nodes always, a remote cluster only when the Secret holding its
 * kubeconfig exists and its API server answers.
 *
 * @param reason the {@code SourceReachable} condition's reason when it is not reachable
 *     ({@code SecretNotFound}, {@code Unreachable}); {@code null} when it is
 * @param message what a person reads about the problem; {@code null} when it is reachable
 */
public record PoolSource(boolean reachable, String reason, String message) {
  /** A source that answers. */
  public static final PoolSource REACHABLE = new PoolSource(true, null, null);

  public PoolSource {
    if (!reachable) {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /** The Secret holding the remote cluster's kubeconfig does not exist (or lacks the key). */
  public static PoolSource secretNotFound(String message) {
    return new PoolSource(false, "SecretNotFound", message);
  }

  /** The remote cluster's API server does not answer, or refuses the kubeconfig's credentials. */
  public static PoolSource unreachable(String message) {
    return new PoolSource(false, "Unreachable", message);
  }
}
