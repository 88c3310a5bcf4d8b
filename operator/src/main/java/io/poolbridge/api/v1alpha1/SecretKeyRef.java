package io.poolbridge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A key of a Secret holding a kubeconfig for a remote cluster. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretKeyRef(
    @JsonPropertyDescription("Name of the Secret.")
    @Required @Pattern(Rules.DNS_SUBDOMAIN) String name,
    @JsonPropertyDescription("Namespace of the Secret. Defaults to the namespace the operator runs in.")
    @Pattern(Rules.DNS_LABEL) String namespace,
    @JsonPropertyDescription("Key in the Secret whose value is the kubeconfig. Defaults to 'kubeconfig'.")
    String key) {

  /** The key to read, with its default applied. */
  public String keyOrDefault() {
    return key == null || key.isEmpty() ? "kubeconfig" : key;
  }
}
