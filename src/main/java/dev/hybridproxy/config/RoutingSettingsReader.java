package dev.hybridproxy.config;

import dev.hybridproxy.engine.HybridSettings;
import dev.hybridproxy.engine.ModelAliases;
import dev.hybridproxy.engine.ModelRef;
import dev.hybridproxy.engine.ModelRouting;
import dev.hybridproxy.engine.ModelSelector;
import dev.hybridproxy.engine.PlanningPhase;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.SelectorParser;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates what happens to a request's model before routing: {@code model_aliases} (SPEC
 * §4.3) and {@code planning_phase.*} (SPEC §4.4). A bad rule or value stops start-up with a message
 * naming it.
 */
public final class RoutingSettingsReader {
  static final String ALIASES_ALLOWED =
      "a JSON array of {\"pattern\":...,\"replacement\":...} objects or \"PATTERN=REPLACEMENT\""
          + " strings, e.g. [\"coder=hybrid:[minimax:MiniMax-M2,qwen-oauth:qwen3-coder-plus]\"]";
  private static final String PLANNING = "planning_phase.";
  private static final List<String> EFFORTS =
      List.of("minimal", "low", "medium", "high", "xhigh", "max");

  private final SettingsSource source;

  public RoutingSettingsReader(SettingsSource source) {
    this.source = source;
  }

  /**
   * The aliases and the planning phase, checked against the configured backends.
   *
   * @param proxy the backends and the default backend selectors may use
   * @param hybrid whether the hybrid backend is enabled
   */
  public ModelRouting read(ProxySettings proxy, HybridSettings hybrid) {
    return new ModelRouting(aliases(), planningPhase(proxy, hybrid));
  }

  /** {@code model_aliases}, in order. */
  public ModelAliases aliases() {
    Optional<String> value =
        source.get(ConfigKeys.MODEL_ALIASES).map(String::strip).filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      return ModelAliases.NONE;
    }
    JsonArray items = jsonArray(value.get());
    List<ModelAliases.Rule> rules = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      rules.add(rule(i + 1, items.get(i)));
    }
    return new ModelAliases(rules);
  }

  private static JsonArray jsonArray(String value) {
    try (JsonReader reader = Json.createReader(new StringReader(value))) {
      if (reader.readValue() instanceof JsonArray array) {
        return array;
      }
    } catch (JsonException e) {
      // reported below
    }
    throw new InvalidSettingException(ConfigKeys.MODEL_ALIASES, value, ALIASES_ALLOWED);
  }

  private static ModelAliases.Rule rule(int number, JsonValue item) {
    String text;
    ModelAliases.Rule rule;
    try {
      if (item instanceof JsonString string) {
        text = string.getString();
        rule = ModelAliases.Rule.parse(text);
      } else if (item instanceof JsonObject object
          && object.get("pattern") instanceof JsonString pattern
          && object.get("replacement") instanceof JsonString replacement) {
        text = pattern.getString() + "=" + replacement.getString();
        rule = ModelAliases.Rule.of(pattern.getString(), replacement.getString());
      } else {
        throw new InvalidSettingException(
            ConfigKeys.MODEL_ALIASES
                + " rule "
                + number
                + " "
                + item
                + ": expected "
                + ALIASES_ALLOWED);
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(
          ConfigKeys.MODEL_ALIASES
              + " rule "
              + number
              + " '"
              + describe(item)
              + "': "
              + e.getMessage());
    }
    if (!rule.replacement().contains("$")) {
      try {
        new SelectorParser().parse(rule.replacement());
      } catch (ProxyException e) {
        throw new InvalidSettingException(
            ConfigKeys.MODEL_ALIASES
                + " rule "
                + number
                + " '"
                + text
                + "': the replacement is not a model selector: "
                + e.getMessage());
      }
    }
    return rule;
  }

  private static String describe(JsonValue item) {
    if (item instanceof JsonString string) {
      return string.getString();
    }
    if (item instanceof JsonObject object) {
      return object.getString("pattern", "?") + "=" + object.getString("replacement", "?");
    }
    return item.toString();
  }

  /** {@code planning_phase.*}: empty when disabled; every value is validated either way. */
  public Optional<PlanningPhase> planningPhase(ProxySettings proxy, HybridSettings hybrid) {
    boolean enabled = bool(PLANNING + "enabled", false);
    int maxTurns = source.integer(PLANNING + "max_turns", 10, 1);
    int maxWrites = source.integer(PLANNING + "max_file_writes", 1, 1);
    Map<String, JsonValue> overrides = new LinkedHashMap<>();
    number(PLANNING + "overrides.temperature", BigDecimal.ZERO, BigDecimal.valueOf(2))
        .ifPresent(v -> overrides.put("temperature", v));
    number(PLANNING + "overrides.top_p", BigDecimal.ZERO, BigDecimal.ONE)
        .ifPresent(v -> overrides.put("top_p", v));
    source
        .get(PLANNING + "overrides.reasoning_effort")
        .map(String::strip)
        .filter(v -> !v.isEmpty())
        .ifPresent(
            v -> {
              String effort = v.toLowerCase(Locale.ROOT);
              if (!EFFORTS.contains(effort)) {
                throw new InvalidSettingException(
                    PLANNING + "overrides.reasoning_effort", v, String.join(", ", EFFORTS));
              }
              overrides.put("reasoning_effort", Json.createValue(effort));
            });
    Set<String> writeTools = writeTools();
    Optional<String> strong =
        source.get(PLANNING + "strong_model").map(String::strip).filter(v -> !v.isEmpty());
    strong.ifPresent(selector -> checkSelector(PLANNING + "strong_model", selector, proxy, hybrid));
    if (!enabled) {
      return Optional.empty();
    }
    if (strong.isEmpty()) {
      throw new InvalidSettingException(
          "planning_phase.enabled=true needs planning_phase.strong_model (a model selector such as"
              + " openai:o3 or hybrid:[...])");
    }
    return Optional.of(new PlanningPhase(strong.get(), maxTurns, maxWrites, overrides, writeTools));
  }

  private Set<String> writeTools() {
    String key = PLANNING + "write_tools";
    Optional<String> value = source.get(key);
    if (value.isEmpty()) {
      return Set.copyOf(PlanningPhase.DEFAULT_WRITE_TOOLS);
    }
    Set<String> tools = new LinkedHashSet<>();
    Arrays.stream(value.get().split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .forEach(tools::add);
    if (tools.isEmpty()) {
      throw new InvalidSettingException(key, value.get(), "comma-separated function names");
    }
    return tools;
  }

  /** A selector the strong model may be: parseable, on configured backends, hybrid only if on. */
  private static void checkSelector(
      String key, String selector, ProxySettings proxy, HybridSettings hybrid) {
    ModelSelector parsed;
    try {
      parsed = new SelectorParser().parse(selector);
    } catch (ProxyException e) {
      throw new InvalidSettingException(
          key, selector, "a model selector such as openai:o3 or hybrid:[...]; " + e.getMessage());
    }
    List<ModelRef> refs;
    if (parsed instanceof ModelSelector.Hybrid pair) {
      if (hybrid.disabled()) {
        throw new InvalidSettingException(
            key, selector, "a plain backend:model, because disable_hybrid_backend=true");
      }
      refs = List.of(pair.reasoning(), pair.execution());
    } else {
      refs = List.of(((ModelSelector.Plain) parsed).model());
    }
    List<String> configured = proxy.backends().stream().map(BackendSettings::name).toList();
    for (ModelRef ref : refs) {
      Optional<String> backend =
          ref.backend().map(SettingsReader::normalizeName).or(proxy::defaultBackend);
      if (backend.isEmpty()) {
        throw new InvalidSettingException(
            key, selector, "backend:model (no default_backend is configured)");
      }
      if (!configured.contains(backend.get())) {
        throw new InvalidSettingException(
            key,
            selector,
            "a selector on a configured backend: "
                + (configured.isEmpty() ? "(none)" : String.join(", ", configured)));
      }
    }
  }

  private boolean bool(String key, boolean defaultValue) {
    return source
        .get(key)
        .map(
            value ->
                switch (value.strip().toLowerCase(Locale.ROOT)) {
                  case "true" -> true;
                  case "false" -> false;
                  default -> throw new InvalidSettingException(key, value, "true or false");
                })
        .orElse(defaultValue);
  }

  private Optional<JsonValue> number(String key, BigDecimal min, BigDecimal max) {
    Optional<String> value = source.get(key).filter(v -> !v.isBlank());
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      BigDecimal parsed = new BigDecimal(value.get().strip());
      if (parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0) {
        return Optional.of(Json.createValue(parsed));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSettingException(key, value.get(), "a number from " + min + " to " + max);
  }
}
