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
 */
public final class ValidatingCrudDispatcher extends KubernetesCrudDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/apis/poolbridge.io/";

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
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
