package io.poolbridge.materialize;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.estate.ResourceUnits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Pod of one placed instance, from the Workload's pod template. Pure: the same workload and
 * placement give an equal Pod.
 *
 * <ul>
 *   <li>Named after the instance ({@code web-0}) in the Workload's namespace, bound to the chosen
 *       node by {@code spec.nodeName} (no scheduler is involved).
 *   <li>Resources: the allocation is the Pod's total, as a Marathon instance's resources are. The
 *       first container is the instance's main one: it gets the allocation less what the other
 *       containers declare. Other containers (sidecars) keep what they declare (their request, or
 *       their limit when they set only a limit). Every container's limits equal its requests for
 *       every allocated resource, so the Pod together never uses more than it was allocated. A
 *       resource the allocation does not name is left as the template says; a sidecar that declares
 *       nothing for an allocated resource gets nothing for it; init containers are left as the
 *       template says. A template whose other containers declare as much as the whole allocation
 *       (nothing left for the first) is refused with a message. Only resources a container can
 *       request are set (cpu, memory, ephemeral-storage, hugepages-*, extended resources with a
 *       domain such as {@code nvidia.com/gpu}); others (a node's {@code pods} count) are not.
 *   <li>The template's {@code nodeSelector} and node affinity are dropped: placement is the
 *       allocator's, by the Workload's constraints, and the kubelet would refuse a Pod bound to a node
 *       its node selector or node affinity does not match.
 *   <li>Tolerates {@code poolbridge.io/pool=<pool>:NoSchedule} and, on a leased node, {@code
 *       poolbridge.io/leased-to=<framework>:NoSchedule}.
 *   <li>Labels: the template's, plus {@code poolbridge.io/workload}, {@code -workload-namespace},
 *       {@code -workload-uid}, {@code poolbridge.io/instance}, {@code poolbridge.io/framework},
 *       {@code poolbridge.io/revocable=true} when revocable, and {@code
 *       app.kubernetes.io/managed-by=poolbridge}. Annotations: the template's, plus {@code
 *       poolbridge.io/owner} ({@code <namespace>/<name>}) and {@code poolbridge.io/placement} (pool,
 *       node and allocation, compared when Pods are adopted after a restart).
 *   <li>In the Workload's own cluster an owner reference to it (controller, blockOwnerDeletion), so
 *       Kubernetes' garbage collector removes the Pods with it. In a remote cluster no owner
 *       reference can point to it: the labels naming its namespace and uid are what the operator's
 *       own garbage collection selects on.
 *   <li>{@code restartPolicy} when the template leaves it out: {@code Always} for a Service (Marathon
 *       keeps it running), {@code Never} for a Job (a failed run is a failure the operator counts
 *       against the Job's retries, as Metronome does).
 * </ul>
 */
public final class InstancePods {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private InstancePods() {}

  /**
   * The Pod of {@code placement}, an instance of {@code workload}; {@code remote} when the Pod goes
   * to another cluster than the Workload's.
   *
   * @throws IllegalArgumentException with a message a user can act on, when the Workload has no pod
   *     template or its template cannot hold the allocation
   */
  public static Pod pod(Workload workload, PodPlacement placement, boolean remote) {
    WorkloadSpec spec = workload.getSpec();
    if (spec.template() == null) {
      throw new IllegalArgumentException("workload " + workload.getMetadata().getName() + " has no pod template");
    }
    PodTemplateSpec template = SERIALIZATION.convertValue(spec.template(), PodTemplateSpec.class);
    PodSpec podSpec = template.getSpec();
    if (podSpec == null || podSpec.getContainers() == null || podSpec.getContainers().isEmpty()) {
      throw new IllegalArgumentException("the pod template of workload " + workload.getMetadata().getName()
          + " has no containers");
    }
    ObjectMeta templateMeta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(placement.podName());
    meta.setNamespace(workload.getMetadata().getNamespace());
    Map<String, String> labels = new LinkedHashMap<>();
    if (templateMeta.getLabels() != null) {
      labels.putAll(templateMeta.getLabels());
    }
    labels.putAll(ownerLabels(workload));
    labels.put(Keys.INSTANCE, Keys.labelValue(placement.podName()));
    labels.put(Keys.FRAMEWORK, Keys.labelValue(placement.framework()));
    if (placement.revocable()) {
      labels.put("poolbridge.io/revocable", "true");
    }
    meta.setLabels(labels);
    Map<String, String> annotations = new LinkedHashMap<>();
    if (templateMeta.getAnnotations() != null) {
      annotations.putAll(templateMeta.getAnnotations());
    }
    annotations.put(Keys.OWNER, workload.getMetadata().getNamespace() + "/" + workload.getMetadata().getName());
    annotations.put(Keys.PLACEMENT, placement.record());
    if (placement.revision() != null) {
      annotations.put(Keys.REVISION, placement.revision());
    }
    meta.setAnnotations(annotations);
    if (!remote) {
      meta.setOwnerReferences(List.of(ownerReference(workload)));
    }

    podSpec.setNodeName(placement.node());
    // Placement is the allocator's (the Workload's constraints): a node selector or node affinity of
    // the template would only make the kubelet refuse the Pod on the node chosen for it.
    podSpec.setNodeSelector(null);
    if (podSpec.getAffinity() != null) {
      podSpec.getAffinity().setNodeAffinity(null);
    }
    Map<String, Quantity> allocation = new TreeMap<>();
    placement.resources().forEach((name, q) -> {
      if (containerResource(name)) {
        allocation.put(name, q);
      }
    });
    podSpec.setContainers(divide(workload.getMetadata().getName(), podSpec.getContainers(), allocation));
    List<Toleration> tolerations = new ArrayList<>(podSpec.getTolerations() == null ? List.of() : podSpec.getTolerations());
    addToleration(tolerations, Keys.POOL, Keys.labelValue(placement.pool()));
    if (placement.leasedTo() != null) {
      addToleration(tolerations, Keys.LEASED_TO, Keys.labelValue(placement.leasedTo()));
    }
    podSpec.setTolerations(tolerations);
    if (podSpec.getRestartPolicy() == null) {
      podSpec.setRestartPolicy(spec.kind() == WorkloadSpec.WorkloadKind.Job ? "Never" : "Always");
    }
    Pod pod = new Pod();
    pod.setApiVersion("v1");
    pod.setKind("Pod");
    pod.setMetadata(meta);
    pod.setSpec(podSpec);
    return pod;
  }

  /** The labels that name a Pod's (or Service's) owning Workload, in any cluster. */
  public static Map<String, String> ownerLabels(Workload workload) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Keys.WORKLOAD, Keys.labelValue(workload.getMetadata().getName()));
    labels.put(Keys.WORKLOAD_NAMESPACE, workload.getMetadata().getNamespace());
    if (workload.getMetadata().getUid() != null) {
      labels.put(Keys.WORKLOAD_UID, workload.getMetadata().getUid());
    }
    labels.put(Keys.MANAGED_BY, Keys.MANAGER);
    return labels;
  }

  /** The owner reference to {@code workload}: controller, blocking its deletion until dependents go. */
  public static OwnerReference ownerReference(Workload workload) {
    return new OwnerReferenceBuilder()
        .withApiVersion(ResourcePool.GROUP + "/" + ResourcePool.VERSION)
        .withKind("Workload")
        .withName(workload.getMetadata().getName())
        .withUid(workload.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * Whether a container may request {@code resource}: cpu, memory, ephemeral-storage, hugepages-*,
   * and extended resources, whose names have a domain ({@code nvidia.com/gpu}). Kubernetes refuses
   * any other name in a container (a pool's {@code pods} count, a static pool's own names).
   */
  static boolean containerResource(String resource) {
    return resource.equals("cpu") || resource.equals("memory") || resource.equals("ephemeral-storage")
        || resource.startsWith("hugepages-") || (resource.contains("/") && !resource.startsWith("kubernetes.io/")
            && !resource.startsWith("requests."));
  }

  private static void addToleration(List<Toleration> tolerations, String key, String value) {
    Toleration t = new TolerationBuilder().withKey(key).withOperator("Equal").withValue(value).withEffect(Keys.NO_SCHEDULE).build();
    if (!tolerations.contains(t)) {
      tolerations.add(t);
    }
  }

  private static List<Container> divide(String workload, List<Container> containers, Map<String, Quantity> allocation) {
    List<Container> out = new ArrayList<>();
    Map<String, Long> others = new TreeMap<>();
    for (int i = 1; i < containers.size(); i++) {
      Container c = containers.get(i);
      ResourceRequirements r = requirements(c);
      for (String resource : allocation.keySet()) {
        Quantity declared = r.getRequests().getOrDefault(resource, r.getLimits().get(resource));
        if (declared != null) {
          r.getRequests().put(resource, declared);
          r.getLimits().put(resource, declared);
          others.merge(resource, ResourceUnits.toBase(resource, declared), Long::sum);
        }
      }
      c.setResources(r);
    }
    Container first = containers.get(0);
    ResourceRequirements r = requirements(first);
    for (Map.Entry<String, Quantity> e : new TreeMap<>(allocation).entrySet()) {
      String resource = e.getKey();
      Quantity amount = e.getValue();
      Long taken = others.get(resource);
      if (taken != null) {
        long left = ResourceUnits.toBase(resource, amount) - taken;
        if (left <= 0) {
          throw new IllegalArgumentException("the other containers of workload " + workload + "'s pod template declare "
              + ResourceUnits.format(resource, taken) + " " + resource + ", the whole " + amount + " " + resource
              + " an instance is allocated, leaving none for its first container " + first.getName());
        }
        amount = ResourceUnits.toQuantity(resource, left);
      }
      r.getRequests().put(resource, amount);
      r.getLimits().put(resource, amount);
    }
    first.setResources(r);
    out.addAll(containers);
    return out;
  }

  private static ResourceRequirements requirements(Container c) {
    ResourceRequirements r = c.getResources() == null ? new ResourceRequirements() : c.getResources();
    r.setRequests(new TreeMap<>(r.getRequests() == null ? Map.of() : r.getRequests()));
    r.setLimits(new TreeMap<>(r.getLimits() == null ? Map.of() : r.getLimits()));
    return r;
  }
}
