package dev.hybridproxy.engine;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses the {@code model} field of a request (SPEC §4.1). Every failure is a 400 {@code
 * invalid_model} whose message shows the expected form.
 */
public final class SelectorParser {
  static final String HYBRID_FORMAT =
      "hybrid:[reasoning-backend:reasoning-model,execution-backend:execution-model]";
  static final String HYBRID_EXAMPLE = "hybrid:[minimax:MiniMax-M2,qwen-oauth:qwen3-coder-plus]";
  private static final String HYBRID_PREFIX = "hybrid:";
  private static final int MAX_SELECTOR_LENGTH = 4096;
  private static final Pattern BACKEND_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern LOOKS_LIKE_BACKEND_PREFIX =
      Pattern.compile("\\s*[A-Za-z0-9][A-Za-z0-9_.-]*\\s*:.*", Pattern.DOTALL);
  private static final Set<String> EFFORTS =
      Set.of("minimal", "low", "medium", "high", "xhigh", "max");
  private static final Set<String> VERBOSITIES = Set.of("low", "medium", "high");
  private static final String KNOWN_KEYS =
      "temperature, top_p, top_k, max_tokens, reasoning_effort, verbosity";

  /** Whether a selector asks for the hybrid backend ({@code hybrid:...}), well-formed or not. */
  public static boolean isHybrid(String selector) {
    return selector != null
        && selector.strip().regionMatches(true, 0, HYBRID_PREFIX, 0, HYBRID_PREFIX.length());
  }

  /**
   * Whether a selector names its backend explicitly: {@code backend:model} or {@code hybrid:...}; a
   * bare model name does not (SPEC §4.1: the backend is the text before the first {@code :} when
   * that {@code :} comes before any {@code /}).
   */
  public static boolean namesBackend(String selector) {
    if (selector == null) {
      return false;
    }
    String trimmed = selector.strip();
    int query = trimmed.indexOf('?');
    String path = query < 0 ? trimmed : trimmed.substring(0, query);
    int colon = path.indexOf(':');
    int slash = path.indexOf('/');
    return isHybrid(trimmed) || (colon > 0 && (slash < 0 || colon < slash));
  }

  public ModelSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      throw invalid(
          "The 'model' field must name a model, e.g. 'openai:gpt-4o' or " + HYBRID_EXAMPLE);
    }
    if (selector.length() > MAX_SELECTOR_LENGTH) {
      throw invalid("Model selector is too long (" + selector.length() + " characters)");
    }
    String trimmed = selector.strip();
    if (trimmed.regionMatches(true, 0, HYBRID_PREFIX, 0, HYBRID_PREFIX.length())) {
      return parseHybrid(trimmed.substring(HYBRID_PREFIX.length()).strip());
    }
    return new ModelSelector.Plain(parseModel(trimmed, null));
  }

  private ModelSelector parseHybrid(String bracket) {
    if (!bracket.startsWith("[") || !bracket.endsWith("]") || bracket.length() < 2) {
      throw invalid(
          "Invalid hybrid model format. Expected: "
              + HYBRID_FORMAT
              + ". Example: "
              + HYBRID_EXAMPLE);
    }
    List<String> parts = splitModels(bracket.substring(1, bracket.length() - 1));
    if (parts.size() != 2) {
      throw invalid(
          "Invalid hybrid model format. Expected exactly 2 models separated by comma, got "
              + parts.size()
              + ". Example: "
              + HYBRID_EXAMPLE);
    }
    ModelRef reasoning = parseModel(parts.get(0).strip(), "reasoning");
    ModelRef execution = parseModel(parts.get(1).strip(), "execution");
    return new ModelSelector.Hybrid(reasoning, execution);
  }

  /**
   * Splits at every comma after which the text looks like {@code backend:}, so that commas inside
   * parameter values survive. Without such a comma the first comma splits, so that {@code
   * [a:b,anthropic]} reports the incomplete second part instead of a count.
   */
  private static List<String> splitModels(String inner) {
    if (inner.isBlank()) {
      return List.of();
    }
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = inner.indexOf(','); i >= 0; i = inner.indexOf(',', i + 1)) {
      if (LOOKS_LIKE_BACKEND_PREFIX.matcher(inner.substring(i + 1)).matches()) {
        parts.add(inner.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(inner.substring(start));
    if (parts.size() == 1 && inner.indexOf(',') >= 0) {
      int comma = inner.indexOf(',');
      return List.of(inner.substring(0, comma), inner.substring(comma + 1));
    }
    return parts;
  }

  private ModelRef parseModel(String text, String role) {
    int query = text.indexOf('?');
    String path = query < 0 ? text : text.substring(0, query);
    Map<String, JsonValue> params =
        query < 0 ? Map.of() : parseParams(text.substring(query + 1), text);
    int colon = path.indexOf(':');
    int slash = path.indexOf('/');
    boolean hasBackend = colon >= 0 && (slash < 0 || colon < slash);
    if (!hasBackend) {
      if (role != null || path.isBlank()) {
        throw incomplete(role, text);
      }
      return new ModelRef(Optional.empty(), path.strip(), params);
    }
    String backend = path.substring(0, colon).strip();
    String model = path.substring(colon + 1).strip();
    if (backend.isEmpty() || model.isEmpty()) {
      throw incomplete(role, text);
    }
    if (!BACKEND_NAME.matcher(backend).matches()) {
      throw invalid(
          "Invalid backend name '"
              + backend
              + "': use letters, digits, '-', '_' or '.', e.g. 'openai:gpt-4o'");
    }
    return new ModelRef(Optional.of(backend.toLowerCase(Locale.ROOT)), model, params);
  }

  private static ProxyException incomplete(String role, String text) {
    if (role == null) {
      return invalid(
          "Incomplete model specification: '"
              + text
              + "'. Expected: backend:model, e.g. 'openai:gpt-4o'");
    }
    return invalid(
        "Incomplete "
            + role
            + " model specification: '"
            + text
            + "'. Expected: "
            + HYBRID_FORMAT
            + ". Example: "
            + HYBRID_EXAMPLE);
  }

  private static Map<String, JsonValue> parseParams(String query, String model) {
    Map<String, JsonValue> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq)).strip();
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1)).strip();
      params.put(key, paramValue(key, value, model));
    }
    return params;
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid("Malformed percent-encoding in model parameter '" + raw + "'");
    }
  }

  private static JsonValue paramValue(String key, String value, String model) {
    return switch (key) {
      case "temperature" -> number(key, value, BigDecimal.ZERO, BigDecimal.valueOf(2));
      case "top_p" -> number(key, value, BigDecimal.ZERO, BigDecimal.ONE);
      case "top_k", "max_tokens" -> positiveInteger(key, value);
      case "reasoning_effort" -> oneOf(key, value, EFFORTS, "minimal|low|medium|high|xhigh|max");
      case "verbosity" -> oneOf(key, value, VERBOSITIES, "low|medium|high");
      default ->
          throw invalid(
              "Unknown model parameter '"
                  + key
                  + "' in '"
                  + model
                  + "'. Allowed parameters: "
                  + KNOWN_KEYS);
    };
  }

  private static JsonValue number(String key, String value, BigDecimal min, BigDecimal max) {
    try {
      BigDecimal number = new BigDecimal(value);
      if (number.compareTo(min) >= 0 && number.compareTo(max) <= 0) {
        return Json.createValue(number);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(
        "Invalid value '"
            + value
            + "' for model parameter '"
            + key
            + "': expected a number from "
            + min
            + " to "
            + max);
  }

  private static JsonValue positiveInteger(String key, String value) {
    try {
      long number = Long.parseLong(value);
      if (number >= 1 && number <= Integer.MAX_VALUE) {
        return Json.createValue(number);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(
        "Invalid value '"
            + value
            + "' for model parameter '"
            + key
            + "': expected an integer of at least 1");
  }

  private static JsonValue oneOf(String key, String value, Set<String> allowed, String shown) {
    String normalized = value.toLowerCase(Locale.ROOT);
    if (allowed.contains(normalized)) {
      return Json.createValue(normalized);
    }
    throw invalid(
        "Invalid value '"
            + value
            + "' for model parameter '"
            + key
            + "': expected one of "
            + shown);
  }

  private static ProxyException invalid(String message) {
    return ProxyException.of(ErrorKind.INVALID_MODEL, message).withParam("model");
  }
}
