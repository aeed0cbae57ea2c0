package dev.hybridproxy.engine;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The configured backends by name; names match case-insensitively. */
public final class BackendRegistry {
  private final Map<String, Backend> backends;
  private final Optional<String> defaultBackend;

  public BackendRegistry(Collection<Backend> backends, Optional<String> defaultBackend) {
    Map<String, Backend> byName = new LinkedHashMap<>();
    backends.forEach(b -> byName.put(normalize(b.name()), b));
    this.backends = Collections.unmodifiableMap(byName);
    this.defaultBackend = defaultBackend.map(BackendRegistry::normalize);
  }

  public Collection<Backend> all() {
    return backends.values();
  }

  public boolean isEmpty() {
    return backends.isEmpty();
  }

  /** The backend a model reference names (or the default one); a 400 when there is none. */
  public Backend resolve(ModelRef ref) {
    String name =
        ref.backend()
            .or(() -> defaultBackend)
            .orElseThrow(
                () ->
                    ProxyException.of(
                            ErrorKind.INVALID_MODEL,
                            "Model '"
                                + ref.model()
                                + "' names no backend and no default_backend is configured."
                                + " Use backend:model, e.g. 'openai:gpt-4o'. Configured backends: "
                                + names())
                        .withParam("model"));
    Backend backend = backends.get(normalize(name));
    if (backend == null) {
      throw ProxyException.of(
              ErrorKind.BACKEND_NOT_CONFIGURED,
              "Backend '" + name + "' is not configured. Configured backends: " + names())
          .withParam("model");
    }
    return backend;
  }

  /** Backend names match case-insensitively, and {@code _} stands for {@code -}. */
  static String normalize(String name) {
    return name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private String names() {
    return backends.isEmpty() ? "(none)" : String.join(", ", backends.keySet());
  }
}
