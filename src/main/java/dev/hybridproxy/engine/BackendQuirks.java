package dev.hybridproxy.engine;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one table of per-provider differences the hybrid flow needs (SPEC §5.2, §6.1, §6.2): how to
 * switch reasoning to maximum on a reasoning leg and off on an execution leg, which tag pair an
 * execution model reads reasoning in, and whether it takes system messages. Rows are keyed by
 * backend name; a backend of another name falls back to its wire type's row, then to "other
 * openai-type". Configuration ({@code backends.<name>.reasoning_params}, {@code execution_params},
 * {@code system_messages}) overrides a row.
 */
public final class BackendQuirks {

  /**
   * One row.
   *
   * @param reasoningPreset fields that make a reasoning leg reason at maximum
   * @param reasoningModels the models the reasoning preset suits; empty for every model
   * @param executionPreset fields that switch reasoning off on an execution leg
   * @param executionModels the models the execution preset suits; empty for every model
   * @param reasoningMaxTokensFloor the least {@code max_tokens} a reasoning leg needs (0: none)
   * @param tagName the tag pair an execution model reads reasoning in
   * @param systemMessages whether the backend takes system messages (else reasoning prefixes the
   *     first user message)
   * @param reasoningOverrides configured fields merged over the reasoning preset (null removes)
   * @param executionOverrides configured fields merged over the execution preset (null removes)
   */
  public record Quirks(
      Map<String, JsonValue> reasoningPreset,
      Optional<Pattern> reasoningModels,
      Map<String, JsonValue> executionPreset,
      Optional<Pattern> executionModels,
      int reasoningMaxTokensFloor,
      String tagName,
      boolean systemMessages,
      Map<String, JsonValue> reasoningOverrides,
      Map<String, JsonValue> executionOverrides) {

    public Quirks {
      reasoningPreset = Map.copyOf(reasoningPreset);
      executionPreset = Map.copyOf(executionPreset);
      reasoningOverrides = unmodifiable(reasoningOverrides);
      executionOverrides = unmodifiable(executionOverrides);
    }

    /** The fields a reasoning leg to {@code model} sets, whatever the client sent. */
    public Map<String, JsonValue> reasoningParams(String model, JsonObject clientBody) {
      Map<String, JsonValue> params = new LinkedHashMap<>();
      if (applies(reasoningModels, model)) {
        params.putAll(reasoningPreset);
        if (reasoningMaxTokensFloor > 0 && maxTokens(clientBody) < reasoningMaxTokensFloor) {
          params.put("max_tokens", Json.createValue(reasoningMaxTokensFloor));
        }
      }
      return merge(params, reasoningOverrides);
    }

    /** The fields an execution leg to {@code model} sets, whatever the client sent. */
    public Map<String, JsonValue> executionParams(String model) {
      Map<String, JsonValue> params = new LinkedHashMap<>();
      if (applies(executionModels, model)) {
        params.putAll(executionPreset);
      }
      return merge(params, executionOverrides);
    }

    Quirks configured(
        Optional<Boolean> systemMessages,
        Optional<JsonObject> reasoningParams,
        Optional<JsonObject> executionParams) {
      return new Quirks(
          reasoningPreset,
          reasoningModels,
          executionPreset,
          executionModels,
          reasoningMaxTokensFloor,
          tagName,
          systemMessages.orElse(this.systemMessages),
          reasoningParams.<Map<String, JsonValue>>map(o -> o).orElse(reasoningOverrides),
          executionParams.<Map<String, JsonValue>>map(o -> o).orElse(executionOverrides));
    }

    private static boolean applies(Optional<Pattern> models, String model) {
      return models.map(p -> p.matcher(model.toLowerCase(Locale.ROOT)).matches()).orElse(true);
    }

    private static long maxTokens(JsonObject body) {
      JsonValue value = body.get("max_tokens");
      return value instanceof jakarta.json.JsonNumber number ? number.longValue() : 0;
    }

    private static Map<String, JsonValue> merge(
        Map<String, JsonValue> params, Map<String, JsonValue> overrides) {
      overrides.forEach(
          (key, value) -> {
            if (value == JsonValue.NULL) {
              params.remove(key);
            } else {
              params.put(key, value);
            }
          });
      return params;
    }

    private static Map<String, JsonValue> unmodifiable(Map<String, JsonValue> map) {
      return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
  }

  private static final Pattern OPENAI_REASONING_MODELS = Pattern.compile("(?:o\\d|gpt-5).*");
  private static final Pattern GEMINI_THINKING_OFF_MODELS = Pattern.compile(".*flash.*");

  /** SPEC §6.1 and §5.2, by backend name. */
  static final Map<String, Quirks> BUILT_IN =
      Map.of(
          "openai",
          row(
              Map.of("reasoning_effort", str("high")),
              Optional.of(OPENAI_REASONING_MODELS),
              Map.of("reasoning_effort", str("low")),
              Optional.of(OPENAI_REASONING_MODELS),
              0,
              "thinking"),
          "deepseek",
          row(
              Map.of("thinking", object("type", str("enabled"))),
              Optional.empty(),
              Map.of("thinking", object("type", str("disabled"))),
              Optional.empty(),
              0,
              "think"),
          "qwen",
          qwen(),
          "qwen-oauth",
          qwen(),
          "minimax",
          row(Map.of(), Optional.empty(), Map.of(), Optional.empty(), 0, "think"),
          "anthropic",
          row(
              Map.of(
                  "thinking",
                  Json.createObjectBuilder()
                      .add("type", "enabled")
                      .add("budget_tokens", 16000)
                      .build()),
              Optional.empty(),
              Map.of(),
              Optional.empty(),
              20000,
              "thinking"),
          "gemini",
          row(
              Map.of(
                  "thinkingConfig",
                  Json.createObjectBuilder()
                      .add("includeThoughts", true)
                      .add("thinkingBudget", -1)
                      .build()),
              Optional.empty(),
              Map.of("thinkingConfig", object("thinkingBudget", Json.createValue(0))),
              Optional.of(GEMINI_THINKING_OFF_MODELS),
              0,
              "thinking"),
          "openrouter",
          row(
              Map.of("reasoning", object("effort", str("high"))),
              Optional.empty(),
              Map.of("reasoning", object("effort", str("low"))),
              Optional.empty(),
              0,
              "reasoning"));

  /** Every other backend of the {@code openai} type. */
  static final Quirks OTHER =
      row(
          Map.of("reasoning_effort", str("high")),
          Optional.empty(),
          Map.of(),
          Optional.empty(),
          0,
          "reasoning");

  private final Map<String, Quirks> rows;

  /** The built-in table only. */
  public BackendQuirks() {
    this(Map.of());
  }

  private BackendQuirks(Map<String, Quirks> configured) {
    this.rows = Map.copyOf(configured);
  }

  /**
   * The table with one configured backend added: its name's row (or, for a wire type other than
   * {@code openai}, its type's row; else "other openai-type"), overridden by its configuration.
   */
  public BackendQuirks with(
      String name,
      String type,
      Optional<Boolean> systemMessages,
      Optional<JsonObject> reasoningParams,
      Optional<JsonObject> executionParams) {
    String key = BackendRegistry.normalize(name);
    String wire = BackendRegistry.normalize(type);
    Quirks base =
        BUILT_IN.getOrDefault(
            key, wire.equals("openai") ? OTHER : BUILT_IN.getOrDefault(wire, OTHER));
    Map<String, Quirks> next = new HashMap<>(rows);
    next.put(key, base.configured(systemMessages, reasoningParams, executionParams));
    return new BackendQuirks(next);
  }

  /** The row for a backend name. */
  public Quirks of(String backend) {
    String key = BackendRegistry.normalize(backend);
    Quirks configured = rows.get(key);
    return configured != null ? configured : BUILT_IN.getOrDefault(key, OTHER);
  }

  private static Quirks qwen() {
    return row(
        Map.of("enable_thinking", JsonValue.TRUE, "thinking_budget", Json.createValue(10000)),
        Optional.empty(),
        Map.of("enable_thinking", JsonValue.FALSE),
        Optional.empty(),
        0,
        "thinking");
  }

  private static Quirks row(
      Map<String, JsonValue> reasoning,
      Optional<Pattern> reasoningModels,
      Map<String, JsonValue> execution,
      Optional<Pattern> executionModels,
      int maxTokensFloor,
      String tagName) {
    return new Quirks(
        reasoning,
        reasoningModels,
        execution,
        executionModels,
        maxTokensFloor,
        tagName,
        true,
        Map.of(),
        Map.of());
  }

  private static JsonValue str(String value) {
    return Json.createValue(value);
  }

  private static JsonObject object(String key, JsonValue value) {
    return Json.createObjectBuilder().add(key, value).build();
  }
}
