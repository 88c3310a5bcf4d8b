package io.poolbridge.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kubernetes Events for the conditions of a status that changed, as {@code kubectl describe}
 * shows them: one Event per condition whose status or reason moved, named by its reason (a pool's
 * {@code SourceReachable} going False with {@code SecretNotFound}, a framework's guarantee going
 * unmet). Warning for the conditions in the bad state, Normal when they recover.
 */
public final class ConditionEvents {
  private final KubernetesClient client;
  private final Clock clock;
  private final String namespace;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param namespace where Events about cluster-scoped objects go (the operator's namespace), as
   *     Kubernetes puts those of Nodes in {@code default}
   */
  public ConditionEvents(KubernetesClient client, Clock clock, String namespace) {
    this.client = client;
    this.clock = clock;
    this.namespace = namespace;
  }

  /** The conditions of {@code after} that are new or whose status or reason changed from {@code before}. */
  public static List<Condition> changed(List<Condition> before, List<Condition> after) {
    List<Condition> out = new ArrayList<>();
    if (after == null) {
      return out;
    }
    for (Condition c : after) {
      Condition old = before == null ? null : before.stream().filter(b -> b.getType().equals(c.getType())).findFirst().orElse(null);
      if (old == null || !Objects.equals(old.getStatus(), c.getStatus()) || !Objects.equals(old.getReason(), c.getReason())) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Records an Event per changed condition of {@code object}; {@code badWhenTrue} names the
   * conditions that are bad when True (e.g. {@code Degraded}), the others are bad when False.
   * Best effort: an Event that cannot be written is dropped.
   */
  public void record(HasMetadata object, List<Condition> before, List<Condition> after, Set<String> badWhenTrue) {
    for (Condition c : changed(before, after)) {
      if (StatusConditions.RECONCILING.equals(c.getType()) || StatusConditions.STALLED.equals(c.getType())) {
        continue; // the kstatus conditions repeat what another condition of the status says: no second Event
      }
      boolean bad = badWhenTrue.contains(c.getType()) == "True".equals(c.getStatus());
      boolean fresh = before == null || before.stream().noneMatch(b -> b.getType().equals(c.getType()));
      if (fresh && !bad) {
        continue; // a condition that starts out good is no news
      }
      Instant now = clock.instant();
      String ns = object.getMetadata().getNamespace() != null ? object.getMetadata().getNamespace() : namespace;
      String message = c.getType() + "=" + c.getStatus() + ": " + (c.getMessage() == null ? "" : c.getMessage());
      try {
        client.v1().events().inNamespace(ns).resource(new EventBuilder()
            .withNewMetadata().withName(object.getMetadata().getName() + "." + Long.toHexString(now.toEpochMilli())
                + Long.toHexString(sequence.incrementAndGet())).withNamespace(ns).endMetadata()
            .withNewInvolvedObject().withApiVersion(object.getApiVersion()).withKind(object.getKind())
            .withName(object.getMetadata().getName()).withUid(object.getMetadata().getUid()).endInvolvedObject()
            .withType(bad ? "Warning" : "Normal").withReason(c.getReason())
            .withMessage(message.length() > 1024 ? message.substring(0, 1023) + "…" : message)
            .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).withCount(1)
            .withNewSource().withComponent("poolbridge").endSource()
            .build()).create();
      } catch (KubernetesClientException e) {
        // Events are best effort.
      }
    }
  }
}
