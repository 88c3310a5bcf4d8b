package io.poolbridge.testing;

import java.util.List;
import java.util.Map;

/**
 * A port of kstatus' status computation ({@code sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute})
 * for custom resources, as Flux's health checks and {@code kpt live status} apply it, from its
 * documented rules:
 *
 * <ol>
 *   <li>{@code metadata.deletionTimestamp} set: {@code Terminating};
 *   <li>{@code status.observedGeneration} present and not {@code metadata.generation}: {@code
 *       InProgress} ({@code LatestGenerationNotObserved});
 *   <li>in the order of {@code status.conditions}, the first of {@code Reconciling=True} ({@code
 *       InProgress}) or {@code Stalled=True} ({@code Failed}), with that condition's message;
 *   <li>else (a custom resource has no type-specific rules) {@code Current}.
 * </ol>
 *
 * A condition {@code Ready} plays no part: kstatus reads only the two abnormal-true conditions.
 */
public final class Kstatus {
  private Kstatus() {}

  public enum Status { InProgress, Failed, Current, Terminating }

  public record Result(Status status, String message) {}

  /** The status of {@code object}, a resource as the API server returns it (JSON as maps and lists). */
  @SuppressWarnings("unchecked")
  public static Result compute(Map<String, Object> object) {
    Map<String, Object> metadata = (Map<String, Object>) object.getOrDefault("metadata", Map.of());
    Object deletion = metadata.get("deletionTimestamp");
    if (deletion != null && !deletion.toString().isEmpty()) {
      return new Result(Status.Terminating, "Resource scheduled for deletion");
    }
    Map<String, Object> status = (Map<String, Object>) object.get("status");
    Object generation = metadata.get("generation");
    if (generation != null && status != null && status.get("observedGeneration") != null) {
      long g = ((Number) generation).longValue();
      long observed = ((Number) status.get("observedGeneration")).longValue();
      if (g != observed) {
        return new Result(Status.InProgress,
            object.get("kind") + " generation is " + g + ", but latest observed generation is " + observed);
      }
    }
    List<Map<String, Object>> conditions = status == null ? null : (List<Map<String, Object>>) status.get("conditions");
    if (conditions != null) {
      for (Map<String, Object> c : conditions) {
        if ("Reconciling".equals(c.get("type")) && "True".equals(c.get("status"))) {
          return new Result(Status.InProgress, (String) c.get("message"));
        }
        if ("Stalled".equals(c.get("type")) && "True".equals(c.get("status"))) {
          return new Result(Status.Failed, (String) c.get("message"));
        }
      }
    }
    return new Result(Status.Current, "Resource is current");
  }
}
