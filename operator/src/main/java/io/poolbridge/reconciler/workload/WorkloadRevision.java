package io.poolbridge.reconciler.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.Quantity;
import io.poolbridge.api.v1alpha1.WorkloadSpec;
import io.poolbridge.estate.ResourceUnits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Service's revision: what a change must roll out, as a stable hash of its pod template and its
 * resources (Kubernetes' pod-template-hash, with the resources in it, since they are the
 * allocator's and not the template's). Keys in any order, and amounts in any form ({@code 2000m}
 * and {@code 2}), give the same revision; 16 hex digits.
 */
public final class WorkloadRevision {
  private WorkloadRevision() {}

  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .build();

  /** The revision of {@code spec}. */
  public static String of(WorkloadSpec spec) {
    Map<String, Object> what = new LinkedHashMap<>();
    Map<String, String> resources = new TreeMap<>();
    if (spec.resources() != null) {
      spec.resources().forEach((name, q) -> resources.put(name, canonical(name, q)));
    }
    what.put("resources", resources);
    what.put("template", spec.template());
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(CANONICAL.writeValueAsBytes(what));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String canonical(String resource, Quantity q) {
    try {
      return Long.toString(ResourceUnits.toBase(resource, q));
    } catch (IllegalArgumentException e) {
      return String.valueOf(q);
    }
  }
}
