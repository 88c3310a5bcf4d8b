package io.poolbridge.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The static cost the API server estimates for a validation rule when a CRD is written, which it
 * refuses above 10,000,000 per rule (times the number of times the rule can run) and 100,000,000 per
 * CRD. A port of cel-go's checker cost estimator (v0.26, Kubernetes 1.34+) with the Kubernetes size
 * estimator (sizes from maxLength, maxItems, maxProperties, or from the 3 MiB request limit when
 * unbounded) and the Kubernetes library costs (1.32+: {@code quantity()} and {@code isQuantity()}
 * cost a tenth of their argument's size). It covers the functions our rules use and fails on any
 * other, so that it never silently under-estimates.
 *
 * <p>Only upper bounds are tracked, saturating at {@link Long#MAX_VALUE} as cel-go saturates at
 * 2^64-1.
 */
final class CelCostEstimator {
  static final long PER_RULE_LIMIT = 10_000_000L;
  static final long PER_CRD_LIMIT = 100_000_000L;

  private static final long MAX_REQUEST_BYTES = 3 * 1024 * 1024;
  private static final long UNKNOWN = Long.MAX_VALUE;
  private static final Set<String> ACCUMULATORS = Set.of("@result", "__result__", "@__result__");

  private final JsonNode root;
  private final CelAbstractSyntaxTree ast;
  private final Map<Long, List<String>> paths = new HashMap<>();
  private final Map<Long, Long> sizes = new HashMap<>();
  private final Map<String, Deque<LocalVar>> locals = new HashMap<>();

  private record LocalVar(List<String> path, Long size) {}

  private CelCostEstimator(JsonNode root, CelAbstractSyntaxTree ast) {
    this.root = root;
    this.ast = ast;
  }

  /** The estimated maximum cost of one evaluation of {@code ast}, a rule on schema node {@code node}. */
  static long estimate(JsonNode node, CelAbstractSyntaxTree ast) {
    return new CelCostEstimator(node, ast).cost(ast.getExpr());
  }

  /**
   * How many times a rule on a node can run: the product of maxItems / maxProperties of the lists
   * and maps above it ({@code path} lists the schema nodes from the root down to, excluding, the
   * rule's node), or the API server's estimate from the node's minimum size when one is unbounded.
   */
  static long cardinality(List<JsonNode> ancestors, JsonNode node) {
    long cardinality = 1;
    for (JsonNode ancestor : ancestors) {
      String type = ancestor.path("type").asText();
      String bound = type.equals("array") ? "maxItems" : type.equals("object") && ancestor.path("additionalProperties").isObject() ? "maxProperties" : null;
      if (bound != null) {
        if (!ancestor.has(bound)) {
          return MAX_REQUEST_BYTES / (minSize(node) + 1);
        }
        cardinality = multiply(cardinality, ancestor.get(bound).asLong());
      }
    }
    return cardinality;
  }

  // ---- expressions ----------------------------------------------------------------------------

  private long cost(CelExpr e) {
    return switch (e.getKind()) {
      case CONSTANT -> 0;
      case IDENT -> {
        LocalVar local = peek(e.ident().name());
        paths.put(e.id(), local != null ? local.path() : List.of(e.ident().name()));
        yield 1;
      }
      case SELECT -> {
        CelExpr operand = e.select().operand();
        if (e.select().testOnly()) {
          yield cost(operand); // Kubernetes makes presence tests free
        }
        long sum = cost(operand);
        CelKind kind = type(operand).kind();
        if (kind == CelKind.MAP || kind == CelKind.STRUCT || kind == CelKind.TYPE_PARAM) {
          sum = add(sum, 1);
        }
        paths.put(e.id(), append(path(operand), e.select().field()));
        yield sum;
      }
      case CALL -> costCall(e);
      case LIST -> {
        long sum = 10;
        for (CelExpr element : e.list().elements()) {
          sum = add(sum, cost(element));
        }
        yield sum;
      }
      case MAP -> {
        long sum = 30;
        for (CelExpr.CelMap.Entry entry : e.map().entries()) {
          sum = add(sum, add(cost(entry.key()), cost(entry.value())));
        }
        yield sum;
      }
      case COMPREHENSION -> costComprehension(e);
      default -> throw new IllegalStateException("cannot estimate " + e);
    };
  }

  private long costComprehension(CelExpr e) {
    CelExpr.CelComprehension c = e.comprehension();
    if (!c.iterVar2().isEmpty()) {
      throw new IllegalStateException("two-variable comprehensions are not estimated: " + e);
    }
    long sum = add(cost(c.iterRange()), cost(c.accuInit()));
    push(c.accuVar(), new LocalVar(path(c.accuInit()), size(c.accuInit())));
    CelKind rangeKind = type(c.iterRange()).kind();
    push(c.iterVar(), new LocalVar(append(path(c.iterRange()), rangeKind == CelKind.LIST ? "@items" : "@keys"), null));
    long loop = cost(c.loopCondition());
    long step = cost(c.loopStep());
    pop(c.iterVar());
    sum = add(sum, cost(c.result()));
    pop(c.accuVar());
    long range = sizeOrUnknown(c.iterRange());
    sum = add(sum, multiply(range, add(step, loop)));
    switch (c.accuInit().getKind()) {
      case CONSTANT -> sizes.put(e.id(), size(c.accuInit()));
      case LIST, MAP -> sizes.put(e.id(), range);
      default -> { }
    }
    return sum;
  }

  private long costCall(CelExpr e) {
    CelExpr.CelCall call = e.call();
    List<CelExpr> args = call.args();
    long[] argCosts = new long[args.size()];
    for (int i = 0; i < args.size(); i++) {
      argCosts[i] = cost(args.get(i));
    }
    List<String> overloads = ast.getReference(e.id()).map(r -> (List<String>) r.overloadIds()).orElse(List.of());
    if (overloads.isEmpty()) {
      return 0;
    }
    long sum = 0;
    CelExpr target = call.target().orElse(null);
    if (target != null) {
      sum = cost(target);
    }
    long fnCost = 0;
    Long resultSize = null;
    for (String overload : overloads) {
      Call estimate = functionCost(call.function(), overload, target, args, argCosts);
      fnCost = Math.max(fnCost, estimate.cost());
      if (estimate.resultSize() != null) {
        resultSize = resultSize == null ? estimate.resultSize() : Math.max(resultSize, estimate.resultSize());
      }
      if (overload.equals("index_list")) {
        paths.put(e.id(), append(path(args.get(0)), "@items"));
      } else if (overload.equals("index_map")) {
        paths.put(e.id(), append(path(args.get(0)), "@values"));
      }
    }
    if (resultSize == null) {
      resultSize = size(e);
    }
    if (resultSize != null) {
      sizes.put(e.id(), resultSize);
    }
    return add(sum, fnCost);
  }

  private record Call(long cost, Long resultSize) {}

  private Call functionCost(String function, String overload, CelExpr target, List<CelExpr> args, long[] argCosts) {
    long argSum = 0;
    for (long c : argCosts) {
      argSum = add(argSum, c);
    }
    switch (overload) {
      case "list_sets_contains_list", "list_sets_intersects_list", "list_sets_equivalent_list" -> {
        double factor = overload.equals("list_sets_equivalent_list") ? 2 : 1;
        return new Call(add(add(factor(multiply(sizeOrUnknown(args.get(0)), sizeOrUnknown(args.get(1))), factor), 1), argSum), null);
      }
      default -> { }
    }
    switch (function) { // the Kubernetes library (k8s.io/apiserver/pkg/cel/library/cost.go)
      case "quantity", "isQuantity" -> {
        return new Call(add(factor(sizeOrUnknown(args.get(0)), 0.1), argSum), null);
      }
      case "sign", "asInteger", "isInteger", "asApproximateFloat", "isGreaterThan", "isLessThan", "compareTo", "add", "sub" -> {
        if (overload.startsWith("quantity_")) {
          return new Call(add(1, argSum), null);
        }
      }
      default -> { }
    }
    switch (overload) { // cel-go's own
      case "bytes_to_string" -> {
        long size = sizeOrUnknown(args.get(0));
        return new Call(add(factor(size, 0.1), argSum), size);
      }
      case "string_to_bytes" -> {
        long size = sizeOrUnknown(args.get(0));
        return new Call(add(factor(size, 0.1), argSum), multiply(size, 4));
      }
      case "starts_with_string", "ends_with_string" -> {
        return new Call(add(factor(sizeOrUnknown(args.get(0)), 0.1), argSum), null);
      }
      case "in_list" -> {
        return new Call(add(sizeOrUnknown(args.get(1)), argSum), null);
      }
      case "matches_string" -> {
        long strCost = factor(add(sizeOrUnknown(target), 1), 0.1);
        long regexCost = factor(sizeOrUnknown(args.get(0)), 0.25);
        return new Call(add(multiply(strCost, regexCost), argSum), null);
      }
      case "contains_string" -> {
        return new Call(add(multiply(factor(sizeOrUnknown(target), 0.1), factor(sizeOrUnknown(args.get(0)), 0.1)), argSum), null);
      }
      case "logical_or", "logical_and" -> {
        return new Call(argSum, null);
      }
      case "conditional" -> {
        long size = Math.max(sizeOrUnknown(args.get(1)), sizeOrUnknown(args.get(2)));
        return new Call(add(argCosts[0], Math.max(argCosts[1], argCosts[2])), size);
      }
      case "add_string", "add_bytes", "add_list" -> {
        long size = add(sizeOrUnknown(args.get(0)), sizeOrUnknown(args.get(1)));
        return new Call(add(overload.equals("add_list") ? 1 : factor(size, 0.1), argSum), size);
      }
      case "less_string", "greater_string", "less_equals_string", "greater_equals_string",
          "less_bytes", "greater_bytes", "less_equals_bytes", "greater_equals_bytes", "equals", "not_equals" -> {
        long smallest = Math.min(sizeOrUnknown(args.get(0)), sizeOrUnknown(args.get(1)));
        return new Call(add(factor(smallest, 0.1), argSum), null);
      }
      default -> {
        if (function.startsWith("sets.") || function.equals("quantity") || function.equals("isQuantity")) {
          throw new IllegalStateException("unexpected overload " + overload + " of " + function);
        }
        return new Call(add(1, argSum), null);
      }
    }
  }

  // ---- sizes ----------------------------------------------------------------------------------

  private long sizeOrUnknown(CelExpr e) {
    Long size = size(e);
    return size == null ? UNKNOWN : size;
  }

  /** cel-go's computeSize: a computed size, a literal's size, the schema's bound, 1 for a scalar, a local's size. */
  private Long size(CelExpr e) {
    if (sizes.containsKey(e.id())) {
      return sizes.get(e.id());
    }
    switch (e.getKind()) {
      case CONSTANT -> {
        return switch (e.constant().getKind()) {
          case STRING_VALUE -> (long) e.constant().stringValue().codePointCount(0, e.constant().stringValue().length());
          case BYTES_VALUE -> (long) e.constant().bytesValue().size();
          default -> 1L;
        };
      }
      case LIST -> {
        return (long) e.list().elements().size();
      }
      case MAP -> {
        return (long) e.map().entries().size();
      }
      default -> { }
    }
    Long fromSchema = schemaSize(path(e));
    if (fromSchema != null) {
      sizes.put(e.id(), fromSchema);
      return fromSchema;
    }
    CelKind kind = type(e).kind();
    if (Set.of(CelKind.BOOL, CelKind.DOUBLE, CelKind.DURATION, CelKind.INT, CelKind.TIMESTAMP, CelKind.UINT).contains(kind)) {
      return 1L;
    }
    if (e.getKind() == CelExpr.ExprKind.Kind.IDENT) {
      LocalVar local = peek(e.ident().name());
      if (local != null) {
        return local.size();
      }
    }
    return null;
  }

  /** The Kubernetes size estimator: follows {@code self.a.@items.b} through the schema to its bound. */
  private Long schemaSize(List<String> path) {
    if (path.isEmpty() || ACCUMULATORS.contains(path.get(0))) {
      return null;
    }
    JsonNode node = root;
    for (String name : path.subList(1, path.size())) {
      if (node.path("x-kubernetes-int-or-string").asBoolean(false)) {
        return null;
      }
      switch (name) {
        case "@items" -> node = node.get("items");
        case "@values" -> node = node.path("additionalProperties").isObject() ? node.get("additionalProperties") : null;
        case "@keys" -> {
          return node.path("additionalProperties").isObject() ? 0L : null; // keys are plain strings without a bound
        }
        default -> node = node.path("properties").get(name);
      }
      if (node == null) {
        return null;
      }
    }
    return maxElements(node);
  }

  /** {@code DeclType.MaxElements} of a schema node. */
  static long maxElements(JsonNode node) {
    if (node.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return MAX_REQUEST_BYTES - 2;
    }
    switch (node.path("type").asText()) {
      case "string":
        if (node.has("maxLength")) {
          return node.get("maxLength").asLong() * 4;
        }
        if (node.has("enum")) {
          long longest = 0;
          for (JsonNode v : node.get("enum")) {
            longest = Math.max(longest, v.asText().length());
          }
          return longest;
        }
        return MAX_REQUEST_BYTES - 2;
      case "array":
        return node.has("maxItems") ? node.get("maxItems").asLong() : (MAX_REQUEST_BYTES - 2) / (minSize(node.get("items")) + 1);
      case "object":
        if (node.path("additionalProperties").isObject()) {
          return node.has("maxProperties") ? node.get("maxProperties").asLong() : (MAX_REQUEST_BYTES - 2) / (minSize(node.get("additionalProperties")) + 6);
        }
        return 0;
      default:
        return 0;
    }
  }

  /** The smallest JSON a value of the schema node can be written as ({@code MinSerializedSize}). */
  static long minSize(JsonNode node) {
    if (node.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return 1;
    }
    switch (node.path("type").asText()) {
      case "string":
        return 2;
      case "boolean":
        return 4;
      case "integer", "number":
        return 1;
      case "object":
        long size = 2;
        Set<String> required = new java.util.HashSet<>();
        node.path("required").forEach(r -> required.add(r.asText()));
        for (var p : node.path("properties").properties()) {
          if (required.contains(p.getKey()) && !p.getValue().has("default")) {
            size += p.getKey().length() + minSize(p.getValue()) + 4;
          }
        }
        return size;
      default:
        return 2;
    }
  }

  // ---- bookkeeping ----------------------------------------------------------------------------

  private List<String> path(CelExpr e) {
    if (e.getKind() == CelExpr.ExprKind.Kind.IDENT) {
      LocalVar local = peek(e.ident().name());
      if (local != null) {
        return local.path();
      }
    }
    return paths.getOrDefault(e.id(), List.of());
  }

  private CelType type(CelExpr e) {
    return ast.getType(e.id()).orElseThrow(() -> new IllegalStateException("unchecked expression " + e));
  }

  private LocalVar peek(String name) {
    Deque<LocalVar> stack = locals.get(name);
    return stack == null || stack.isEmpty() ? null : stack.peek();
  }

  private void push(String name, LocalVar local) {
    locals.computeIfAbsent(name, k -> new ArrayDeque<>()).push(local);
  }

  private void pop(String name) {
    locals.get(name).pop();
  }

  private static List<String> append(List<String> path, String name) {
    List<String> result = new ArrayList<>(path);
    result.add(name);
    return result;
  }

  private static long add(long a, long b) {
    long sum = a + b;
    return sum < 0 || a == UNKNOWN || b == UNKNOWN ? UNKNOWN : sum;
  }

  private static long multiply(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    return a > UNKNOWN / b ? UNKNOWN : a * b;
  }

  private static long factor(long size, double factor) {
    double product = Math.ceil(size * factor);
    return product >= UNKNOWN ? UNKNOWN : (long) product;
  }
}
