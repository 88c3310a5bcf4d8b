package io.poolbridge.allocator;

import java.util.Objects;

/**
 * What a framework launches out of an accepted offer: one instance and its resources.
 *
 * @param priority higher survives longer when revocable capacity is taken back
 */
public record Launch(String instanceId, Resources resources, int priority) {
  public Launch {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(resources, "resources");
  }
}
