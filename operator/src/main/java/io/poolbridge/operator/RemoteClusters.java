package io.poolbridge.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.SecretKeyRef;
import io.poolbridge.estate.Estate;
import io.poolbridge.materialize.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote clusters pools read Nodes from: one client, one Node informer and one informer on the
 * Pods the operator made there (labelled {@code app.kubernetes.io/managed-by=poolbridge}, as in
 * the operator's own cluster) per kubeconfig Secret, shared by every pool that names it, connected
 * in the background so an unreachable
 * cluster never holds up the allocation loop. A missing Secret, a missing key, a kubeconfig that
 * does not parse or an API server that does not answer is a {@link Health} the pool's status
 * shows; the connection is tried again every {@code retry} until it works. Clusters no pool names
 * any more are closed.
 */
public final class RemoteClusters implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteClusters.class);

  /** A kubeconfig Secret's key, with the defaults applied. */
  public record Ref(String namespace, String name, String key) {
    @Override
    public String toString() {
      return namespace + "/" + name + "[" + key + "]";
    }
  }

  /** Whether a remote cluster can be read, and why not. */
  public record Health(boolean reachable, String reason, String message) {
    static final Health CONNECTING = new Health(false, "Connecting", "connecting to the cluster");
    static final Health REACHABLE = new Health(true, "Reachable", "the cluster's Nodes and Pods are watched");
  }

  private final class Remote {
    final Ref ref;
    volatile Health health = Health.CONNECTING;
    volatile KubernetesClient client;
    volatile SharedIndexInformer<Node> nodes;
    volatile SharedIndexInformer<Pod> pods;
    volatile Instant nextTry = Instant.MIN;
    volatile boolean connecting;
    volatile String kubeconfig;

    Remote(Ref ref) {
      this.ref = ref;
    }

    void close() {
      if (nodes != null) {
        nodes.close();
      }
      if (pods != null) {
        pods.close();
      }
      if (client != null) {
        client.close();
      }
    }
  }

  private final KubernetesClient local;
  private final String defaultNamespace;
  private final Consumer<Change> changes;
  private final Clock clock;
  private final Duration retry;
  private final Map<Ref, Remote> remotes = new ConcurrentHashMap<>();
  /** What hears the Pods of each cluster (the {@link EstateCache}); null: nothing. */
  private volatile Function<Ref, ResourceEventHandler<Pod>> podHandlers;
  private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "poolbridge-remote-clusters");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param local the client of the operator's own cluster (where the Secrets are)
   * @param defaultNamespace the namespace of a Secret reference without one: the operator's
   * @param changes told when a remote cluster's Nodes or health change
   */
  public RemoteClusters(KubernetesClient local, String defaultNamespace, Consumer<Change> changes, Clock clock, Duration retry) {
    this.local = local;
    this.defaultNamespace = defaultNamespace;
    this.changes = changes;
    this.clock = clock;
    this.retry = retry;
    connector.scheduleWithFixedDelay(this::retryFailed, retry.toMillis(), retry.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The remote cluster a pool reads its Nodes from, or null for the operator's own cluster (or a static pool). */
  public Ref refOf(ResourcePool pool) {
    var source = pool.getSpec().source();
    if (source == null || source.kubernetes() == null || source.kubernetes().kubeconfigSecretRef() == null) {
      return null;
    }
    SecretKeyRef ref = source.kubernetes().kubeconfigSecretRef();
    return new Ref(ref.namespace() == null || ref.namespace().isEmpty() ? defaultNamespace : ref.namespace(), ref.name(),
        ref.keyOrDefault());
  }

  /**
   * Who hears the Pods the operator made in each remote cluster (added, changed, deleted), from the
   * informers' threads: given before the first cluster connects.
   */
  void onPods(Function<Ref, ResourceEventHandler<Pod>> handlers) {
    this.podHandlers = handlers;
  }

  /** Connects to every cluster in {@code wanted} not connected yet (in the background) and closes the others. */
  public void use(Set<Ref> wanted) {
    for (Ref ref : wanted) {
      remotes.computeIfAbsent(ref, r -> {
        Remote remote = new Remote(r);
        connector.execute(() -> connect(remote));
        return remote;
      });
    }
    for (Ref ref : List.copyOf(remotes.keySet())) {
      if (!wanted.contains(ref)) {
        Remote gone = remotes.remove(ref);
        if (gone != null) {
          connector.execute(gone::close);
        }
      }
    }
  }

  /**
   * Waits until every cluster in use has been tried once (reached, or found unreachable), at most
   * {@code timeout}: the engine is built from every cluster that answers, not from whichever
   * answered first.
   */
  public void awaitFirstAttempts(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline
        && remotes.values().stream().anyMatch(r -> r.health == Health.CONNECTING)) {
      Thread.sleep(20);
    }
  }

  /** The Nodes of a remote cluster; empty while it cannot be read. */
  public Collection<Node> nodes(Ref ref) {
    Remote remote = remotes.get(ref);
    if (remote == null || remote.nodes == null || !remote.health.reachable()) {
      return List.of();
    }
    return remote.nodes.getStore().list();
  }

  /**
   * The Pod {@code namespace/name} the operator made in a remote cluster, or null (none, or the
   * cluster cannot be read: see {@link #podsWatched}).
   */
  public Pod pod(Ref ref, String namespace, String name) {
    Remote remote = remotes.get(ref);
    SharedIndexInformer<Pod> informer = remote == null || !remote.health.reachable() ? null : remote.pods;
    return informer == null ? null : informer.getStore().getByKey(namespace + "/" + name);
  }

  /** Whether the Pods of a remote cluster are known: it was reached and its Pods listed. */
  public boolean podsWatched(Ref ref) {
    Remote remote = remotes.get(ref);
    return remote != null && remote.health.reachable() && remote.pods != null;
  }

  /** Whether a remote cluster can be read. */
  public Health health(Ref ref) {
    Remote remote = remotes.get(ref);
    return remote == null ? Health.CONNECTING : remote.health;
  }

  /** The client of a remote cluster (to make Pods there), or null while it cannot be reached. */
  public KubernetesClient client(Ref ref) {
    Remote remote = remotes.get(ref);
    return remote == null || !remote.health.reachable() ? null : remote.client;
  }

  private void retryFailed() {
    Instant now = clock.instant();
    for (Remote remote : remotes.values()) {
      boolean failed = !remote.health.reachable() || remote.nodes == null || !remote.nodes.isWatching()
          || remote.pods == null || !remote.pods.isWatching();
      if (failed && !remote.connecting && !now.isBefore(remote.nextTry)) {
        connect(remote);
      }
    }
  }

  private void connect(Remote remote) {
    if (remotes.get(remote.ref) != remote) {
      return;
    }
    remote.connecting = true;
    try {
      Health before = remote.health;
      remote.health = tryConnect(remote);
      if (!remote.health.equals(before)) {
        LOG.info("remote cluster {}: {} ({})", remote.ref, remote.health.reason(), remote.health.message());
        changes.accept(new Change(Change.Kind.NODE, "cluster:" + remote.ref));
      }
    } finally {
      remote.nextTry = clock.instant().plus(retry);
      remote.connecting = false;
    }
  }

  private Health tryConnect(Remote remote) {
    Ref ref = remote.ref;
    Secret secret;
    try {
      secret = local.secrets().inNamespace(ref.namespace()).withName(ref.name()).get();
    } catch (RuntimeException e) {
      return new Health(false, "SecretUnreadable", "Secret " + ref.namespace() + "/" + ref.name() + " could not be read: " + e.getMessage());
    }
    if (secret == null) {
      return new Health(false, "SecretNotFound", "Secret " + ref.namespace() + "/" + ref.name() + " does not exist");
    }
    String encoded = secret.getData() == null ? null : secret.getData().get(ref.key());
    String plain = secret.getStringData() == null ? null : secret.getStringData().get(ref.key());
    if (encoded == null && plain == null) {
      return new Health(false, "KeyNotFound", "Secret " + ref.namespace() + "/" + ref.name() + " has no key " + ref.key());
    }
    String kubeconfig;
    try {
      kubeconfig = plain != null ? plain : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new Health(false, "InvalidKubeconfig", "key " + ref.key() + " of Secret " + ref.namespace() + "/" + ref.name()
          + " is not base64");
    }
    if (remote.client != null && remote.nodes != null && remote.nodes.isWatching() && remote.pods != null
        && remote.pods.isWatching() && kubeconfig.equals(remote.kubeconfig)) {
      return Health.REACHABLE;
    }
    remote.close();
    remote.client = null;
    remote.nodes = null;
    remote.pods = null;
    KubernetesClient client;
    try {
      Config config = Config.fromKubeconfig(kubeconfig);
      config.setConnectionTimeout(5_000);
      config.setRequestTimeout(10_000);
      client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    } catch (RuntimeException e) {
      return new Health(false, "InvalidKubeconfig", "key " + ref.key() + " of Secret " + ref.namespace() + "/" + ref.name()
          + " is not a usable kubeconfig: " + firstLine(e.getMessage()));
    }
    SharedIndexInformer<Node> informer = client.nodes().runnableInformer(0);
    String key = "cluster:" + ref;
    informer.addEventHandler(new ResourceEventHandler<Node>() {
      @Override
      public void onAdd(Node obj) {
        changes.accept(new Change(Change.Kind.NODE, key));
      }

      @Override
      public void onUpdate(Node before, Node after) {
        if (!Estate.kubernetesNode(before).equals(Estate.kubernetesNode(after))) {
          changes.accept(new Change(Change.Kind.NODE, key));
        }
      }

      @Override
      public void onDelete(Node obj, boolean unknown) {
        changes.accept(new Change(Change.Kind.NODE, key));
      }
    });
    // The Pods the operator made there, selected as in its own cluster; their events go where the
    // operator's own Pods' go.
    SharedIndexInformer<Pod> pods = client.pods().inAnyNamespace().withLabel(Keys.MANAGED_BY, Keys.MANAGER).runnableInformer(0);
    Function<Ref, ResourceEventHandler<Pod>> handlers = podHandlers;
    if (handlers != null) {
      pods.addEventHandler(handlers.apply(ref));
    }
    try {
      informer.start().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      informer.close();
      pods.close();
      client.close();
      return new Health(false, "Unreachable", "the cluster's API server did not answer: " + causeOf(e));
    }
    try {
      pods.start().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      informer.close();
      pods.close();
      client.close();
      return new Health(false, "Unreachable", "the cluster's Pods cannot be watched: " + causeOf(e));
    }
    remote.client = client;
    remote.nodes = informer;
    remote.pods = pods;
    remote.kubeconfig = kubeconfig;
    return Health.REACHABLE;
  }

  private static String causeOf(Exception e) {
    Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
    return firstLine(Objects.requireNonNullElse(cause.getMessage(), cause.getClass().getSimpleName()));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void close() {
    connector.shutdownNow();
    remotes.values().forEach(Remote::close);
    remotes.clear();
  }
}
