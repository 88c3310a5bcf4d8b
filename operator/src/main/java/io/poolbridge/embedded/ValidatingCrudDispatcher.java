package io.poolbridge.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.poolbridge.validation.ApiServerValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The embedded API server's CRUD dispatcher, made to refuse invalid poolbridge custom resources as
 * a real API server does: a create or update of a ResourcePool, Framework or Workload (not of its
 * status) runs through {@link ApiServerValidator} (OpenAPI schema, defaults, every CEL rule), an
 * invalid one is answered {@code 422 Unprocessable Entity} with the API server's Status message,
 * and a valid one is stored as the API server stores it: unknown fields pruned, defaults applied.
 * Patches are stored unvalidated (the mock applies them itself; the operator does not patch specs).
 *
 * <p>Evictions ({@code POST .../pods/<name>/eviction}, which the mock does not serve): the Pod is
 * deleted, unless a PodDisruptionBudget ({@code policy/v1}) of its namespace selects it by {@code
 * matchLabels} and has {@code status.disruptionsAllowed} of 0 (or none): then {@code 429 Too Many
 * Requests}, as the API server answers. Simplified: the budget's status is taken as written (no
 * disruption controller computes it), {@code matchExpressions} are not read, and the Pod is deleted
 * at once (no grace period).
 */
public final class ValidatingCrudDispatcher extends KubernetesCrudDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/apis/poolbridge.io/";

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    java.util.regex.Matcher eviction = EVICTION.matcher(pathOnly(request.getPath()));
    if (eviction.matches()) {
      return evict(eviction.group(1), eviction.group(2));
    }
    RecordedRequest checked = request;
    if (isSpecWrite(request.getPath())) {
      Object outcome = validate(request);
      if (outcome instanceof MockResponse refusal) {
        return refusal;
      }
      checked = (RecordedRequest) outcome;
    }
    return super.handleCreate(checked);
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    RecordedRequest checked = request;
    if (isSpecWrite(request.getPath())) {
      Object outcome = validate(request);
      if (outcome instanceof MockResponse refusal) {
        return refusal;
      }
      checked = (RecordedRequest) outcome;
    }
    return super.handleUpdate(checked);
  }

  private static final java.util.regex.Pattern EVICTION =
      java.util.regex.Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/eviction$");

  private static String pathOnly(String path) {
    return path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
  }

  private MockResponse evict(String namespace, String name) {
    String podPath = "/api/v1/namespaces/" + namespace + "/pods/" + name;
    MockResponse pod = super.handleGet(podPath);
    if (pod.code() != 200) {
      return status(404, "NotFound", "pods \"" + name + "\" not found");
    }
    try {
      JsonNode labels = JSON.readTree(pod.getBody().readUtf8()).path("metadata").path("labels");
      MockResponse budgets = super.handleGet("/apis/policy/v1/namespaces/" + namespace + "/poddisruptionbudgets");
      if (budgets.code() == 200) {
        for (JsonNode pdb : JSON.readTree(budgets.getBody().readUtf8()).path("items")) {
          JsonNode match = pdb.path("spec").path("selector").path("matchLabels");
          boolean selects = match.isObject();
          for (var e : match.properties()) {
            selects &= e.getValue().asText().equals(labels.path(e.getKey()).asText(null));
          }
          if (selects && pdb.path("status").path("disruptionsAllowed").asInt(0) <= 0) {
            return status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
          }
        }
      }
    } catch (IOException e) {
      return status(500, "InternalError", "could not read the Pod or its budgets: " + e.getMessage());
    }
    super.handleDelete(podPath);
    return new MockResponse().setResponseCode(201)
        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"code\":201}");
  }

  private static boolean isSpecWrite(String path) {
    String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    return p.startsWith(PREFIX) && !p.endsWith("/status");
  }

  /** The request with the object as the API server would store it, or the 422 response. */
  private static Object validate(RecordedRequest request) {
    JsonNode body;
    try {
      body = JSON.readTree(request.getUtf8Body());
    } catch (IOException e) {
      return status(400, "BadRequest", "the request body is not JSON: " + e.getMessage());
    }
    String kind = body.path("kind").asText();
    if (!ApiServerValidator.knows(body.path("apiVersion").asText(), kind)) {
      return request;
    }
    ApiServerValidator.Result result = ApiServerValidator.forKind(kind).validate(body);
    if (!result.valid()) {
      return status(422, "Invalid", result.statusMessage());
    }
    byte[] stored = result.object().toString().getBytes(StandardCharsets.UTF_8);
    return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(),
        new Buffer(stored));
  }

  private static MockResponse status(int code, String reason, String message) {
    ObjectNode s = JSON.createObjectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", message);
    s.put("reason", reason);
    s.put("code", code);
    return new MockResponse().setResponseCode(code).setBody(s.toString());
  }
}
