package io.poolbridge.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CEL environment the API server gives one {@code x-kubernetes-validations} rule: {@code self}
 * typed after the schema node the rule sits on (objects are structs with the declared fields, maps
 * and lists keep their element types, {@code x-kubernetes-int-or-string} is {@code dyn}), the
 * standard macros, cross-type numeric comparisons, the {@code sets} extension and the Kubernetes
 * quantity library, declared with the overloads Kubernetes declares (so {@code sign} is a global
 * function: {@code sign(quantity('1'))}, not {@code quantity('1').sign()}).
 */
final class KubernetesCel {
  static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");

  private static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

  private final Cel cel;

  /** An environment whose {@code self} is a value of {@code schema}. */
  KubernetesCel(JsonNode schema) {
    List<CelType> structs = new ArrayList<>();
    CelType selfType = celType(schema, structs);
    CelTypeProvider types = new CelTypeProvider() {
      @Override
      public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs);
      }

      @Override
      public Optional<CelType> findType(String name) {
        return structs.stream().filter(t -> t.name().equals(name)).findFirst();
      }
    };
    this.cel = CelFactory.standardCelBuilder()
        .setOptions(OPTIONS)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .setTypeProvider(types)
        .addVar("self", selfType)
        .addCompilerLibraries(CelExtensions.sets(OPTIONS))
        .addRuntimeLibraries(CelExtensions.sets(OPTIONS))
        .addFunctionDeclarations(QUANTITY_FUNCTIONS)
        .addFunctionBindings(QUANTITY_BINDINGS)
        .build();
  }

  /** Compiles and type-checks {@code rule}, as the API server does when the CRD is written. */
  CelAbstractSyntaxTree compile(String rule) throws CelValidationException {
    return cel.compile(rule).getAst();
  }

  /** Evaluates a compiled rule with {@code self} bound to {@code self} (see {@link #toCel}). */
  Object evaluate(CelAbstractSyntaxTree ast, Object self) throws CelEvaluationException {
    return cel.createProgram(ast).eval(Map.of("self", self));
  }

  /**
   * The message the API server's CEL runtime gives for {@code e}: the quantity parser's own
   * message, or {@code no such overload} when a function met an argument type it has no overload
   * for (which only int-or-string values can cause).
   */
  static String runtimeErrorMessage(CelEvaluationException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesQuantity.InvalidQuantityException q) {
        return q.getMessage();
      }
    }
    String message = String.valueOf(e.getMessage());
    if (message.toLowerCase(java.util.Locale.ROOT).contains("no matching overload")) {
      return "no such overload";
    }
    return message;
  }

  /** The CEL type of a value of {@code schema}, declaring struct types for objects. */
  static CelType celType(JsonNode schema, List<CelType> structs) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return SimpleType.DYN;
    }
    switch (schema.path("type").asText("")) {
      case "string":
        return SimpleType.STRING;
      case "integer":
        return SimpleType.INT;
      case "number":
        return SimpleType.DOUBLE;
      case "boolean":
        return SimpleType.BOOL;
      case "array":
        return ListType.create(celType(schema.path("items"), structs));
      case "object":
        if (schema.has("additionalProperties") && schema.get("additionalProperties").isObject()) {
          return MapType.create(SimpleType.STRING, celType(schema.get("additionalProperties"), structs));
        }
        if (!schema.has("properties")) {
          return SimpleType.DYN;
        }
        Map<String, CelType> fields = new LinkedHashMap<>();
        schema.get("properties").properties().forEach(f -> fields.put(f.getKey(), celType(f.getValue(), structs)));
        StructType struct = StructType.create("poolbridge.schema" + structs.size(), ImmutableSet.copyOf(fields.keySet()), f -> Optional.ofNullable(fields.get(f)));
        structs.add(struct);
        return struct;
      default:
        return SimpleType.DYN;
    }
  }

  /**
   * A JSON value of {@code schema} as the API server hands it to CEL: objects and maps as maps,
   * integers as {@code long}, numbers of a {@code number} field as {@code double} even when written
   * without a fraction, int-or-string values as they are.
   */
  static Object toCel(JsonNode schema, JsonNode value) {
    if (value.isNumber() && "number".equals(schema.path("type").asText())) {
      return value.doubleValue();
    }
    if (value.isIntegralNumber()) {
      return value.longValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      value.forEach(item -> list.add(toCel(schema.path("items"), item)));
      return list;
    }
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      value.properties().forEach(f -> {
        JsonNode fieldSchema = schema.path("properties").has(f.getKey())
            ? schema.path("properties").get(f.getKey())
            : schema.path("additionalProperties");
        map.put(f.getKey(), toCel(fieldSchema, f.getValue()));
      });
      return map;
    }
    return dev.cel.common.values.NullValue.NULL_VALUE;
  }

  private static final List<CelFunctionDecl> QUANTITY_FUNCTIONS = List.of(
      CelFunctionDecl.newFunctionDeclaration("quantity",
          CelOverloadDecl.newGlobalOverload("string_to_quantity", QUANTITY, SimpleType.STRING)),
      CelFunctionDecl.newFunctionDeclaration("isQuantity",
          CelOverloadDecl.newGlobalOverload("is_quantity_string", SimpleType.BOOL, SimpleType.STRING)),
      CelFunctionDecl.newFunctionDeclaration("sign",
          CelOverloadDecl.newGlobalOverload("quantity_sign", SimpleType.INT, QUANTITY)),
      CelFunctionDecl.newFunctionDeclaration("compareTo",
          CelOverloadDecl.newMemberOverload("quantity_compare_to", SimpleType.INT, QUANTITY, QUANTITY)),
      CelFunctionDecl.newFunctionDeclaration("isLessThan",
          CelOverloadDecl.newMemberOverload("quantity_is_less_than", SimpleType.BOOL, QUANTITY, QUANTITY)),
      CelFunctionDecl.newFunctionDeclaration("isGreaterThan",
          CelOverloadDecl.newMemberOverload("quantity_is_greater_than", SimpleType.BOOL, QUANTITY, QUANTITY)),
      CelFunctionDecl.newFunctionDeclaration("add",
          CelOverloadDecl.newMemberOverload("quantity_add", QUANTITY, QUANTITY, QUANTITY),
          CelOverloadDecl.newMemberOverload("quantity_add_int", QUANTITY, QUANTITY, SimpleType.INT)));

  private static final List<CelFunctionBinding> QUANTITY_BINDINGS = List.of(
      CelFunctionBinding.from("string_to_quantity", String.class, KubernetesQuantity::parse),
      CelFunctionBinding.from("is_quantity_string", String.class, KubernetesQuantity::isQuantity),
      CelFunctionBinding.from("quantity_sign", KubernetesQuantity.class, KubernetesQuantity::sign),
      CelFunctionBinding.from("quantity_compare_to", KubernetesQuantity.class, KubernetesQuantity.class,
          (a, b) -> (long) Integer.signum(a.compareTo(b))),
      CelFunctionBinding.from("quantity_is_less_than", KubernetesQuantity.class, KubernetesQuantity.class,
          (a, b) -> a.compareTo(b) < 0),
      CelFunctionBinding.from("quantity_is_greater_than", KubernetesQuantity.class, KubernetesQuantity.class,
          (a, b) -> a.compareTo(b) > 0),
      CelFunctionBinding.from("quantity_add", KubernetesQuantity.class, KubernetesQuantity.class, KubernetesQuantity::add),
      CelFunctionBinding.from("quantity_add_int", KubernetesQuantity.class, Long.class,
          (a, b) -> a.add(KubernetesQuantity.of(b))));
}
