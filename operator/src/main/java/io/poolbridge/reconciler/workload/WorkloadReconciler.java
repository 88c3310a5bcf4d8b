package io.poolbridge.reconciler.workload;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.engine.EngineSnapshot;
import io.poolbridge.estate.Workloads;
import io.poolbridge.operator.AllocationLoop;

/**
 * A Workload: the allocation loop places it and records its placements in its status; this
 * reconciler carries out what the record says (the Pods, Service and EndpointSlices of its placed
 * instances) and, on deletion, holds the Workload until the engine has released what it held and
 * what was made for it is gone.
 */
// Status writes are the record the Pods follow: every one of them wakes the reconciler, not only spec changes.
@ControllerConfiguration(name = "workload", generationAwareEventProcessing = false)
public final class WorkloadReconciler implements Reconciler<Workload>, Cleaner<Workload> {
  static final long RECHECK_MS = 500;
  static final long RETRY_MS = 5_000;

  /** Carries out a Workload's record; see {@code io.poolbridge.materialize}. */
  public interface Materializer {
    /** Makes the cluster match the Workload's recorded placements; returns a problem to report, or null. */
    String apply(Workload workload);

    /** Removes everything made for the Workload; returns whether nothing remains. */
    boolean remove(Workload workload);

    Materializer NONE = new Materializer() {
      @Override
      public String apply(Workload workload) {
        return null;
      }

      @Override
      public boolean remove(Workload workload) {
        return true;
      }
    };
  }

  private final AllocationLoop loop;
  private final Materializer materializer;

  public WorkloadReconciler(AllocationLoop loop, Materializer materializer) {
    this.loop = loop;
    this.materializer = materializer;
  }

  @Override
  public UpdateControl<Workload> reconcile(Workload workload, Context<Workload> context) {
    String problem = materializer.apply(workload);
    // A problem (a namespace missing in a remote cluster, a Pod still terminating) may go away
    // without any event on the Workload: look again.
    return problem == null ? UpdateControl.noUpdate() : UpdateControl.<Workload>noUpdate().rescheduleAfter(RETRY_MS);
  }

  @Override
  public DeleteControl cleanup(Workload workload, Context<Workload> context) {
    EngineSnapshot snapshot = loop.state().snapshot();
    boolean released = snapshot != null && !snapshot.workloads().containsKey(Workloads.key(workload));
    if (!released || !materializer.remove(workload)) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK_MS);
    }
    return DeleteControl.defaultDelete();
  }
}
