package io.poolbridge.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.engine.StopReason;
import io.poolbridge.engine.Stopped;
import io.poolbridge.engine.Tick;
import io.poolbridge.estate.Workloads;
import io.poolbridge.scheduler.Assignment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on Workloads for what allocation did to them, as {@code kubectl describe}
 * shows: {@code Placed} (the instances recorded in a turn, one Event per Workload naming up to five
 * with their nodes), one Event per stop reason ({@code Preempted}, {@code Revoked}, {@code Lost},
 * {@code Drained}... Warning where the instance did not choose to stop), and the refusal when a
 * Workload is not admitted ({@code NamespaceNotAllowed}, {@code FrameworkNotFound}..., Warning,
 * once per change). Sent from a bounded queue off the loop's thread, at a bounded rate: when the API
 * is slow or the queue full, Events are late or dropped (and counted), never decisions.
 */
public final class WorkloadEvents implements AllocationLoop.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadEvents.class);
  static final String COMPONENT = "poolbridge";
  static final int LISTED = 5;

  private final KubernetesClient client;
  private final Function<String, Workload> workloads;
  private final Clock clock;
  private final ThreadPoolExecutor sender;
  private final AtomicLong dropped = new AtomicLong();
  private final Map<String, String> refusals = new HashMap<>();
  private long sequence;

  public WorkloadEvents(KubernetesClient client, Function<String, Workload> workloads, Clock clock) {
    this.client = client;
    this.workloads = workloads;
    this.clock = clock;
    this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1024), r -> {
      Thread t = new Thread(r, "poolbridge-events");
      t.setDaemon(true);
      return t;
    }, (r, executor) -> dropped.incrementAndGet());
  }

  /** Events not sent because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void afterTick(Tick tick, AllocationLoop.State state, Duration took) {
    for (Event e : events(tick, state)) {
      sender.execute(() -> send(e));
    }
  }

  /** The Events of one tick (pure but for the Workload lookup and the clock). */
  List<Event> events(Tick tick, AllocationLoop.State state) {
    List<Event> out = new ArrayList<>();
    // Placements are news once recorded: the loop commits them when their status write returns,
    // which may be a later turn than the tick that decided them.
    Map<String, List<Assignment>> placed = new TreeMap<>();
    for (Assignment a : state.committed()) {
      placed.computeIfAbsent(a.workloadKey(), k -> new ArrayList<>()).add(a);
    }
    placed.forEach((key, list) -> {
      List<String> named = new ArrayList<>();
      for (Assignment a : list.subList(0, Math.min(LISTED, list.size()))) {
        named.add(Workloads.displayName(a.instanceId()) + " on " + a.agentId());
      }
      String more = list.size() > LISTED ? " and " + (list.size() - LISTED) + " more" : "";
      event(key, "Normal", "Placed", "Placed " + list.size() + " instance(s): " + String.join(", ", named) + more).ifPresent(out::add);
    });
    Map<String, Map<StopReason, List<Stopped>>> stopped = new TreeMap<>();
    for (Stopped s : tick.stopped()) {
      stopped.computeIfAbsent(s.workloadKey(), k -> new LinkedHashMap<>()).computeIfAbsent(s.reason(), r -> new ArrayList<>()).add(s);
    }
    stopped.forEach((key, byReason) -> byReason.forEach((reason, list) -> {
      Stopped first = list.get(0);
      String what = list.size() == 1 ? Workloads.displayName(first.instanceId()) + " " + first.message()
          : list.size() + " instances " + first.message() + " (first " + Workloads.displayName(first.instanceId()) + ")";
      boolean warning = reason == StopReason.PREEMPTED || reason == StopReason.REVOKED || reason == StopReason.LOST;
      event(key, warning ? "Warning" : "Normal", reasonName(reason), what).ifPresent(out::add);
    }));
    Map<String, String> now = new HashMap<>();
    state.admissions().forEach((key, admission) -> {
      if (admission instanceof EstateSync.Refused r) {
        String text = r.refusal().code() + ": " + r.refusal().message();
        now.put(key, text);
        if (!text.equals(refusals.get(key))) {
          event(key, "Warning", r.refusal().code(), r.refusal().message()).ifPresent(out::add);
        }
      }
    });
    refusals.clear();
    refusals.putAll(now);
    return out;
  }

  /** {@code PREEMPTED} as {@code Preempted}, {@code SCALED_DOWN} as {@code ScaledDown}. */
  static String reasonName(StopReason reason) {
    StringBuilder b = new StringBuilder();
    for (String part : reason.name().split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }

  private java.util.Optional<Event> event(String key, String type, String reason, String message) {
    Workload w = workloads.apply(key);
    if (w == null) {
      return java.util.Optional.empty();
    }
    Instant now = clock.instant();
    String name = w.getMetadata().getName() + "." + Long.toHexString(now.toEpochMilli()) + Long.toHexString(sequence++);
    String text = message.length() > 1024 ? message.substring(0, 1023) + "…" : message;
    return java.util.Optional.of(new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(w.getMetadata().getNamespace()).endMetadata()
        .withNewInvolvedObject().withApiVersion(w.getApiVersion()).withKind("Workload").withName(w.getMetadata().getName())
        .withNamespace(w.getMetadata().getNamespace()).withUid(w.getMetadata().getUid())
        .withResourceVersion(w.getMetadata().getResourceVersion()).endInvolvedObject()
        .withType(type).withReason(reason).withMessage(text)
        .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT).withReportingInstance(COMPONENT)
        .build());
  }

  /**
   * Events are sent at most {@value #RATE} a second after a burst of {@value #BURST} (as client-go's
   * event broadcaster limits its sink): in a burst of new Workloads the API's capacity goes to their
   * status writes first, and their Events follow, dated when they happened.
   */
  static final int BURST = 25;
  static final int RATE = 10;
  private double tokens = BURST;
  private long refilled = System.nanoTime();

  private void takeToken() throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      tokens = Math.min(BURST, tokens + (now - refilled) / 1e9 * RATE);
      refilled = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      Thread.sleep((long) Math.ceil((1 - tokens) * 1000.0 / RATE));
    }
  }

  private void send(Event e) {
    try {
      takeToken();
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      client.v1().events().inNamespace(e.getMetadata().getNamespace()).resource(e).create();
    } catch (KubernetesClientException ex) {
      LOG.debug("event {} not recorded: {}", e.getReason(), ex.getMessage());
    }
  }

  public void close() {
    sender.shutdownNow();
  }
}
