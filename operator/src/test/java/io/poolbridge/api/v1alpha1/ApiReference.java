package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code docs/api.md}, the reference of every field of the three kinds, generated from the CRDs
 * ({@code crds/*.yaml}, themselves generated from the Java model): per kind a table of every field
 * of {@code spec} and {@code status} with its type, default, validation (required, enums, bounds,
 * patterns, CEL rules with their messages) and description. {@code ApiReferenceTest} fails when the
 * committed file differs; {@code -Dpoolbridge.golden.update=true} rewrites it.
 */
public final class ApiReference {
  private static final ObjectMapper YAML = new YAMLMapper();
  /** The kinds in the order the reference presents them: where capacity comes from, who asks, what is asked. */
  static final List<String> FILES = List.of("resourcepools.poolbridge.io.yaml", "frameworks.poolbridge.io.yaml",
      "workloads.poolbridge.io.yaml");

  private ApiReference() {}

  /** A row of a kind's table. */
  private static final class Row {
    final String path;
    final String type;
    final String defaultValue;
    final List<String> validation = new ArrayList<>();
    final String description;

    Row(String path, String type, String defaultValue, String description) {
      this.path = path;
      this.type = type;
      this.defaultValue = defaultValue;
      this.description = description;
    }
  }

  public static void main(String[] args) throws IOException {
    Path root = args.length > 0 ? Path.of(args[0]) : Path.of(".");
    Files.writeString(root.resolve("docs/api.md"), generate(root.resolve("crds")));
  }

  /** The reference from the CRDs in {@code crdDir}. */
  public static String generate(Path crdDir) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# poolbridge API reference (`poolbridge.io/v1alpha1`)\n\n")
        .append("<!-- Generated from crds/*.yaml by ApiReferenceTest (-Dpoolbridge.golden.update=true): do not edit. -->\n\n")
        .append("Every field of the three kinds, as the CRDs in [`crds/`](../crds) define them (they are generated from the\n")
        .append("Java model). A default is what the API server sets when the field is left out; validation is what it\n")
        .append("refuses (OpenAPI bounds, patterns, enums, and CEL rules with the message a user sees). `[]` marks the\n")
        .append("items of a list, `{key}` the values of a map; a quantity is an integer or a Kubernetes quantity string\n")
        .append("such as `500m` or `2Gi`. Status fields are written by the operator only.\n\n");
    List<JsonNode> crds = new ArrayList<>();
    for (String f : FILES) {
      crds.add(YAML.readTree(crdDir.resolve(f).toFile()));
    }
    for (JsonNode crd : crds) {
      String kind = crd.path("spec").path("names").path("kind").asText();
      md.append("- [").append(kind).append("](#").append(kind.toLowerCase()).append(")\n");
    }
    for (JsonNode crd : crds) {
      kind(md, crd);
    }
    return md.toString();
  }

  private static void kind(StringBuilder md, JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    JsonNode version = spec.path("versions").path(0);
    JsonNode schema = version.path("schema").path("openAPIV3Schema");
    md.append("\n## ").append(names.path("kind").asText()).append("\n\n");
    md.append("`").append(spec.path("group").asText()).append("/").append(version.path("name").asText()).append("`, ")
        .append("Cluster".equals(spec.path("scope").asText()) ? "cluster-scoped" : "namespaced")
        .append("; `kubectl get ").append(names.path("plural").asText());
    for (JsonNode s : names.path("shortNames")) {
      md.append("` or `kubectl get ").append(s.asText());
    }
    md.append("`.\n");
    Map<String, Row> rows = new LinkedHashMap<>();
    List<String> objectRules = new ArrayList<>();
    for (String top : List.of("spec", "status")) {
      JsonNode field = schema.path("properties").path(top);
      if (!field.isMissingNode()) {
        walk(top, field, schema.path("required").toString().contains("\"" + top + "\""), rows, objectRules);
      }
    }
    rules("", schema, rows, objectRules);
    if (!objectRules.isEmpty()) {
      md.append("\nRules on the whole object:\n\n");
      objectRules.forEach(r -> md.append("- ").append(r).append('\n'));
    }
    md.append("\n| Field | Type | Default | Validation | Description |\n|---|---|---|---|---|\n");
    for (Row r : rows.values()) {
      md.append("| `").append(cell(r.path)).append("` | ").append(cell(r.type)).append(" | ")
          .append(r.defaultValue == null ? "" : "`" + cell(r.defaultValue) + "`").append(" | ")
          .append(cell(String.join("; ", r.validation))).append(" | ").append(cell(r.description)).append(" |\n");
    }
  }

  private static void walk(String path, JsonNode schema, boolean required, Map<String, Row> rows, List<String> objectRules) {
    Row row = new Row(path, type(schema), schema.has("default") ? schema.get("default").toString().replaceAll("^\"|\"$", "") : null,
        schema.path("description").asText(""));
    if (required) {
      row.validation.add("required");
    }
    validation(schema, row.validation);
    for (String inner : List.of("items", "additionalProperties")) {
      if (schema.path(inner).isObject() && !hasFields(schema.get(inner))) {
        List<String> each = new ArrayList<>();
        validation(schema.get(inner), each);
        String what = inner.equals("items") ? "each item: " : "each value: ";
        each.forEach(v -> row.validation.add(what + v));
      }
    }
    rows.put(path, row);
    JsonNode properties = schema.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      boolean req = false;
      for (JsonNode r : schema.path("required")) {
        req |= r.asText().equals(p.getKey());
      }
      walk(path + "." + p.getKey(), p.getValue(), req, rows, objectRules);
    }
    if (schema.path("items").isObject() && hasFields(schema.get("items"))) {
      walkChildren(path + "[]", schema.get("items"), rows, objectRules);
    }
    if (schema.path("additionalProperties").isObject() && hasFields(schema.get("additionalProperties"))) {
      walkChildren(path + "{key}", schema.get("additionalProperties"), rows, objectRules);
    }
    rules(path, schema, rows, objectRules);
  }

  /** The fields of the items of a list or the values of a map, and their rules. */
  private static void walkChildren(String path, JsonNode schema, Map<String, Row> rows, List<String> objectRules) {
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      boolean req = false;
      for (JsonNode r : schema.path("required")) {
        req |= r.asText().equals(p.getKey());
      }
      walk(path + "." + p.getKey(), p.getValue(), req, rows, objectRules);
    }
    rules(path, schema, rows, objectRules);
  }

  private static boolean hasFields(JsonNode schema) {
    return schema.has("properties");
  }

  /** The CEL rules of {@code schema}, each on the row its {@code fieldPath} names (else on the object's). */
  private static void rules(String path, JsonNode schema, Map<String, Row> rows, List<String> objectRules) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String message = rule.has("message") ? rule.get("message").asText() : "must satisfy `" + rule.path("rule").asText() + "`";
      String target = path + rule.path("fieldPath").asText("");
      Row row = rows.get(target.startsWith(".") ? target.substring(1) : target);
      if (row == null) {
        row = rows.get(path);
      }
      if (row == null) {
        objectRules.add(message + (rule.has("fieldPath") ? " (`" + rule.get("fieldPath").asText() + "`)" : ""));
      } else {
        row.validation.add("rule: " + message);
      }
    }
  }

  private static String type(JsonNode schema) {
    if (quantity(schema)) {
      return "quantity";
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return "int-or-string";
    }
    String type = schema.path("type").asText("");
    if (type.equals("array")) {
      return "[]" + type(schema.path("items"));
    }
    if (type.equals("object") && schema.path("additionalProperties").isObject()) {
      return "map[string]" + type(schema.get("additionalProperties"));
    }
    if (schema.has("format")) {
      type += " (" + schema.get("format").asText() + ")";
    }
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      type += ", any fields";
    }
    return type.isEmpty() ? "any" : type;
  }

  private static void validation(JsonNode s, List<String> out) {
    if (s.has("enum")) {
      List<String> values = new ArrayList<>();
      s.get("enum").forEach(v -> values.add("`" + v.asText() + "`"));
      out.add("one of " + String.join(", ", values));
    }
    bound(s, "minimum", s.path("exclusiveMinimum").asBoolean(false) ? "> " : ">= ", out);
    bound(s, "maximum", s.path("exclusiveMaximum").asBoolean(false) ? "< " : "<= ", out);
    bound(s, "minLength", "length >= ", out);
    bound(s, "maxLength", "length <= ", out);
    bound(s, "minItems", "items >= ", out);
    bound(s, "maxItems", "items <= ", out);
    bound(s, "minProperties", "entries >= ", out);
    bound(s, "maxProperties", "entries <= ", out);
    if (s.has("pattern") && !quantity(s)) {
      out.add("pattern `" + s.get("pattern").asText() + "`");
    }
  }

  /** A Kubernetes quantity (an int or a string such as 500m or 2Gi): its long pattern is not worth printing. */
  private static boolean quantity(JsonNode s) {
    return s.path("x-kubernetes-int-or-string").asBoolean(false) && s.path("pattern").asText("").contains("Ki");
  }

  private static void bound(JsonNode s, String key, String prefix, List<String> out) {
    if (s.has(key)) {
      JsonNode v = s.get(key);
      out.add(prefix + (v.isNumber() ? v.decimalValue().stripTrailingZeros().toPlainString() : v.asText()));
    }
  }

  /** Text that fits a table cell: one line, pipes escaped. */
  private static String cell(String s) {
    return s.replace("\r", "").replace("\n", " ").replace("|", "\\|").trim();
  }
}
