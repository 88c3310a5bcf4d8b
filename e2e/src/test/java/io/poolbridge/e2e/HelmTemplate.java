package io.poolbridge.e2e;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code helm template} of the chart through real helm (helm-java), as release "poolbridge" in "poolbridge-system". */
final class HelmTemplate {
  static final Path CHART = ProjectRoot.resolve("helm/poolbridge");
  static final String RELEASE = "poolbridge";
  static final String RELEASE_NAMESPACE = "poolbridge-system";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private HelmTemplate() {}

  /** The manifests {@code helm template} renders with {@code values} (YAML), as text. */
  static String render(Path tmp, String values) {
    try {
      Path valuesFile = Files.writeString(Files.createTempFile(tmp, "values", ".yaml"), values);
      return new Helm(CHART).template()
          .withName(RELEASE)
          .withNamespace(RELEASE_NAMESPACE)
          .withKubeVersion(K3sExtension.KUBERNETES_VERSION)
          .withValuesFile(valuesFile)
          .call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The objects {@code helm template} renders with {@code values}. */
  static List<HasMetadata> objects(Path tmp, String values) {
    return Manifests.parse(render(tmp, values)).stream()
        .map(doc -> (HasMetadata) SERIALIZATION.convertValue(doc, KubernetesResource.class))
        .toList();
  }
}
