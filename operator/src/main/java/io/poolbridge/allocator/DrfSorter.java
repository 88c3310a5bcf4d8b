package io.poolbridge.allocator;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;

/**
 * Hierarchical weighted Dominant Resource Fairness.
 *
 * <p>A node's share is the largest fraction of the totals it holds of any resource (resources
 * excluded from fairness do not count); its weighted share is share / weight. Siblings are ordered
 * by weighted share, compared exactly (the share as a fraction of longs, the weight as the decimal
 * it was written as: 0.3 with weight 3 ties with 0.1 with weight 1), then by fewer allocations,
 * then by name, and {@link #sort()} walks the tree in
 * that order, depth first, yielding active clients. An inner node's share counts everything
 * allocated under it.
 *
 * <p>The allocation count only grows (as Mesos' {@code count}): releasing resources does not give a
 * client its turn back, so clients of equal share take turns rather than the first name winning
 * every tie.
 *
 * <p>Every node keeps its children in a sorted set; an allocation re-positions the client and its
 * ancestors only (O(depth · log siblings)), so nothing is re-sorted from scratch except when the
 * totals change, which changes every share.
 */
public final class DrfSorter implements Sorter {
  private static final String SELF = ".";

  /**
   * Lower weighted share first, then fewer allocations, then path. Written out rather than chained
   * from key extractors: every allocation runs it O(log siblings) times per tree level. Weighted
   * shares are compared exactly (see {@link #compareWeightedShares}), so equal ones tie.
   */
  private static final Comparator<Node> ORDER =
      (a, b) -> {
        int c = compareWeightedShares(a, b);
        if (c != 0) {
          return c;
        }
        c = Long.compare(a.allocations, b.allocations);
        return c != 0 ? c : a.path.compareTo(b.path);
      };

  private ResourceSchema schema;
  private final Node root;
  /** Clients by name: the node that holds a client's own allocation. */
  private final Map<String, Node> clients = new HashMap<>();
  /** Inner and leaf nodes by path. */
  private final Map<String, Node> nodes = new HashMap<>();
  private final Map<String, Double> weights = new HashMap<>();
  private long[] total;
  /** Whether the totals changed since the shares and orders were last computed (see updateTotal). */
  private boolean stale;

  public DrfSorter(ResourceSchema schema) {
    this.schema = schema;
    this.root = new Node("", null, schema.size());
    this.total = new long[schema.size()];
  }

  private static final class Node {
    final String path;
    final Node parent;
    long[] allocation;
    /** Children by their last path segment ("." for a client's own leaf under an inner node). */
    Map<String, Node> children;
    TreeSet<Node> ordered;
    String client;
    boolean active;
    boolean inOrder;
    /** How many allocations were ever made to the node: the tie-breaker between equal shares. */
    long allocations;
    double weight = 1.0;
    /** The dominant share as an exact fraction: shareNum / shareDen (0 / 1 when nothing is held). */
    long shareNum;
    long shareDen = 1;
    double share;
    double weightedShare;

    Node(String path, Node parent, int size) {
      this.path = path;
      this.parent = parent;
      this.allocation = new long[size];
    }

    boolean isLeaf() {
      return children == null || children.isEmpty();
    }
  }

  @Override
  public void add(String client) {
    refresh();
    if (clients.containsKey(client)) {
      throw new IllegalArgumentException("client " + client + " already added");
    }
    Node node = nodes.get(client);
    if (node != null && !node.isLeaf()) {
      // An inner node that becomes a client too: its own allocation lives in a "." child.
      node = child(node, SELF, client + "/" + SELF);
    } else if (node == null) {
      node = ensurePath(client);
    }
    node.client = client;
    node.active = true;
    node.weight = weights.getOrDefault(client, 1.0);
    clients.put(client, node);
    reposition(node);
  }

  /** Creates the nodes of {@code path}, turning a client leaf met on the way into an inner node. */
  private Node ensurePath(String path) {
    Node node = root;
    int start = 0;
    while (start <= path.length()) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      String segment = path.substring(start, end);
      String prefix = path.substring(0, end);
      if (node.client != null && node != root) {
        demoteClient(node);
      }
      node = child(node, segment, prefix);
      start = end + 1;
      if (slash < 0) {
        break;
      }
    }
    return node;
  }

  /** Moves the client held by leaf {@code node} into a "." child so that the node can have children. */
  private void demoteClient(Node node) {
    String client = node.client;
    boolean active = node.active;
    long[] own = node.allocation.clone();
    long allocations = node.allocations;
    node.client = null;
    node.active = false;
    Node self = child(node, SELF, client + "/" + SELF);
    self.client = client;
    self.active = active;
    self.weight = node.weight;
    System.arraycopy(own, 0, self.allocation, 0, own.length);
    self.allocations = allocations;
    clients.put(client, self);
    updateShare(self);
    reposition(self);
  }

  private Node child(Node parent, String segment, String path) {
    if (parent.children == null) {
      parent.children = new HashMap<>();
      parent.ordered = new TreeSet<>(ORDER);
    }
    Node existing = parent.children.get(segment);
    if (existing != null) {
      return existing;
    }
    Node node = new Node(path, parent, schema.size());
    node.weight = weights.getOrDefault(SELF.equals(segment) ? parent.path : path, 1.0);
    parent.children.put(segment, node);
    if (!SELF.equals(segment)) {
      nodes.put(path, node);
    }
    node.inOrder = true;
    parent.ordered.add(node);
    return node;
  }

  @Override
  public void remove(String client) {
    refresh();
    Node node = require(client);
    unallocatedInternal(node, node.allocation.clone());
    clients.remove(client);
    node.client = null;
    node.active = false;
    // Prune nodes that hold no client and no children.
    Node n = node;
    while (n != root && n.client == null && n.isLeaf()) {
      Node parent = n.parent;
      if (n.inOrder) {
        parent.ordered.remove(n);
      }
      parent.children.values().remove(n);
      nodes.remove(n.path, n);
      n = parent;
    }
  }

  @Override
  public void activate(String client) {
    Node node = require(client);
    if (!node.active) {
      node.active = true;
    }
  }

  @Override
  public void deactivate(String client) {
    require(client).active = false;
  }

  @Override
  public void updateWeight(String path, double weight) {
    refresh();
    if (!(weight > 0)) {
      throw new IllegalArgumentException("weight must be positive: " + weight);
    }
    weights.put(path, weight);
    Node node = nodes.get(path);
    if (node != null) {
      setWeight(node, weight);
      Node self = node.children == null ? null : node.children.get(SELF);
      if (self != null) {
        setWeight(self, weight);
      }
    }
  }

  @Override
  public void clearWeight(String path) {
    refresh();
    if (weights.remove(path) != null) {
      Node node = nodes.get(path);
      if (node != null) {
        setWeight(node, 1.0);
        Node self = node.children == null ? null : node.children.get(SELF);
        if (self != null) {
          setWeight(self, 1.0);
        }
      }
    }
  }

  private void setWeight(Node node, double weight) {
    detach(node);
    node.weight = weight;
    updateShare(node);
    attach(node);
  }

  @Override
  public void allocated(String client, long[] resources) {
    refresh();
    Node node = require(client);
    for (Node n = node; n != root; n = n.parent) {
      detach(n);
      Vec.add(n.allocation, resources);
      n.allocations++;
      updateShare(n);
      attach(n);
    }
    Vec.add(root.allocation, resources);
  }

  @Override
  public void unallocated(String client, long[] resources) {
    refresh();
    unallocatedInternal(require(client), resources);
  }

  private void unallocatedInternal(Node node, long[] resources) {
    for (Node n = node; n != root; n = n.parent) {
      detach(n);
      Vec.subtractClamped(n.allocation, resources);
      updateShare(n);
      attach(n);
    }
    Vec.subtractClamped(root.allocation, resources);
  }

  @Override
  public void extendSchema(ResourceSchema wider) {
    if (!schema.isPrefixOf(wider)) {
      throw new IllegalArgumentException("schema " + wider + " does not extend " + schema);
    }
    schema = wider;
    int size = wider.size();
    total = Vec.widen(total, size);
    widen(root, size);
  }

  private void widen(Node node, int size) {
    node.allocation = Vec.widen(node.allocation, size);
    if (node.children != null) {
      for (Node child : node.children.values()) {
        widen(child, size);
      }
    }
  }

  @Override
  public void updateTotal(long[] total) {
    this.total = total.clone();
    // Every share changes. Re-sort once, before the next call that reads or moves shares, so that
    // adding agents in a row (an operator rebuilding its state) costs one rebuild, not one each.
    stale = true;
  }

  /** Recomputes every share and order after the totals changed; the result is the same as eager. */
  private void refresh() {
    if (stale) {
      stale = false;
      rebuild(root);
    }
  }

  private void rebuild(Node node) {
    if (node.children == null) {
      return;
    }
    TreeSet<Node> ordered = new TreeSet<>(ORDER);
    for (Node child : node.children.values()) {
      updateShare(child);
      rebuild(child);
      ordered.add(child);
    }
    node.ordered = ordered;
  }

  @Override
  public Iterable<String> sort() {
    refresh();
    return () -> new InOrder(root);
  }

  /**
   * The same walk as {@link #sort()}, over the ancestors of {@code subset}'s clients only: at each
   * node its marked children sorted by the order its sorted set keeps them in. O(k · depth · log k)
   * for k clients, instead of a visit of every node.
   */
  @Override
  public List<String> sort(Set<String> subset) {
    refresh();
    Map<Node, List<Node>> marked = new HashMap<>();
    Set<Node> seen = new HashSet<>();
    for (String client : subset) {
      Node node = clients.get(client);
      if (node == null || !node.active) {
        continue;
      }
      for (Node n = node; n != root && seen.add(n); n = n.parent) {
        marked.computeIfAbsent(n.parent, k -> new ArrayList<>()).add(n);
      }
    }
    List<String> sorted = new ArrayList<>();
    walk(root, marked, sorted);
    return sorted;
  }

  private static void walk(Node node, Map<Node, List<Node>> marked, List<String> sorted) {
    List<Node> children = marked.get(node);
    if (children == null) {
      return;
    }
    children.sort(ORDER);
    for (Node n : children) {
      if (!n.inOrder) {
        continue;
      }
      if (n.isLeaf()) {
        if (n.active && n.client != null) {
          sorted.add(n.client);
        }
      } else {
        walk(n, marked, sorted);
      }
    }
  }

  /** Depth-first walk over the sorted children, yielding active clients. */
  private static final class InOrder implements Iterator<String> {
    private final ArrayDeque<Iterator<Node>> stack = new ArrayDeque<>();
    private String next;

    InOrder(Node root) {
      if (root.ordered != null) {
        stack.push(root.ordered.iterator());
      }
      advance();
    }

    private void advance() {
      next = null;
      while (!stack.isEmpty()) {
        Iterator<Node> top = stack.peek();
        if (!top.hasNext()) {
          stack.pop();
          continue;
        }
        Node n = top.next();
        if (n.isLeaf()) {
          if (n.active && n.client != null) {
            next = n.client;
            return;
          }
        } else {
          stack.push(n.ordered.iterator());
        }
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public String next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      String result = next;
      advance();
      return result;
    }
  }

  @Override
  public double share(String path) {
    refresh();
    return find(path).share;
  }

  @Override
  public double weightedShare(String path) {
    refresh();
    return find(path).weightedShare;
  }

  /** A client's node, or an inner node for a path that is not a client. */
  private Node find(String path) {
    Node node = nodes.get(path);
    if (node == null) {
      node = clients.get(path);
    }
    if (node == null) {
      throw new IllegalArgumentException("unknown client or path " + path);
    }
    return node;
  }

  private Node require(String client) {
    Node node = clients.get(client);
    if (node == null) {
      throw new IllegalArgumentException("unknown client " + client);
    }
    return node;
  }

  private void detach(Node n) {
    if (n.inOrder) {
      n.parent.ordered.remove(n);
      n.inOrder = false;
    }
  }

  private void attach(Node n) {
    if (!n.inOrder) {
      n.parent.ordered.add(n);
      n.inOrder = true;
    }
  }

  private void reposition(Node n) {
    detach(n);
    updateShare(n);
    attach(n);
  }

  private void updateShare(Node n) {
    long num = 0;
    long den = 1;
    for (int i = 0; i < total.length; i++) {
      if (total[i] > 0 && !schema.fairnessExcluded(i) && compareFractions(n.allocation[i], total[i], num, den) > 0) {
        num = n.allocation[i];
        den = total[i];
      }
    }
    n.shareNum = num;
    n.shareDen = den;
    n.share = (double) num / den;
    n.weightedShare = n.share / n.weight;
  }

  /** Compares a / b with c / d for a, c ≥ 0 and b, d > 0, exactly (128-bit cross products). */
  static int compareFractions(long a, long b, long c, long d) {
    long hi1 = Math.multiplyHigh(a, d);
    long hi2 = Math.multiplyHigh(c, b);
    if (hi1 != hi2) {
      return Long.compare(hi1, hi2);
    }
    return Long.compareUnsigned(a * d, c * b);
  }

  /**
   * Compares weighted shares exactly: share / weight with the share the fraction of longs it is and
   * the weight the decimal it was written as ({@link BigDecimal#valueOf(double)}), so that 0.3 with
   * weight 3 equals 0.1 with weight 1 (their doubles differ in the last bit). Doubles decide when
   * they differ by far more than their rounding error; only near-ties are computed exactly.
   */
  private static int compareWeightedShares(Node a, Node b) {
    double x = a.weightedShare;
    double y = b.weightedShare;
    double larger = Math.max(x, y);
    if (larger >= 1e-200 && Math.abs(x - y) > 1e-12 * larger) {
      return Double.compare(x, y);
    }
    if (a.shareNum == 0 || b.shareNum == 0) {
      return Boolean.compare(a.shareNum != 0, b.shareNum != 0);
    }
    if (a.weight == b.weight) {
      // Equal weights cancel: the shares' fractions decide, exactly, without BigDecimal (near-ties
      // are common: frameworks holding the same amounts).
      return compareFractions(a.shareNum, a.shareDen, b.shareNum, b.shareDen);
    }
    // a.num / (a.den * a.w) vs b.num / (b.den * b.w)  <=>  a.num * b.den * b.w vs b.num * a.den * a.w
    BigDecimal left = BigDecimal.valueOf(a.shareNum).multiply(BigDecimal.valueOf(b.shareDen)).multiply(BigDecimal.valueOf(b.weight));
    BigDecimal right = BigDecimal.valueOf(b.shareNum).multiply(BigDecimal.valueOf(a.shareDen)).multiply(BigDecimal.valueOf(a.weight));
    return left.compareTo(right);
  }
}
