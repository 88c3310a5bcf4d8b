package io.poolbridge.cli;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.SecretKeyRef;
import io.poolbridge.api.v1alpha1.Workload;
import io.poolbridge.estate.EstateLoader.Input;
import io.poolbridge.estate.EstateLoader.Loaded;
import io.poolbridge.estate.EstateLoader.Origin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live estate {@code simulate --cluster} starts from, read once through a kubeconfig: the
 * ResourcePools, Frameworks, Workloads (with the placements their statuses record), the Namespaces'
 * labels and the Nodes of the cluster, and the Nodes of the remote clusters pools read through
 * kubeconfig Secrets. Nothing is written.
 */
final class ClusterEstate implements AutoCloseable {
  /** The cluster cannot be read (unreachable, refused, a kubeconfig or context that does not work): one line saying so. */
  static final class Unreadable extends RuntimeException {
    Unreadable(String message) {
      super(message);
    }
  }

  /** Where the live objects are said to come from in messages. */
  static final Path ORIGIN = Path.of("cluster");

  private final Config config;
  private final KubernetesClient client;

  private ClusterEstate(Config config, KubernetesClient client) {
    this.config = config;
    this.client = client;
  }

  /**
   * Connects through the kubeconfig ({@code context}, or its current context when null), short
   * timeouts and no retries: a cluster that does not answer is an error at once, not a hang.
   */
  static ClusterEstate connect(String context) {
    Config config;
    try {
      config = context == null ? Config.autoConfigure(null) : Config.autoConfigure(context);
    } catch (RuntimeException e) {
      java.util.Collection<String> names = Config.getKubeconfigFilenames();
      throw new Unreadable("the kubeconfig" + (names == null || names.isEmpty() ? "" : " " + String.join(", ", names))
          + " cannot be read: " + firstLine(e.getMessage()));
    }
    if (context != null && (config.getCurrentContext() == null || !context.equals(config.getCurrentContext().getName()))) {
      List<String> names = config.getContexts() == null ? List.of()
          : config.getContexts().stream().map(c -> c.getName()).sorted().toList();
      throw new Unreadable("the kubeconfig has no context " + context
          + (names.isEmpty() ? " (it has none)" : " (it has: " + String.join(", ", names) + ")"));
    }
    tighten(config);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    ClusterEstate estate = new ClusterEstate(config, client);
    String unreachable = RunCommand.reach(client, config);
    if (unreachable != null) {
      estate.close();
      throw new Unreadable(unreachable.replace("the operator's account needs", "the kubeconfig's account needs read access to"));
    }
    return estate;
  }

  private static void tighten(Config config) {
    config.setConnectionTimeout(5_000);
    config.setRequestTimeout(20_000);
    config.setRequestRetryBackoffLimit(0);
  }

  /** The namespace a namespaced object without one goes to, as kubectl applies it: the context's, else {@code default}. */
  String defaultNamespace() {
    return config.getNamespace() == null || config.getNamespace().isBlank() ? "default" : config.getNamespace();
  }

  KubernetesClient client() {
    return client;
  }

  /** The live estate: every ResourcePool, Framework, Workload, Namespace (its labels) and Node of the cluster. */
  Input read() {
    try {
      List<Loaded<ResourcePool>> pools = loaded(client.resources(ResourcePool.class).list().getItems());
      List<Loaded<Framework>> frameworks = loaded(client.resources(Framework.class).list().getItems());
      List<Loaded<Workload>> workloads = loaded(client.resources(Workload.class).inAnyNamespace().list().getItems());
      List<Loaded<Node>> nodes = loaded(client.nodes().list().getItems());
      Map<String, Map<String, String>> labels = new TreeMap<>();
      for (Namespace ns : client.namespaces().list().getItems()) {
        labels.put(ns.getMetadata().getName(), ns.getMetadata().getLabels() == null ? Map.of() : new TreeMap<>(ns.getMetadata().getLabels()));
      }
      return new Input(pools, frameworks, workloads, nodes, labels);
    } catch (KubernetesClientException e) {
      throw new Unreadable("cannot read the estate from the cluster at " + config.getMasterUrl() + ": " + why(e));
    }
  }

  private static <T> List<Loaded<T>> loaded(List<T> items) {
    List<Loaded<T>> list = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      list.add(new Loaded<>(items.get(i), new Origin(ORIGIN, i + 1)));
    }
    return list;
  }

  /** The Nodes of other clusters the pools read, and what could not be read. */
  record Remote(Map<String, String> clusterOfPool, Map<String, List<Node>> nodesOfCluster, List<String> notes) {}

  /**
   * Reads the Nodes of every remote cluster a pool of {@code pools} names by a kubeconfig Secret
   * (in {@code operatorNamespace} when the reference has no namespace), once per Secret. A cluster
   * that cannot be read gives its pools no Nodes and a note saying why.
   */
  Remote remote(Collection<ResourcePool> pools, String operatorNamespace) {
    Map<String, String> clusterOfPool = new TreeMap<>();
    Map<String, List<Node>> nodesOfCluster = new TreeMap<>();
    List<String> notes = new ArrayList<>();
    for (ResourcePool pool : pools) {
      var source = pool.getSpec().source();
      if (source == null || source.kubernetes() == null || source.kubernetes().kubeconfigSecretRef() == null) {
        continue;
      }
      SecretKeyRef ref = source.kubernetes().kubeconfigSecretRef();
      String namespace = ref.namespace() == null || ref.namespace().isEmpty() ? operatorNamespace : ref.namespace();
      String cluster = "Secret " + namespace + "/" + ref.name() + " key " + ref.keyOrDefault();
      clusterOfPool.put(pool.getMetadata().getName(), cluster);
      if (!nodesOfCluster.containsKey(cluster)) {
        try {
          List<Node> nodes = remoteNodes(namespace, ref.name(), ref.keyOrDefault());
          nodesOfCluster.put(cluster, nodes);
          notes.add("the Nodes of pool " + pool.getMetadata().getName() + " were read from the cluster of kubeconfig " + cluster);
        } catch (Unreadable e) {
          nodesOfCluster.put(cluster, List.of());
          notes.add("the Nodes of pool " + pool.getMetadata().getName() + " could not be read (" + e.getMessage()
              + "): it is simulated without nodes, so what its nodes run shows as moved or stopped");
        }
      } else {
        notes.add("the Nodes of pool " + pool.getMetadata().getName() + " were read from the cluster of kubeconfig " + cluster);
      }
    }
    return new Remote(clusterOfPool, nodesOfCluster, notes);
  }

  private List<Node> remoteNodes(String namespace, String name, String key) {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw new Unreadable("Secret " + namespace + "/" + name + " cannot be read: " + why(e));
    }
    if (secret == null) {
      throw new Unreadable("Secret " + namespace + "/" + name + " does not exist");
    }
    String encoded = secret.getData() == null ? null : secret.getData().get(key);
    String plain = secret.getStringData() == null ? null : secret.getStringData().get(key);
    if (encoded == null && plain == null) {
      throw new Unreadable("Secret " + namespace + "/" + name + " has no key " + key);
    }
    String kubeconfig;
    try {
      kubeconfig = plain != null ? plain : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Unreadable("key " + key + " of Secret " + namespace + "/" + name + " is not base64");
    }
    Config remote;
    try {
      remote = Config.fromKubeconfig(kubeconfig);
    } catch (RuntimeException e) {
      throw new Unreadable("key " + key + " of Secret " + namespace + "/" + name + " is not a usable kubeconfig: " + firstLine(e.getMessage()));
    }
    tighten(remote);
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(remote).withHttpClientFactory(new JdkHttpClientFactory()).build()) {
      return c.nodes().list().getItems();
    } catch (KubernetesClientException e) {
      throw new Unreadable("its cluster at " + remote.getMasterUrl() + " cannot be read: " + why(e));
    }
  }

  private static String why(KubernetesClientException e) {
    if (e.getCode() == 401 || e.getCode() == 403) {
      return "HTTP " + e.getCode() + ", the account may not read it";
    }
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2")
        .toLowerCase(java.util.Locale.ROOT) : cause.getMessage();
    return firstLine(message);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown reason";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void close() {
    client.close();
  }
}
