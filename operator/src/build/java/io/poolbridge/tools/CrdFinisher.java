package io.poolbridge.tools;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.poolbridge.api.v1alpha1.Framework;
import io.poolbridge.api.v1alpha1.ResourcePool;
import io.poolbridge.api.v1alpha1.Rules;
import io.poolbridge.api.v1alpha1.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Build step run right after the Fabric8 CRD generator (phase {@code process-classes}): it puts
 * each CRD's printer columns back in the order they are declared on the custom resource class
 * (the generator sorts them by name, so {@code kubectl get} would show AGE first) and writes the
 * finished CRDs as {@code <plural>.<group>.yaml}, the files committed under {@code crds/}.
 *
 * <p>Arguments: the generator's output directory, then the directories to write to.
 *
 * <p>Not part of the runtime jar: the operator pom runs this file in the JDK's source-file mode
 * ({@code java -cp <the module's class path> CrdFinisher.java ...}), after the main classes it
 * reads are compiled.
 */
public final class CrdFinisher {
  static final List<Class<?>> KINDS = List.of(ResourcePool.class, Framework.class, Workload.class);

  private CrdFinisher() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: CrdFinisher GENERATED_DIR OUTPUT_DIR...");
    }
    Path generated = Path.of(args[0]);
    for (int i = 1; i < args.length; i++) {
      finishAll(generated, Path.of(args[i]));
    }
  }

  private static void finishAll(Path generated, Path out) throws IOException {
    Files.createDirectories(out);
    for (Class<?> kind : KINDS) {
      String plural = kind.getAnnotation(io.fabric8.kubernetes.model.annotation.Plural.class).value();
      Path source = generated.resolve(plural + "." + ResourcePool.GROUP + "-v1.yml");
      CustomResourceDefinition crd;
      try (var in = Files.newInputStream(source)) {
        crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      }
      finish(crd, kind);
      String yaml =
          "# Generated from io.poolbridge.api.v1alpha1 by the Fabric8 CRD generator; do not edit.\n"
              + "# Regenerate with: hack/update-crds.sh\n"
              + Serialization.asYaml(crd);
      Files.writeString(out.resolve(plural + "." + ResourcePool.GROUP + ".yaml"), yaml, StandardCharsets.UTF_8);
    }
  }

  /** Reorders the printer columns of every version of {@code crd} as declared on {@code kind}. */
  static void finish(CustomResourceDefinition crd, Class<?> kind) {
    List<String> declared =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns = new ArrayList<>(version.getAdditionalPrinterColumns());
      columns.sort(Comparator.comparingInt(c -> position(declared, c.getName())));
      version.setAdditionalPrinterColumns(columns);
      requireNonNegativeQuantities(version.getSchema().getOpenAPIV3Schema().getProperties().get("spec"));
      rolloutCounts(version.getSchema().getOpenAPIV3Schema().getProperties().get("spec"));
      // Every object has a spec: without one, there is nothing to pool, schedule or place.
      version.getSchema().getOpenAPIV3Schema().setRequired(List.of("spec"));
      declareName(version.getSchema().getOpenAPIV3Schema());
      boundElementStrings(version.getSchema().getOpenAPIV3Schema().getProperties().get("spec"));
    }
    Map<String, String> labels = crd.getMetadata().getLabels();
    if (labels != null && labels.isEmpty()) {
      crd.getMetadata().setLabels(null);
    }
  }

  /**
   * Declares {@code metadata.name} (a string) at the root of a schema whose root rules name it in a
   * {@code fieldPath}: the API server accepts a rule's {@code fieldPath} only if the schema declares
   * the field, and a root schema may declare {@code metadata} with {@code name} (and {@code
   * generateName}) and nothing else. The name's bounds themselves are the model's CEL rules.
   */
  static void declareName(JSONSchemaProps root) {
    if (root.getXKubernetesValidations() == null
        || root.getXKubernetesValidations().stream().noneMatch(r -> ".metadata.name".equals(r.getFieldPath()))) {
      return;
    }
    JSONSchemaProps name = new JSONSchemaProps();
    name.setType("string");
    JSONSchemaProps metadata = new JSONSchemaProps();
    metadata.setType("object");
    metadata.setProperties(new java.util.LinkedHashMap<>(Map.of("name", name)));
    java.util.Map<String, JSONSchemaProps> properties = new java.util.LinkedHashMap<>();
    properties.put("metadata", metadata);
    properties.putAll(root.getProperties());
    root.setProperties(properties);
  }

  /**
   * Every int-or-string value under {@code schema} (the spec's quantities) gets the quantity checks:
   * the grammar, bounded below 1P ({@link Rules#BOUNDED_QUANTITY}), and for the integer form
   * {@code minimum: 0} and {@code maximum: 999999999999999}.
   */
  static void requireNonNegativeQuantities(JSONSchemaProps schema) {
    if (schema == null) {
      return;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      schema.setPattern(Rules.BOUNDED_QUANTITY);
      schema.setMinimum(0.0);
      schema.setMaximum(Rules.MAX_INTEGER_QUANTITY);
    }
    if (schema.getProperties() != null) {
      schema.getProperties().values().forEach(CrdFinisher::requireNonNegativeQuantities);
    }
    if (schema.getAdditionalProperties() != null) {
      requireNonNegativeQuantities(schema.getAdditionalProperties().getSchema());
    }
    if (schema.getItems() != null) {
      requireNonNegativeQuantities(schema.getItems().getSchema());
    }
  }

  /**
   * A Workload's {@code spec.rollout} counts are int-or-string but not quantities: a number of
   * instances or a percentage ({@code 25%}).
   */
  static void rolloutCounts(JSONSchemaProps spec) {
    JSONSchemaProps rollout = spec == null || spec.getProperties() == null ? null : spec.getProperties().get("rollout");
    if (rollout == null || rollout.getProperties() == null) {
      return;
    }
    for (JSONSchemaProps count : rollout.getProperties().values()) {
      count.setPattern(Rules.COUNT_OR_PERCENT);
      count.setMinimum(0.0);
      count.setMaximum(999_999_999.0);
      count.setMaxLength(11L);
    }
  }

  /** The longest string a map value or list item of a spec may be, where no annotation can say so. */
  static final long MAX_ELEMENT_STRING = 256;

  /**
   * Every string map value and list item under {@code schema} (attribute and label values, names,
   * selector values) gets {@code maxLength: 256}: the CRD generator cannot annotate a type argument,
   * and nothing the API server accepts may be unbounded.
   */
  static void boundElementStrings(JSONSchemaProps schema) {
    if (schema == null) {
      return;
    }
    if (schema.getProperties() != null) {
      schema.getProperties().values().forEach(CrdFinisher::boundElementStrings);
    }
    for (JSONSchemaProps element : new JSONSchemaProps[] {
        schema.getAdditionalProperties() == null ? null : schema.getAdditionalProperties().getSchema(),
        schema.getItems() == null ? null : schema.getItems().getSchema()}) {
      if (element == null) {
        continue;
      }
      if ("string".equals(element.getType()) && element.getMaxLength() == null
          && (element.getEnum() == null || element.getEnum().isEmpty())) {
        element.setMaxLength(MAX_ELEMENT_STRING);
      }
      boundElementStrings(element);
    }
  }

  private static int position(List<String> declared, String name) {
    int i = declared.indexOf(name);
    return i < 0 ? Integer.MAX_VALUE : i;
  }
}
