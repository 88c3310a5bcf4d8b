package io.poolbridge.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.runtime.CelEvaluationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a custom resource against a generated CRD the way kube-apiserver does on create, and
 * reports the errors a user sees, in the API server's words.
 *
 * <p>What the API server does, in its order: the client sends JSON ({@code kubectl} writes a YAML
 * {@code 1.0} as {@code 1}); unknown fields are pruned (kubectl's strict mode rejects them instead:
 * see {@link Result#unknownFields()}); schema defaults are applied; the OpenAPI schema is checked
 * (k8s.io/kube-openapi, here through networknt's validator with each message translated to the
 * {@code field.Error} kube-openapi's message becomes in apiextensions-apiserver); and, unless one of
 * those errors is of a kind that blocks them, every {@code x-kubernetes-validations} rule is
 * evaluated on every value its schema node applies to. Quirks of the real validators are kept on
 * purpose, each where it happens: an integer checked against a fractional minimum is compared with
 * the truncated bound, a string reports only its first failing check, a bad int-or-string value
 * yields the three errors kube-openapi's anyOf produces.
 *
 * <p>Not modelled: metadata beyond the name, status validation, update ratcheting, runtime CEL
 * cost limits.
 */
public final class ApiServerValidator {
  /**
   * Where the build puts the generated CRDs on the class path (the {@code crds-on-classpath}
   * execution in operator/pom.xml): the same files as the committed {@code crds/}.
   */
  static final String CRD_RESOURCES = "/io/poolbridge/validation/crds/";

  /** The CRDs this validator knows, by file name. */
  static final List<String> CRD_FILES =
      List.of("frameworks.poolbridge.io.yaml", "resourcepools.poolbridge.io.yaml", "workloads.poolbridge.io.yaml");

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final String DNS_SUBDOMAIN_MESSAGE =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final String BLOCKED_CEL =
      "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

  /**
   * JSON Schema draft 4 (what OpenAPI v3 schemas build on) with the {@code x-kubernetes-*}
   * extensions known as keywords that validate nothing here (this class handles them), so the
   * validator neither warns about them nor guesses.
   */
  private static final JsonSchemaFactory OPEN_API = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4))
      .metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV4())
          .unknownKeywordFactory((keyword, context) -> new NonValidationKeyword(keyword))
          .build())
      .build();

  private final JsonNode crd;
  private final JsonNode schema;
  private final JsonSchema openApi;
  private final List<CompiledRules> rules = new ArrayList<>();

  /** The rules of one schema node, compiled in that node's environment. */
  private record CompiledRules(JsonNode node, List<JsonNode> rules, List<CelAbstractSyntaxTree> asts, KubernetesCel cel) {}

  private ApiServerValidator(JsonNode crd) {
    this.crd = crd;
    this.schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    this.openApi = OPEN_API.getSchema(schema, SchemaValidatorsConfig.builder()
        // Patterns as kube-openapi runs them, with Go's regexp: RE2 syntax, linear time, no
        // backtracking and no stack to overflow on a long value.
        .regularExpressionFactory(regex -> {
          com.google.re2j.Pattern pattern = com.google.re2j.Pattern.compile(regex);
          return value -> pattern.matcher(value).find();
        })
        .build());
    compileRules(schema, "");
  }

  private static final Map<String, ApiServerValidator> BY_KIND = new java.util.concurrent.ConcurrentHashMap<>();

  /** The validator for the generated CRD of {@code kind} (e.g. {@code Workload}), built once per run. */
  public static ApiServerValidator forKind(String kind) {
    return BY_KIND.computeIfAbsent(kind, k -> generatedCrds().stream()
        .filter(crd -> k.equals(crd.at("/spec/names/kind").asText()))
        .findFirst()
        .map(ApiServerValidator::of)
        .orElseThrow(() -> new IllegalArgumentException("no generated CRD for kind " + k)));
  }

  /** The validator for {@code crd}; fails, as creating the CRD would, when a rule does not compile. */
  static ApiServerValidator of(JsonNode crd) {
    return new ApiServerValidator(crd);
  }

  /** Every generated CRD, from the class path; fails when one is missing (run process-classes first). */
  public static List<JsonNode> generatedCrds() {
    List<JsonNode> crds = new ArrayList<>();
    for (String file : CRD_FILES) {
      try (InputStream in = ApiServerValidator.class.getResourceAsStream(CRD_RESOURCES + file)) {
        if (in == null) {
          throw new IllegalStateException("no CRD " + CRD_RESOURCES + file + " on the class path (the build writes it in process-classes)");
        }
        crds.add(YAML.readTree(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the CRD " + CRD_RESOURCES + file, e);
      }
    }
    return List.copyOf(crds);
  }

  /** Whether a validator exists for documents of this apiVersion and kind. */
  public static boolean knows(String apiVersion, String kind) {
    return generatedCrds().stream().anyMatch(crd -> kind.equals(crd.at("/spec/names/kind").asText())
        && apiVersion.equals(crd.at("/spec/group").asText() + "/" + crd.at("/spec/versions/0/name").asText()));
  }

  public String kind() {
    return crd.at("/spec/names/kind").asText();
  }

  public String apiVersion() {
    return crd.at("/spec/group").asText() + "/" + crd.at("/spec/versions/0/name").asText();
  }

  /** The group-qualified kind, as in the API server's messages: {@code Workload.poolbridge.io}. */
  public String qualifiedKind() {
    return kind() + "." + crd.at("/spec/group").asText();
  }

  JsonNode schema() {
    return schema;
  }

  /** Validates one YAML or JSON document. */
  Result validate(String document) {
    try {
      return validate(YAML.readTree(document));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Validates one document of this validator's kind. */
  public Result validate(JsonNode document) {
    if (!kind().equals(document.path("kind").asText()) || !apiVersion().equals(document.path("apiVersion").asText())) {
      throw new IllegalArgumentException("expected a " + apiVersion() + " " + kind() + ", got " + document.path("apiVersion").asText() + " " + document.path("kind").asText());
    }
    JsonNode object = asKubectlSendsIt(document.deepCopy());
    List<String> unknownFields = new ArrayList<>();
    prune(object, schema, "", unknownFields);
    applyDefaults(object, schema);

    List<FieldError> errors = new ArrayList<>(validateName(object.path("metadata")));
    errors.addAll(schemaErrors(object));
    if (errors.stream().anyMatch(FieldError::blocksCel)) {
      errors.add(FieldError.invalid(null, null, BLOCKED_CEL));
    } else {
      celErrors(schema, object, "", errors);
    }
    return new Result(qualifiedKind(), kind(), object.at("/metadata/name").asText(""), errors, unknownFields, object);
  }

  /**
   * Errors of one document and how kube-apiserver and kubectl report them.
   *
   * @param object the document as the API server would store it: unknown fields pruned, defaults applied
   */
  public record Result(String qualifiedKind, String kind, String name, List<FieldError> fieldErrors, List<String> unknownFields,
      JsonNode object) {

    /** The errors as the default Kubernetes version words them, duplicates dropped as the API server does. */
    public List<String> errors() {
      return errors(FieldError.DEFAULT_MINOR);
    }

    /** The errors as Kubernetes 1.{@code minor} words them. */
    List<String> errors(int minor) {
      return List.copyOf(new LinkedHashSet<>(fieldErrors.stream().map(e -> e.render(minor)).toList()));
    }

    /**
     * What kubectl (strict field validation, its default) prints for fields the schema does not
     * declare: {@code Workload in version "v1alpha1" cannot be handled as a Workload: strict
     * decoding error: unknown field "spec.foo", unknown field "spec.bar"}; empty when there are none.
     */
    public String strictDecodingMessage(String version) {
      if (unknownFields.isEmpty()) {
        return "";
      }
      return kind + " in version \"" + version + "\" cannot be handled as a " + kind + ": strict decoding error: "
          + String.join(", ", unknownFields.stream().map(f -> "unknown field \"" + f + "\"").toList());
    }

    public boolean valid() {
      return fieldErrors.isEmpty();
    }

    /** The Status message the API server returns: {@code Workload.poolbridge.io "x" is invalid: [a, b]}. */
    public String statusMessage() {
      List<String> errors = errors();
      String joined = errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
      return qualifiedKind + " \"" + name + "\" is invalid: " + joined;
    }

    /**
     * What {@code kubectl apply} prints: {@code The Workload "x" is invalid: <error>}, or, for
     * several errors, the same prefix followed by one {@code * <error>} line per error.
     */
    public String kubectlMessage() {
      List<String> errors = errors();
      String prefix = "The " + kind + " \"" + name + "\" is invalid: ";
      if (errors.size() == 1) {
        return prefix + errors.get(0);
      }
      StringBuilder out = new StringBuilder(prefix).append('\n');
      errors.forEach(e -> out.append("* ").append(e).append('\n'));
      return out.toString().stripTrailing();
    }
  }

  // ---- what the client sends ------------------------------------------------------------------

  /**
   * kubectl converts YAML to JSON through Go floats: a whole number written {@code 1.0} or
   * {@code 1e3} reaches the API server as an integer, which matters to integer fields and to
   * minimum checks.
   */
  private static JsonNode asKubectlSendsIt(JsonNode node) {
    if (node.isFloatingPointNumber()) {
      BigDecimal d = node.decimalValue();
      if (d.signum() == 0 || (d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0)) {
        return JsonNodeFactory.instance.numberNode(d.longValueExact());
      }
      return node;
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      object.properties().forEach(f -> f.setValue(asKubectlSendsIt(f.getValue())));
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, asKubectlSendsIt(array.get(i)));
      }
    }
    return node;
  }

  // ---- pruning and defaulting -------------------------------------------------------------------

  /** Drops fields the schema does not declare, recording their paths, and non-nullable nulls. */
  private static void prune(JsonNode value, JsonNode schema, String path, List<String> unknown) {
    if (value.isObject() && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      boolean root = path.isEmpty();
      for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String key = field.getKey();
        JsonNode sub = propertySchema(schema, key);
        if (root && Set.of("apiVersion", "kind", "metadata").contains(key)) {
          continue;
        }
        if (sub == null) {
          unknown.add(join(path, key));
          it.remove();
        } else if (field.getValue().isNull() && !sub.path("nullable").asBoolean(false) && !sub.has("default")) {
          it.remove();
        } else {
          prune(field.getValue(), sub, join(path, key), unknown);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        prune(value.get(i), schema.get("items"), path + "[" + i + "]", unknown);
      }
    }
  }

  /** Structural defaulting: a missing (or null non-nullable) field with a default gets it. */
  private static void applyDefaults(JsonNode value, JsonNode schema) {
    if (value.isObject()) {
      ObjectNode object = (ObjectNode) value;
      schema.path("properties").properties().forEach(p -> {
        JsonNode current = object.get(p.getKey());
        if (p.getValue().has("default") && (current == null || current.isNull())) {
          object.set(p.getKey(), asKubectlSendsIt(p.getValue().get("default").deepCopy()));
        }
      });
      object.properties().forEach(f -> {
        JsonNode sub = propertySchema(schema, f.getKey());
        if (sub != null) {
          applyDefaults(f.getValue(), sub);
        }
      });
    } else if (value.isArray() && schema.has("items")) {
      value.forEach(item -> applyDefaults(item, schema.get("items")));
    }
  }

  /** The schema of property {@code key} of an object of {@code schema}, or null. */
  private static JsonNode propertySchema(JsonNode schema, String key) {
    if (schema.path("properties").has(key)) {
      return schema.get("properties").get(key);
    }
    JsonNode additional = schema.get("additionalProperties");
    return additional != null && additional.isObject() ? additional : null;
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  // ---- metadata -----------------------------------------------------------------------------------

  private static List<FieldError> validateName(JsonNode metadata) {
    String name = metadata.path("name").asText("");
    if (name.isEmpty() && metadata.path("generateName").asText("").isEmpty()) {
      return List.of(FieldError.required("metadata.name", "name or generateName is required"));
    }
    if (!name.isEmpty() && (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches())) {
      return List.of(FieldError.invalid("metadata.name", name, name.length() > 253 ? "must be no more than 253 characters" : DNS_SUBDOMAIN_MESSAGE));
    }
    return List.of();
  }

  // ---- OpenAPI schema -----------------------------------------------------------------------------

  /** The OpenAPI errors of {@code object}, each translated as apiextensions-apiserver does. */
  private List<FieldError> schemaErrors(JsonNode object) {
    List<FieldError> errors = new ArrayList<>();
    Set<String> stringChecked = new LinkedHashSet<>();
    Set<String> intOrStringChecked = new LinkedHashSet<>();
    for (ValidationMessage m : openApi.validate(object)) {
      JsonNodePath at = m.getInstanceLocation();
      String path = kubePath(at);
      JsonNode node = schemaAt(at);
      JsonNode value = m.getInstanceNode();
      switch (m.getType()) {
        case "required" -> errors.add(FieldError.required(join(path, m.getProperty()), ""));
        case "type" -> {
          if (node.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (intOrStringChecked.add(path)) {
              errors.addAll(intOrStringTypeErrors(path, value));
            }
          } else {
            errors.add(typeError(path, node.path("type").asText(), value));
          }
        }
        case "enum" -> {
          List<String> supported = new ArrayList<>();
          node.get("enum").forEach(v -> supported.add(v.isTextual() ? v.textValue() : v.toString()));
          errors.add(FieldError.notSupported(path, goValue(value), supported));
        }
        case "maxLength", "minLength", "pattern" -> {
          // kube-openapi's string validator stops at the first failing check, in this order.
          if (stringChecked.add(path)) {
            errors.add(firstStringError(path, node, value.textValue()));
          }
        }
        case "minimum", "maximum" -> numberError(path, node, value, m.getType()).ifPresent(errors::add);
        case "maxItems" -> errors.add(FieldError.tooMany(path, value.size(), node.get("maxItems").asLong()));
        case "maxProperties" -> errors.add(FieldError.tooMany(path, value.size(), node.get("maxProperties").asLong()));
        case "minItems" -> errors.add(FieldError.invalid(path, (long) value.size(),
            path + " in body should have at least " + node.get("minItems").asLong() + " items"));
        case "minProperties" -> errors.add(FieldError.invalid(path, (long) value.size(),
            path + " in body should have at least " + node.get("minProperties").asLong() + " properties"));
        default -> throw new IllegalStateException("no Kubernetes translation for OpenAPI check '" + m.getType() + "': " + m);
      }
    }
    return errors;
  }

  /** kube-openapi names a field by dots and indexes: {@code spec.constraints[0].value}, map keys by dots. */
  private static String kubePath(JsonNodePath at) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < at.getNameCount(); i++) {
      Object element = at.getElement(i);
      if (element instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        path.append(path.length() == 0 ? "" : ".").append(element);
      }
    }
    return path.toString();
  }

  /** The schema node of the value at {@code at}. */
  private JsonNode schemaAt(JsonNodePath at) {
    JsonNode node = schema;
    for (int i = 0; i < at.getNameCount(); i++) {
      Object element = at.getElement(i);
      node = element instanceof Integer ? node.path("items") : propertySchema(node, element.toString());
    }
    return node;
  }

  private static FieldError typeError(String path, String expected, JsonNode value) {
    String actual = openApiType(value);
    return FieldError.typeInvalid(path, actual, path + " in body must be of type " + expected + ": \"" + actual + "\"");
  }

  /**
   * kube-openapi checks an int-or-string value against type {@code [integer, string]} and against
   * {@code anyOf [{type: integer}, {type: string}]}: one type error, the anyOf failure (an error
   * without a field, hence {@code <nil>}), and the first branch's type error.
   */
  private static List<FieldError> intOrStringTypeErrors(String path, JsonNode value) {
    return List.of(
        typeError(path, "integer,string", value),
        FieldError.invalid(null, "", FieldError.goQuote(path) + " must validate at least one schema (anyOf)"),
        typeError(path, "integer", value));
  }

  private static String openApiType(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> "string";
      case BOOLEAN -> "boolean";
      case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
      case ARRAY -> "array";
      case OBJECT -> "object";
      default -> "null";
    };
  }

  private static FieldError firstStringError(String path, JsonNode node, String value) {
    long runes = value.codePointCount(0, value.length());
    if (node.has("maxLength") && runes > node.get("maxLength").asLong()) {
      return FieldError.tooLong(path, node.get("maxLength").asLong());
    }
    if (node.has("minLength") && runes < node.get("minLength").asLong()) {
      return FieldError.invalid(path, value, path + " in body should be at least " + node.get("minLength").asLong() + " chars long");
    }
    return FieldError.invalid(path, value, path + " in body should match '" + node.get("pattern").asText() + "'");
  }

  /**
   * kube-openapi compares an integer with the bound truncated to an integer (so {@code 0} passes
   * {@code minimum: 0.001}) and words the bound as Go prints it.
   */
  private static Optional<FieldError> numberError(String path, JsonNode node, JsonNode value, String keyword) {
    boolean minimum = keyword.equals("minimum");
    double bound = node.get(keyword).asDouble();
    boolean exclusive = node.path(minimum ? "exclusiveMinimum" : "exclusiveMaximum").asBoolean(false);
    String boundText;
    int cmp;
    if (value.isIntegralNumber()) {
      long truncated = (long) bound;
      cmp = Long.compare(value.longValue(), truncated);
      boundText = Long.toString(truncated);
    } else {
      cmp = Double.compare(value.doubleValue(), bound);
      boundText = FieldError.goFloat(bound);
    }
    boolean fails = minimum ? (exclusive ? cmp <= 0 : cmp < 0) : (exclusive ? cmp >= 0 : cmp > 0);
    if (!fails) {
      return Optional.empty();
    }
    String relation = (minimum ? "greater than" : "less than") + (exclusive ? "" : " or equal to");
    return Optional.of(FieldError.invalid(path, goValue(value), path + " in body should be " + relation + " " + boundText));
  }

  /** A JSON scalar as the Go value the API server holds: string, int64, float64 or bool. */
  private static Object goValue(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isIntegralNumber()) {
      return value.longValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    return value.isNull() ? null : value.toString();
  }

  // ---- CEL ----------------------------------------------------------------------------------------

  /** Compiles every rule of the schema, as the API server does when the CRD is created. */
  private void compileRules(JsonNode node, String path) {
    if (node.has("x-kubernetes-validations")) {
      KubernetesCel cel = new KubernetesCel(node);
      List<JsonNode> nodeRules = new ArrayList<>();
      List<CelAbstractSyntaxTree> asts = new ArrayList<>();
      for (JsonNode rule : node.get("x-kubernetes-validations")) {
        try {
          asts.add(cel.compile(rule.get("rule").asText()));
          nodeRules.add(rule);
        } catch (CelValidationException e) {
          throw new IllegalStateException("the API server would reject the CRD " + crd.at("/metadata/name").asText()
              + ": rule at " + (path.isEmpty() ? "<root>" : path) + " does not compile: " + e.getMessage(), e);
        }
      }
      rules.add(new CompiledRules(node, nodeRules, asts, cel));
    }
    node.path("properties").properties().forEach(p -> compileRules(p.getValue(), join(path, p.getKey())));
    if (node.path("additionalProperties").isObject()) {
      compileRules(node.get("additionalProperties"), path + "[*]");
    }
    if (node.has("items")) {
      compileRules(node.get("items"), path + "[*]");
    }
  }

  /**
   * Evaluates the rules of {@code node} on {@code value}, then those below it: map values at
   * {@code path[key]}, list items at {@code path[i]} (the API server's CEL validator names map keys
   * with brackets, unlike kube-openapi).
   */
  private void celErrors(JsonNode node, JsonNode value, String path, List<FieldError> errors) {
    if (value == null || value.isNull()) {
      return;
    }
    for (CompiledRules compiled : rules) {
      if (compiled.node() == node) {
        evaluate(compiled, value, path, errors);
      }
    }
    if (value.isObject()) {
      value.properties().forEach(f -> {
        if (node.path("properties").has(f.getKey())) {
          celErrors(node.get("properties").get(f.getKey()), f.getValue(), join(path, f.getKey()), errors);
        } else if (node.path("additionalProperties").isObject()) {
          celErrors(node.get("additionalProperties"), f.getValue(), path + "[" + f.getKey() + "]", errors);
        }
      });
    } else if (value.isArray() && node.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        celErrors(node.get("items"), value.get(i), path + "[" + i + "]", errors);
      }
    }
  }

  private static void evaluate(CompiledRules compiled, JsonNode value, String path, List<FieldError> errors) {
    Object self = KubernetesCel.toCel(compiled.node(), value);
    String schemaType = compiled.node().path("type").asText("");
    for (int i = 0; i < compiled.rules().size(); i++) {
      JsonNode rule = compiled.rules().get(i);
      String message = rule.path("message").asText("").strip();
      String ruleText = message.isEmpty() ? rule.get("rule").asText().strip() : message;
      try {
        Object result = compiled.cel().evaluate(compiled.asts().get(i), self);
        if (!Boolean.TRUE.equals(result)) {
          String fieldPath = rule.path("fieldPath").asText("");
          String at = fieldPath.isEmpty() ? path : join(path, fieldPath.substring(1));
          errors.add(FieldError.celRule(at, schemaType, message.isEmpty() ? "failed rule: " + ruleText : message));
        }
      } catch (CelEvaluationException e) {
        String error = KubernetesCel.runtimeErrorMessage(e);
        String detail = error.startsWith("no such overload")
            ? "'" + error + "': call arguments did not match a supported operator, function or macro signature for rule: " + ruleText
            : error + " evaluating rule: " + ruleText;
        errors.add(FieldError.invalid(path, schemaType, detail));
      }
    }
  }
}
