package io.poolbridge.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/** The API server's malformed catalogue as other packages' tests use it. */
public final class MalformedCases {
  private MalformedCases() {}

  /** What the API server answers for one case: the kind and name of its object, and its errors (Kubernetes 1.31). */
  public record Expected(String kind, String namespace, String name, List<String> errors) {
    /** {@code namespace/name}, or the name of a cluster-scoped object. */
    public String identity() {
      return namespace.isEmpty() ? name : namespace + "/" + name;
    }
  }

  /** The files of the catalogue, paths relative to the operator module. */
  public static List<Path> files() {
    return MalformedCase.all().stream().map(c -> MalformedCase.DIR.resolve(c.file())).toList();
  }

  public static Expected expected(Path file) {
    MalformedCase c = MalformedCase.read(file);
    JsonNode doc = c.parse();
    return new Expected(doc.path("kind").asText(), doc.at("/metadata/namespace").asText(""), doc.at("/metadata/name").asText(), c.expected());
  }
}
