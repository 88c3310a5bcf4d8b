package io.poolbridge.benchmarks.placement;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.poolbridge.benchmarks.placement.PlacementEstate.Framework;
import io.poolbridge.benchmarks.placement.PlacementEstate.Node;
import io.poolbridge.benchmarks.placement.PlacementEstate.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.metrics2.lib.DefaultMetricsSystem;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.ResourceRequest;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.resourcemanager.MockNodes;
import org.apache.hadoop.yarn.server.resourcemanager.ResourceManager;
import org.apache.hadoop.yarn.server.resourcemanager.placement.ApplicationPlacementContext;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMApp;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.attempt.RMAppAttempt;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.attempt.RMAppAttemptMetrics;
import org.apache.hadoop.yarn.server.resourcemanager.rmcontainer.RMContainer;
import org.apache.hadoop.yarn.server.resourcemanager.rmnode.RMNode;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.ContainerUpdates;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.QueueMetrics;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.ResourceScheduler;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.event.AppAddedSchedulerEvent;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.event.AppAttemptAddedSchedulerEvent;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.event.NodeAddedSchedulerEvent;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.event.NodeUpdateSchedulerEvent;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.fair.FairScheduler;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.fair.FairSchedulerConfiguration;

/**
 * Hadoop YARN's FairScheduler with the DRF policy, driven in process the way its own unit tests
 * drive it (TestFairScheduler / FairSchedulerTestBase): a ResourceManager initialised (not
 * started) with the FairScheduler, its container-token master key rolled, the nodes added with
 * {@code NodeAddedSchedulerEvent} (MockNodes' RMNode), one application per framework in a queue
 * of its own, added with {@code AppAddedSchedulerEvent} and {@code AppAttemptAddedSchedulerEvent}
 * (a Mockito RMApp stands in for the RM's application, as in the tests), asking for 5,000
 * containers of 2 GiB / 1 vcore at {@code ANY}.
 *
 * <p>The allocation file gives every queue its framework's weight and the {@code drf} policy.
 * Everything else is FairScheduler's default, notably {@code assignmultiple=false}: one container
 * per node heartbeat. A round is: one {@code NodeUpdateSchedulerEvent} per node, in node order,
 * then one {@code update()} (what the scheduler's update thread does every 500 ms); rounds go on
 * until all 50,000 containers are allocated. That is what is timed. YARN has no placement
 * constraints in the FairScheduler (they exist only in the CapacityScheduler's placement
 * processor): it runs the unconstrained mix only.
 */
public final class YarnFairRound {
  private static final ContainerUpdates NO_UPDATES = new ContainerUpdates();

  private final PlacementEstate estate;
  private final ResourceManager rm;
  private final FairScheduler scheduler;
  private final List<RMNode> nodes = new ArrayList<>();
  private final Map<NodeId, Integer> nodeIndex = new HashMap<>();
  private final Map<Framework, ApplicationAttemptId> attempts = new HashMap<>();
  private int rounds;
  private int heartbeats;

  public YarnFairRound(PlacementEstate estate, Path allocationFile) {
    if (estate.mix != PlacementEstate.Mix.NONE) {
      throw new IllegalArgumentException("the FairScheduler has no placement constraints");
    }
    this.estate = estate;
    YarnConfiguration conf = new YarnConfiguration();
    conf.setClass(YarnConfiguration.RM_SCHEDULER, FairScheduler.class, ResourceScheduler.class);
    conf.set(FairSchedulerConfiguration.ALLOCATION_FILE, allocationFile.toString());
    conf.setBoolean(YarnConfiguration.RECOVERY_ENABLED, false);
    // As YARN's tests do, so that a new ResourceManager in the same JVM may register its metrics again.
    DefaultMetricsSystem.setMiniClusterMode(true);
    rm = new ResourceManager();
    rm.init(conf);
    rm.getRMContext().getContainerTokenSecretManager().rollMasterKey();
    scheduler = (FairScheduler) rm.getResourceScheduler();
    Resource capacity = Resource.newInstance(PlacementEstate.NODE_MEMORY_MIB, (int) (PlacementEstate.NODE_CPU_MILLIS / 1000));
    for (Node n : estate.nodes) {
      RMNode node = MockNodes.newNodeInfo(n.index() / PlacementEstate.NODES_PER_RACK, capacity, n.index(), n.id());
      scheduler.handle(new NodeAddedSchedulerEvent(node));
      nodes.add(node);
      nodeIndex.put(node.getNodeID(), n.index());
    }
    int appId = 1;
    for (Framework f : estate.frameworks) {
      int containers = estate.workloads.stream().filter(w -> w.framework() == f).mapToInt(w -> w.instanceIds().size()).sum();
      ApplicationAttemptId attempt = ApplicationAttemptId.newInstance(ApplicationId.newInstance(0, appId++), 1);
      putMockApp(attempt);
      String queue = "root." + queue(f);
      // The placement the RM's placement rules would have made: the queue the app was submitted to.
      scheduler.handle(new AppAddedSchedulerEvent(
          attempt.getApplicationId(), queue, "bench", new ApplicationPlacementContext(queue)));
      scheduler.handle(new AppAttemptAddedSchedulerEvent(attempt, false));
      ResourceRequest ask = ResourceRequest.newInstance(
          Priority.newInstance(1), ResourceRequest.ANY,
          Resource.newInstance(PlacementEstate.INSTANCE_MEMORY_MIB, (int) (PlacementEstate.INSTANCE_CPU_MILLIS / 1000)),
          containers, true);
      scheduler.allocate(attempt, List.of(ask), null, List.of(), null, null, NO_UPDATES);
      attempts.put(f, attempt);
    }
    scheduler.update();
  }

  static String queue(Framework f) {
    return f.id().replace("-", "");
  }

  /** The allocation file: a queue per framework with its weight, all under DRF. */
  public static Path allocationFile(PlacementEstate estate) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<allocations>\n");
    xml.append("  <defaultQueueSchedulingPolicy>drf</defaultQueueSchedulingPolicy>\n");
    for (Framework f : estate.frameworks) {
      xml.append("  <queue name=\"").append(queue(f)).append("\">\n")
          .append("    <weight>").append(f.weight()).append("</weight>\n")
          .append("    <schedulingPolicy>drf</schedulingPolicy>\n")
          .append("  </queue>\n");
    }
    xml.append("</allocations>\n");
    try {
      Path file = Files.createTempFile("poolbridge-fair-scheduler", ".xml");
      Files.writeString(file, xml);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The RM's record of the application, as FairSchedulerTestBase mocks it. */
  private void putMockApp(ApplicationAttemptId id) {
    RMApp app = mock(RMApp.class);
    RMAppAttempt attempt = mock(RMAppAttempt.class);
    when(app.getCurrentAppAttempt()).thenReturn(attempt);
    when(attempt.getRMAppAttemptMetrics()).thenReturn(new RMAppAttemptMetrics(id, rm.getRMContext()));
    ApplicationSubmissionContext context = mock(ApplicationSubmissionContext.class);
    when(context.getUnmanagedAM()).thenReturn(false);
    when(attempt.getSubmissionContext()).thenReturn(context);
    when(app.getApplicationSubmissionContext()).thenReturn(context);
    when(attempt.getMasterContainer()).thenReturn(mock(Container.class));
    rm.getRMContext().getRMApps().put(id.getApplicationId(), app);
  }

  /** Heartbeat rounds over every node until every container is allocated (at most {@code maxRounds}). */
  public int placeAll(int maxRounds) {
    int total = estate.instanceCount();
    while (scheduler.getRootQueueMetrics().getAllocatedContainers() < total && rounds < maxRounds) {
      rounds++;
      for (RMNode node : nodes) {
        scheduler.handle(new NodeUpdateSchedulerEvent(node));
        heartbeats++;
      }
      scheduler.update();
    }
    return rounds;
  }

  /**
   * Container to node, as instance to node: the FairScheduler knows containers, not instances, so
   * framework {@code f}'s containers take its instances' ids in order (the mix has no constraint,
   * so which instance is which does not matter to the checks).
   */
  public Map<String, Integer> placement() {
    Map<String, Integer> placement = new HashMap<>();
    for (Framework f : estate.frameworks) {
      List<String> ids = new ArrayList<>();
      for (Workload w : estate.workloads) {
        if (w.framework() == f) {
          ids.addAll(w.instanceIds());
        }
      }
      int i = 0;
      for (RMContainer c : scheduler.getSchedulerApp(attempts.get(f)).getLiveContainers()) {
        String id = i < ids.size() ? ids.get(i) : f.id() + ".extra-" + i;
        placement.put(id, nodeIndex.get(c.getAllocatedNode()));
        i++;
      }
    }
    return placement;
  }

  public int rounds() {
    return rounds;
  }

  public int heartbeats() {
    return heartbeats;
  }

  public void stop() {
    scheduler.stop();
    rm.stop();
    QueueMetrics.clearQueueMetrics();
    DefaultMetricsSystem.shutdown();
  }
}
