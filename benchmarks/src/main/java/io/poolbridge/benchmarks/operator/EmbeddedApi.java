package io.poolbridge.benchmarks.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The embedded Kubernetes API of the operator's tests (Fabric8's mock server in CRUD mode, in this
 * JVM), with a dispatcher that counts every request by client (User-Agent), kind of request and
 * resource. Clients made by {@link #client(String)} name themselves in the User-Agent, so the
 * operator's requests are told apart from the harness's.
 */
final class EmbeddedApi implements AutoCloseable {
  /** A request, as counted: who sent it, what kind of request it is, on which resource. */
  record Key(String agent, String category, String resource) {}

  private final CountingDispatcher dispatcher;
  private final KubernetesMockServer server;
  private final Config base;

  /**
   * @param indexed whether lookups of one object by name go through an index (the mock scans every
   *     stored object for each of them)
   */
  EmbeddedApi(boolean indexed) {
    dispatcher = new CountingDispatcher(indexed);
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    try (KubernetesClient c = server.createClient(new JdkHttpClientFactory())) {
      base = c.getConfiguration();
    }
  }

  /** A client of the embedded API that sends {@code agent} as its User-Agent. */
  KubernetesClient client(String agent) {
    Config config = new ConfigBuilder(base).withUserAgent(agent).withRequestTimeout(60_000).build();
    return new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory()).withConfig(config).build();
  }

  void installCrds(KubernetesClient client) throws IOException {
    Path dir = Files.isDirectory(Path.of("crds")) ? Path.of("crds") : Path.of("..", "crds");
    try (Stream<Path> crds = Files.list(dir)) {
      for (Path file : crds.sorted().toList()) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      }
    }
  }

  /** The requests counted so far, by client, category and resource. */
  Map<Key, Long> counts() {
    Map<Key, Long> out = new TreeMap<>(java.util.Comparator.comparing(Key::agent).thenComparing(Key::category)
        .thenComparing(Key::resource));
    dispatcher.counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public void close() {
    server.destroy();
  }

  /** The CRUD dispatcher, counting. */
  static final class CountingDispatcher extends KubernetesCrudDispatcher {
    final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final boolean indexed;
    private final Map<io.fabric8.mockwebserver.crud.Attribute, java.util.Set<AttributeSet>> byName = new HashMap<>();

    CountingDispatcher(boolean indexed) {
      this.indexed = indexed;
      if (indexed) {
        // The store is a synchronized LinkedHashMap written only by put and remove: the same, with an
        // index of its keys by name kept on every put and remove.
        try {
          java.lang.reflect.Field store = io.fabric8.mockwebserver.crud.CrudDispatcher.class.getDeclaredField("map");
          store.setAccessible(true);
          store.set(this, java.util.Collections.synchronizedMap(new IndexedStore()));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("the mock server's store is not what this harness expects", e);
        }
      }
    }

    /** The mock's store, indexed by the {@code name} attribute of its keys. */
    private final class IndexedStore extends java.util.LinkedHashMap<AttributeSet, String> {
      @Override
      public String put(AttributeSet key, String value) {
        var name = key.getAttribute("name");
        if (name != null) {
          byName.computeIfAbsent(name, n -> new java.util.LinkedHashSet<>()).add(key);
        }
        return super.put(key, value);
      }

      @Override
      public String remove(Object key) {
        String removed = super.remove(key);
        if (removed != null && key instanceof AttributeSet k && k.getAttribute("name") != null) {
          var keys = byName.get(k.getAttribute("name"));
          if (keys != null) {
            keys.remove(k);
            if (keys.isEmpty()) {
              byName.remove(k.getAttribute("name"));
            }
          }
        }
        return removed;
      }
    }

    /**
     * The mock finds the object a request names by testing every stored object against the
     * request's attributes (O(objects) per create, get, update, patch and delete). With the index,
     * only the stored objects of the same name are tested.
     */
    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
      var name = query.getAttribute("name");
      if (!indexed || name == null) {
        return super.findResource(query);
      }
      synchronized (map) {
        for (AttributeSet key : byName.getOrDefault(name, java.util.Set.of())) {
          if (key.matches(query)) {
            return Map.entry(key, map.get(key));
          }
        }
        return null;
      }
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String agent = request.getHeader("User-Agent");
      String[] cr = classify(request.getMethod(), request.getPath());
      counts.computeIfAbsent(new Key(agent == null ? "?" : agent, cr[0], cr[1]), k -> new LongAdder()).increment();
      return super.dispatch(request);
    }
  }

  /** {category, resource} of a request: watch, list, get, status write, create, update, patch, delete. */
  static String[] classify(String method, String fullPath) {
    int q = fullPath.indexOf('?');
    String path = q < 0 ? fullPath : fullPath.substring(0, q);
    String query = q < 0 ? "" : fullPath.substring(q + 1);
    String[] s = path.replaceAll("^/+", "").split("/");
    int i;
    if (s.length > 0 && s[0].equals("api")) {
      i = 2;
    } else if (s.length > 0 && s[0].equals("apis")) {
      i = 3;
    } else {
      return new String[] {method.toLowerCase(java.util.Locale.ROOT), path};
    }
    if (s.length > i + 2 && s[i].equals("namespaces")) {
      i += 2;
    }
    String resource = i < s.length ? s[i] : "?";
    boolean named = s.length > i + 1;
    boolean subresource = s.length > i + 2;
    String category = switch (method) {
      case "GET" -> query.contains("watch=true") || query.contains("watch=1") ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> subresource && s[i + 2].equals("status") ? "status write" : "update";
      case "PATCH" -> subresource && s[i + 2].equals("status") ? "status write" : "patch";
      case "DELETE" -> "delete";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
    return new String[] {category, resource};
  }
}
