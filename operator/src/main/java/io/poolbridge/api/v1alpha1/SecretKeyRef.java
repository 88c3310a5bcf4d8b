package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a Secret holding a kubeconfig for a remote cluster. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretKeyRef(
    @JsonPropertyDescription("Name of the Secret.")
    @Required @Size(max = 253) @Pattern(Rules.DNS_SUBDOMAIN) String name,
    @JsonPropertyDescription("Namespace of the Secret. Defaults to the namespace the operator runs in.")
    @Size(max = 63) @Pattern(Rules.DNS_LABEL) String namespace,
    @JsonPropertyDescription("Key in the Secret whose value is the kubeconfig. Defaults to 'kubeconfig'.")
    @Size(max = 253) @Pattern("^[-._a-zA-Z0-9]+$") String key) {

  /** The key to read, with its default applied. */
  public String keyOrDefault() {
    return key == null || key.isEmpty() ? "kubeconfig" : key;
  }
}
