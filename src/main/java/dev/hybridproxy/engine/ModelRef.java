package dev.hybridproxy.engine;

import jakarta.json.JsonValue;
import java.util.Map;
import java.util.Optional;

/**
 * One model on one backend, as a selector names it: {@code openai:gpt-4o?temperature=0.2}. The
 * backend is absent for a bare model name, which routes to the default backend.
 *
 * @param backend the backend name, lower-cased; empty for a bare model name
 * @param model the model name sent upstream, unchanged
 * @param params the validated URI parameters, in the JSON form they take in a request body
 */
public record ModelRef(Optional<String> backend, String model, Map<String, JsonValue> params) {
  public ModelRef {
    params = Map.copyOf(params);
  }

  /** The selector text this reference was parsed from, without its parameters. */
  public String label() {
    return backend.map(b -> b + ":" + model).orElse(model);
  }

  public ModelRef onBackend(String defaultBackend) {
    return backend.isPresent() ? this : new ModelRef(Optional.of(defaultBackend), model, params);
  }
}
