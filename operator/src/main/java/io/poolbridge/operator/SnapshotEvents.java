package io.poolbridge.operator;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.engine.Tick;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Wakes the Framework and ResourcePool reconcilers when the engine's view of their resource
 * changed, so their status follows allocation and not only their own edits (JOSDK inbound event
 * sources, one per kind).
 */
public final class SnapshotEvents implements AllocationLoop.Listener {
  private final SimpleInboundEventSource<Framework> frameworks = new SimpleInboundEventSource<>("engine-frameworks");
  private final SimpleInboundEventSource<ResourcePool> pools = new SimpleInboundEventSource<>("engine-pools");
  private Map<String, EngineSnapshot.FrameworkView> lastFrameworks = Map.of();
  private Map<String, EngineSnapshot.PoolView> lastPools = Map.of();
  private Map<String, RemoteClusters.Health> lastSources = Map.of();

  public SimpleInboundEventSource<Framework> frameworks() {
    return frameworks;
  }

  public SimpleInboundEventSource<ResourcePool> pools() {
    return pools;
  }

  @Override
  public void afterTick(Tick tick, AllocationLoop.State state, Duration took) {
    fire(state.snapshot(), state.sources());
  }

  /** Propagates an event for every framework and pool whose view differs from the last one fired. */
  public synchronized void fire(EngineSnapshot snapshot, Map<String, RemoteClusters.Health> sources) {
    if (snapshot == null) {
      return;
    }
    if (frameworks.isRunning()) {
      snapshot.frameworks().forEach((name, view) -> {
        if (!Objects.equals(lastFrameworks.get(name), view)) {
          frameworks.propagateEvent(new ResourceID(name));
        }
      });
      lastFrameworks = snapshot.frameworks();
    }
    if (pools.isRunning()) {
      snapshot.pools().forEach((name, view) -> {
        if (!Objects.equals(lastPools.get(name), view)) {
          pools.propagateEvent(new ResourceID(name));
        }
      });
      lastPools = snapshot.pools();
      // A pool whose remote cluster became reachable (or stopped being) may have no node to change.
      sources.forEach((name, health) -> {
        if (!Objects.equals(lastSources.get(name), health)) {
          pools.propagateEvent(new ResourceID(name));
        }
      });
      lastSources = sources;
    }
  }
}
