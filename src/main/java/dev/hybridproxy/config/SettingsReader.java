package dev.hybridproxy.config;

import dev.hybridproxy.engine.HybridSettings;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns configuration keys into validated settings (SPEC §3.1, §9). Backends are discovered from
 * every key named {@code backends.<name>.<field>}, in any spelling MicroProfile Config maps ({@code
 * BACKENDS_MOCK_API_URL} declares backend {@code mock}); a bad value stops start-up.
 */
public final class SettingsReader {
  static final String PREFIX = "backends";
  private static final List<String> FIELDS =
      List.of(
          "type",
          "api_url",
          "api_key",
          "timeout",
          "models",
          "system_messages",
          "reasoning_params",
          "execution_params",
          "responses_models",
          "credentials_file",
          "token_url",
          "client_id");
  private static final List<String> TYPES = List.of("openai", "anthropic", "gemini", "qwen-oauth");

  /** OpenAI reasoning models whose reasoning leg takes the Responses API, unless configured. */
  public static final String DEFAULT_RESPONSES_MODELS = "(?i)(?!.*-chat)(o1|o3|o4|gpt-5)([-.].*)?";

  static final String QWEN_TOKEN_URL = "https://chat.qwen.ai/api/v1/oauth2/token";
  static final String QWEN_CLIENT_ID = "f0304373b74a44d2b584a3fb70ca9e56";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  private final SettingsSource source;

  public SettingsReader(SettingsSource source) {
    this.source = source;
  }

  public ProxySettings read() {
    Duration heartbeat = seconds("sse_heartbeat_interval", 2.0);
    long maxBytes = positiveLong("max_request_bytes", 10L * 1024 * 1024);
    Optional<String> defaultBackend =
        source
            .get("default_backend")
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(SettingsReader::normalizeName);
    List<BackendSettings> backends = backends();
    defaultBackend.ifPresent(
        name -> {
          if (backends.stream().noneMatch(b -> b.name().equals(name))) {
            throw new InvalidSettingException(
                "default_backend", name, "a configured backend: " + names(backends));
          }
        });
    Duration grace = seconds("shutdown_grace_period", 10.0);
    return new ProxySettings(heartbeat, maxBytes, defaultBackend, backends, grace);
  }

  /**
   * The hybrid backend's keys (SPEC §9), plus {@code backends.<name>.hybrid_reasoning_failure_mode}
   * for each configured backend. A bad value stops start-up.
   */
  public HybridSettings hybrid() {
    HybridSettings defaults = HybridSettings.defaults();
    HybridSettings.FailureMode failureMode =
        failureMode("hybrid_reasoning_failure_mode").orElse(defaults.failureMode());
    Map<String, HybridSettings.FailureMode> perBackend = new LinkedHashMap<>();
    for (BackendSettings backend : backends()) {
      failureMode(key(backend.name(), "hybrid_reasoning_failure_mode"))
          .ifPresent(mode -> perBackend.put(backend.name(), mode));
    }
    return new HybridSettings(
        flag("disable_hybrid_backend", defaults.disabled()),
        fraction("reasoning_injection_probability", defaults.probability()),
        flag("hybrid_backend_repeat_messages", defaults.repeatMessages()),
        source.integer("hybrid_reasoning_force_initial_turns", defaults.forceInitialTurns(), 0),
        Duration.ofSeconds(
            source.integer(
                "hybrid_reasoning_model_timeout", defaults.reasoningTimeout().toSeconds(), 1)),
        Duration.ofSeconds(
            source.integer(
                "hybrid_execution_model_timeout", defaults.executionTimeout().toSeconds(), 1)),
        latencyThreshold(defaults.latencyThreshold()),
        source.integer("hybrid_reasoning_backoff_turns", defaults.backoffTurns(), 0),
        source.integer("hybrid_reasoning_max_chars", defaults.maxChars(), 1),
        failureMode,
        perBackend,
        reasoningOutput().orElse(defaults.output()));
  }

  private boolean flag(String key, boolean defaultValue) {
    return source.get(key).map(v -> bool(key, v)).orElse(defaultValue);
  }

  private double fraction(String key, double defaultValue) {
    Optional<String> value = source.get(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      double parsed = Double.parseDouble(value.get().strip());
      if (parsed >= 0 && parsed <= 1) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSettingException(key, value.get(), "a number from 0 to 1");
  }

  private Duration latencyThreshold(Duration defaultValue) {
    String key = "hybrid_reasoning_latency_threshold";
    Optional<String> value = source.get(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      double seconds = Double.parseDouble(value.get().strip());
      if (seconds >= 0 && seconds <= 86_400) {
        return Duration.ofMillis(Math.round(seconds * 1000));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSettingException(
        key, value.get(), "a number of seconds >= 0 and <= 86400 (0 disables the backoff)");
  }

  private Optional<HybridSettings.FailureMode> failureMode(String key) {
    return source
        .get(key)
        .map(
            value ->
                switch (value.strip().toLowerCase(Locale.ROOT)) {
                  case "continue" -> HybridSettings.FailureMode.CONTINUE;
                  case "fail" -> HybridSettings.FailureMode.FAIL;
                  default -> throw new InvalidSettingException(key, value, "continue, fail");
                });
  }

  private Optional<HybridSettings.ReasoningOutput> reasoningOutput() {
    String key = "hybrid_reasoning_output";
    return source
        .get(key)
        .map(
            value -> {
              for (HybridSettings.ReasoningOutput output :
                  HybridSettings.ReasoningOutput.values()) {
                if (output.label().equals(value.strip().toLowerCase(Locale.ROOT))) {
                  return output;
                }
              }
              throw new InvalidSettingException(key, value, "fields, think-tags, none");
            });
  }

  /** Backend names as selectors use them: lower-case, {@code _} read as {@code -}. */
  public static String normalizeName(String name) {
    return name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private List<BackendSettings> backends() {
    Map<String, Map<String, List<String>>> declared = discover();
    Set<String> names = new LinkedHashSet<>();
    for (BuiltInBackend builtIn : BuiltInBackend.ALL) {
      boolean keySet =
          builtIn.keyVariable().flatMap(source::get).filter(v -> !v.isBlank()).isPresent();
      boolean urlSet = source.get(builtIn.urlVariable()).filter(v -> !v.isBlank()).isPresent();
      if (keySet || (builtIn.keyVariable().isEmpty() && urlSet)) {
        names.add(builtIn.name());
      }
      if (builtIn.type().equals("qwen-oauth")
          && (declared.containsKey(builtIn.name()) || qwenCliSignedIn())) {
        names.add(builtIn.name());
      }
    }
    declared.forEach(
        (name, fields) -> {
          if (fields.containsKey("type")
              || fields.containsKey("api_url")
              || fields.containsKey("api_key")
              || fields.containsKey("credentials_file")) {
            names.add(name);
          }
        });
    List<BackendSettings> backends = new ArrayList<>();
    for (String name : names) {
      backends.add(backend(name, declared.getOrDefault(name, Map.of())));
    }
    return backends;
  }

  /** name → field → the keys (as spelled in their source) that set it. */
  private Map<String, Map<String, List<String>>> discover() {
    List<String> fieldsLongestFirst = new ArrayList<>(FIELDS);
    fieldsLongestFirst.sort(Comparator.comparingInt(String::length).reversed());
    Map<String, Map<String, List<String>>> declared = new LinkedHashMap<>();
    for (String key : source.names()) {
      String lower = key.toLowerCase(Locale.ROOT);
      if (!lower.startsWith(PREFIX + ".") && !lower.startsWith(PREFIX + "_")) {
        continue;
      }
      String rest = lower.substring(PREFIX.length() + 1).replace('-', '_');
      for (String field : fieldsLongestFirst) {
        if (rest.length() > field.length() + 1
            && rest.endsWith(field)
            && (rest.charAt(rest.length() - field.length() - 1) == '.'
                || rest.charAt(rest.length() - field.length() - 1) == '_')) {
          String name = normalizeName(rest.substring(0, rest.length() - field.length() - 1));
          if (NAME.matcher(name).matches() && !name.contains(".")) {
            declared
                .computeIfAbsent(name, n -> new LinkedHashMap<>())
                .computeIfAbsent(field, f -> new ArrayList<>())
                .add(key);
          }
          break;
        }
      }
    }
    return declared;
  }

  private BackendSettings backend(String name, Map<String, List<String>> fields) {
    Optional<BuiltInBackend> builtIn = BuiltInBackend.named(name);
    String typeKey = key(name, "type");
    String type =
        field(name, "type", fields)
            .map(v -> v.strip().toLowerCase(Locale.ROOT))
            .or(() -> builtIn.map(BuiltInBackend::type))
            .orElse("openai");
    if (!TYPES.contains(type)) {
      throw new InvalidSettingException(typeKey, type, String.join(", ", TYPES));
    }
    Optional<String> configuredUrl = field(name, "api_url", fields).filter(v -> !v.isBlank());
    String urlKey =
        configuredUrl.isEmpty() && builtIn.isPresent()
            ? builtIn.get().urlVariable()
            : key(name, "api_url");
    Optional<String> url =
        configuredUrl
            .or(() -> builtIn.flatMap(b -> source.get(b.urlVariable())))
            .filter(v -> !v.isBlank())
            .or(() -> builtIn.map(BuiltInBackend::defaultUrl))
            .or(
                () ->
                    type.equals("qwen-oauth")
                        ? Optional.of(BuiltInBackend.QWEN_OAUTH_DEFAULT_URL)
                        : Optional.empty());
    if (url.isEmpty()) {
      throw new InvalidSettingException(
          key(name, "api_url") + " is required for backend '" + name + "'");
    }
    URI apiUrl = url(urlKey, url.get().strip());
    Optional<String> apiKey =
        field(name, "api_key", fields)
            .or(() -> builtIn.flatMap(BuiltInBackend::keyVariable).flatMap(source::get))
            .map(String::strip)
            .filter(v -> !v.isEmpty());
    Duration timeout =
        field(name, "timeout", fields)
            .map(v -> positiveSeconds(key(name, "timeout"), v))
            .orElse(DEFAULT_TIMEOUT);
    List<String> models =
        field(name, "models", fields)
            .map(
                v ->
                    Arrays.stream(v.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList())
            .orElse(List.of());
    Optional<Boolean> systemMessages =
        field(name, "system_messages", fields).map(v -> bool(key(name, "system_messages"), v));
    Optional<JsonObject> reasoning =
        field(name, "reasoning_params", fields)
            .map(v -> jsonObject(key(name, "reasoning_params"), v));
    Optional<JsonObject> execution =
        field(name, "execution_params", fields)
            .map(v -> jsonObject(key(name, "execution_params"), v));
    Optional<Pattern> responsesModels = Optional.empty();
    if (type.equals("openai")) {
      String patternKey = key(name, "responses_models");
      String pattern =
          field(name, "responses_models", fields)
              .map(String::strip)
              .orElse(DEFAULT_RESPONSES_MODELS);
      if (!pattern.equalsIgnoreCase("none")) {
        responsesModels = Optional.of(pattern(patternKey, pattern));
      }
    }
    Optional<BackendSettings.OAuth> oauth = Optional.empty();
    if (type.equals("qwen-oauth")) {
      Path credentials =
          field(name, "credentials_file", fields)
              .map(String::strip)
              .filter(v -> !v.isEmpty())
              .map(v -> expandHome(key(name, "credentials_file"), v))
              .orElseGet(() -> Path.of(home(), ".qwen", "oauth_creds.json"));
      URI tokenUrl =
          url(
              key(name, "token_url"),
              field(name, "token_url", fields).map(String::strip).orElse(QWEN_TOKEN_URL));
      String clientId =
          field(name, "client_id", fields)
              .map(String::strip)
              .filter(v -> !v.isEmpty())
              .orElse(QWEN_CLIENT_ID);
      oauth = Optional.of(new BackendSettings.OAuth(credentials, tokenUrl, clientId));
    }
    return new BackendSettings(
        name,
        type,
        apiUrl,
        apiKey,
        timeout,
        models,
        systemMessages,
        reasoning,
        execution,
        responsesModels,
        oauth);
  }

  /**
   * The Qwen CLI's credentials file under the configured {@code user.home} (MicroProfile Config
   * sees system properties), if the CLI has signed in there.
   */
  private boolean qwenCliSignedIn() {
    return defaultQwenCredentials().filter(Files::isRegularFile).isPresent();
  }

  private Optional<Path> defaultQwenCredentials() {
    return source
        .get("user.home")
        .filter(v -> !v.isBlank())
        .map(home -> Path.of(home, ".qwen", "oauth_creds.json"));
  }

  private String home() {
    return source
        .get("user.home")
        .filter(v -> !v.isBlank())
        .orElse(System.getProperty("user.home"));
  }

  private Path expandHome(String key, String path) {
    try {
      return path.equals("~") || path.startsWith("~/")
          ? Path.of(home(), path.substring(Math.min(2, path.length())))
          : Path.of(path);
    } catch (InvalidPathException e) {
      throw new InvalidSettingException(key, path, "a file path");
    }
  }

  private static Pattern pattern(String key, String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new InvalidSettingException(key, value, "a Java regular expression, or none");
    }
  }

  private Optional<String> field(String name, String field, Map<String, List<String>> fields) {
    Optional<String> canonical = source.get(key(name, field));
    if (canonical.isPresent()) {
      return canonical;
    }
    for (String spelled : fields.getOrDefault(field, List.of())) {
      Optional<String> value = source.get(spelled);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  private static String key(String name, String field) {
    return PREFIX + "." + name + "." + field;
  }

  private static URI url(String key, String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new InvalidSettingException(key, value, "an absolute http:// or https:// URL");
  }

  private Duration seconds(String key, double defaultSeconds) {
    return source
        .get(key)
        .map(v -> positiveSeconds(key, v))
        .orElse(Duration.ofMillis(Math.round(defaultSeconds * 1000)));
  }

  private static Duration positiveSeconds(String key, String value) {
    try {
      double seconds = Double.parseDouble(value.strip());
      if (seconds > 0 && seconds <= 86_400) {
        return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSettingException(key, value, "a number of seconds > 0 and <= 86400");
  }

  private long positiveLong(String key, long defaultValue) {
    Optional<String> value = source.get(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      long parsed = Long.parseLong(value.get().strip());
      if (parsed >= 1) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSettingException(key, value.get(), "an integer >= 1");
  }

  private static boolean bool(String key, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidSettingException(key, value, "true or false");
    };
  }

  private static JsonObject jsonObject(String key, String value) {
    try (JsonReader reader = Json.createReader(new StringReader(value))) {
      JsonValue parsed = reader.readValue();
      if (parsed instanceof JsonObject object) {
        return object;
      }
    } catch (JsonException e) {
      // reported below
    }
    throw new InvalidSettingException(key, value, "a JSON object, e.g. {\"temperature\":0.2}");
  }

  private static String names(List<BackendSettings> backends) {
    return backends.isEmpty()
        ? "(none)"
        : String.join(", ", backends.stream().map(BackendSettings::name).toList());
  }
}
