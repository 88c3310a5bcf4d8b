package io.poolbridge.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.estate.Selectors;
import io.poolbridge.embedded.ValidatingCrudDispatcher;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sample estate on embedded API servers: the operator's cluster (the CRDs, the samples, the
 * Nodes of the pools that read this cluster) and one remote cluster per kubeconfig Secret the
 * pools name (holding the Nodes those pools select), with the Secret in the operator's namespace
 * pointing at it. What {@code simulate} reads from one set of files, spread over the clusters an
 * operator would meet.
 */
public final class EmbeddedEstate implements AutoCloseable {
  public static final String OPERATOR_NAMESPACE = "poolbridge-system";
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Map<String, KubernetesMockServer> remoteServers = new HashMap<>();
  private final Map<String, KubernetesClient> remoteClients = new HashMap<>();

  private EmbeddedEstate(Dispatcher dispatcher) {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    client = server.createClient(new JdkHttpClientFactory());
  }

  /** An embedded API server answering through {@code dispatcher}, with the CRDs installed and nothing else. */
  public static EmbeddedEstate empty(Dispatcher dispatcher) {
    EmbeddedEstate estate = new EmbeddedEstate(dispatcher);
    estate.installCrds();
    return estate;
  }

  /** The samples (with their Nodes) on a validating embedded API server. */
  public static EmbeddedEstate samples() {
    return samples(new ValidatingCrudDispatcher());
  }

  /** The samples on an embedded API server answering through {@code dispatcher}. */
  public static EmbeddedEstate samples(Dispatcher dispatcher) {
    EmbeddedEstate estate = new EmbeddedEstate(dispatcher);
    estate.installCrds();
    List<Path> files = new ArrayList<>(yamlFiles(dir("samples")));
    files.add(dir("samples").resolve("simulation/cloud-nodes.yaml"));
    estate.apply(files);
    return estate;
  }

  public static Path dir(String name) {
    Path fromModule = Path.of("..", name);
    return Files.isDirectory(fromModule) ? fromModule : Path.of(name);
  }

  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The operator's cluster. */
  public KubernetesClient client() {
    return client;
  }

  public KubernetesMockServer server() {
    return server;
  }

  /** The remote cluster behind a kubeconfig Secret of the operator's namespace, by Secret name. */
  public KubernetesClient remote(String secretName) {
    return remoteClients.get(secretName);
  }

  public KubernetesMockServer remoteServer(String secretName) {
    return remoteServers.get(secretName);
  }

  public void installCrds() {
    for (Path file : yamlFiles(dir("crds"))) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
  }

  /**
   * Creates the objects of {@code files} in file order. Nodes go to the cluster of the pool that
   * selects them: a pool reading a remote cluster gets a remote embedded API server, its kubeconfig
   * Secret and the Nodes it selects.
   */
  public void apply(List<Path> files) {
    List<HasMetadata> items = new ArrayList<>();
    for (Path f : files) {
      try (InputStream in = new FileInputStream(f.toFile())) {
        items.addAll(client.load(in).items());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (HasMetadata item : items) {
      if (!(item instanceof Node)) {
        client.resource(item).create();
      }
    }
    List<ResourcePool> pools = client.resources(ResourcePool.class).list().getItems();
    for (HasMetadata item : items) {
      if (item instanceof Node node) {
        clusterOf(node, pools).resource(node).create();
      }
    }
  }

  private KubernetesClient clusterOf(Node node, List<ResourcePool> pools) {
    Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    for (ResourcePool pool : pools) {
      var k8s = pool.getSpec().source().kubernetes();
      if (k8s != null && k8s.kubeconfigSecretRef() != null && Selectors.matches(k8s.nodeSelector(), labels)) {
        return remoteCluster(k8s.kubeconfigSecretRef().name(), k8s.kubeconfigSecretRef().keyOrDefault());
      }
    }
    return client;
  }

  private KubernetesClient remoteCluster(String secretName, String key) {
    return remoteClients.computeIfAbsent(secretName, name -> {
      KubernetesMockServer remote =
          new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
      remote.init();
      remoteServers.put(name, remote);
      KubernetesClient remoteClient = remote.createClient(new JdkHttpClientFactory());
      if (client.namespaces().withName(OPERATOR_NAMESPACE).get() == null) {
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
            .withName(OPERATOR_NAMESPACE).endMetadata().build()).create();
      }
      client.secrets().inNamespace(OPERATOR_NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName(name)
          .withNamespace(OPERATOR_NAMESPACE).endMetadata().addToStringData(key, kubeconfig(remoteClient)).build()).create();
      return remoteClient;
    });
  }

  /** A kubeconfig reaching an embedded API server. */
  public static String kubeconfig(KubernetesClient target) {
    return io.poolbridge.embedded.EmbeddedApiServer.kubeconfig(target.getConfiguration().getMasterUrl());
  }

  @Override
  public void close() {
    remoteClients.values().forEach(KubernetesClient::close);
    remoteServers.values().forEach(KubernetesMockServer::destroy);
    client.close();
    server.destroy();
  }
}
