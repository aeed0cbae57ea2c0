package dev.hybridproxy.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every configuration key the proxy reads, in one list: the readers validate them, the YAML file
 * knows them, the launcher maps its flags onto them, and {@code docs/configuration.md} is checked
 * against them by a test, so that none of these can drift apart.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /**
   * One key.
   *
   * @param name the MicroProfile Config key
   * @param defaultValue the default, as documented
   * @param range what values are allowed
   * @param meaning what it does, one sentence
   * @param cliFlag the launcher flag that sets it, if it has one of its own
   * @param seedLayout whether the seed's YAML layout may also put it under {@code backends:}
   */
  public record Key(
      String name,
      String defaultValue,
      String range,
      String meaning,
      Optional<String> cliFlag,
      boolean seedLayout) {

    /** The environment variable MicroProfile Config maps to this key. */
    public String environmentVariable() {
      return environmentName(name);
    }
  }

  /** The YAML/CLI file key; read by {@link YamlConfigSource} from system properties and env. */
  public static final String CONFIG_FILE = "config_file";

  public static final String MODEL_ALIASES = "model_aliases";

  /** Every top-level key, in the order the documentation lists them. */
  public static final List<Key> ALL =
      List.of(
          key(
              CONFIG_FILE,
              "(none)",
              "a readable YAML file",
              "YAML file of settings (seed layout or top-level keys); read as a system property or"
                  + " environment variable only",
              "--config FILE"),
          key(
              "default_backend",
              "(none)",
              "a configured backend name",
              "where model names without `backend:` go"),
          key(
              "sse_heartbeat_interval",
              "2",
              "seconds > 0 and <= 86400",
              "seconds between `: keep-alive` comments while a stream is idle"),
          key("max_request_bytes", "10485760", "integer >= 1", "larger request bodies get 413"),
          key(
              "shutdown_grace_period",
              "10",
              "seconds > 0 and <= 86400",
              "how long streams in flight may run on when the server stops"),
          hybrid(
              "disable_hybrid_backend",
              "false",
              "true, false",
              "every `hybrid:` request gets 400 `hybrid_backend_disabled`",
              "--disable-hybrid-backend"),
          hybrid(
              "reasoning_injection_probability",
              "1.0",
              "0 to 1",
              "chance that a request outside the forced turns runs the reasoning leg",
              "--reasoning-injection-probability P"),
          hybrid(
              "hybrid_backend_repeat_messages",
              "false",
              "true, false",
              "the execution request also gets the reasoning as an assistant turn and the last user"
                  + " message repeated",
              "--hybrid-backend-repeat-messages"),
          hybrid(
              "hybrid_reasoning_force_initial_turns",
              "4",
              "integer >= 0",
              "requests whose turn index is below this always reason",
              "--hybrid-reasoning-force-initial-turns N"),
          hybrid(
              "hybrid_reasoning_model_timeout",
              "60",
              "integer >= 1 (seconds)",
              "bounds the whole reasoning leg",
              "--hybrid-reasoning-model-timeout S"),
          hybrid(
              "hybrid_execution_model_timeout",
              "120",
              "integer >= 1 (seconds)",
              "the execution model's time to first byte and longest silence (504)",
              "--hybrid-execution-model-timeout S"),
          hybrid(
              "hybrid_reasoning_latency_threshold",
              "8.0",
              "0 to 86400 (seconds; 0 disables)",
              "a slower reasoning leg makes the next requests of that model skip reasoning",
              null),
          hybrid(
              "hybrid_reasoning_backoff_turns",
              "2",
              "integer >= 0 (0 disables)",
              "requests that skip reasoning after a slow reasoning leg",
              null),
          hybrid(
              "hybrid_reasoning_max_chars",
              "16384",
              "integer >= 1",
              "reasoning characters captured at most; reaching it ends the reasoning leg",
              null),
          hybrid(
              "hybrid_reasoning_failure_mode",
              "continue",
              "continue, fail",
              "whether a failed reasoning leg is answered without reasoning or with 502",
              null),
          hybrid(
              "hybrid_reasoning_output",
              "fields",
              "fields, think-tags, none",
              "how a streamed answer shows the reasoning",
              null),
          key(
              MODEL_ALIASES,
              "(none)",
              "a JSON array of `{\"pattern\",\"replacement\"}` objects or `\"PATTERN=REPLACEMENT\"`"
                  + " strings; YAML: a list",
              "ordered model name rewrites (Java regex, whole name, first match wins, `$1`)",
              "--model-alias P=R (repeatable)"),
          key(
              "planning_phase.enabled",
              "false",
              "true, false",
              "send the first turns of a conversation to a strong model"),
          key(
              "planning_phase.strong_model",
              "(none; required when enabled)",
              "a model selector on configured backends, `hybrid:[...]` included",
              "the model that answers during the planning phase"),
          key(
              "planning_phase.max_turns",
              "10",
              "integer >= 1",
              "the planning phase lasts while the turn index is below this"),
          key(
              "planning_phase.max_file_writes",
              "1",
              "integer >= 1",
              "... and while the conversation made fewer write-type tool calls than this"),
          key(
              "planning_phase.write_tools",
              "write, write_file, write_to_file, edit, edit_file, multi_edit, apply_diff,"
                  + " apply_patch, patch, create_file, str_replace, insert, insert_content,"
                  + " replace_in_file, search_and_replace",
              "comma-separated function names",
              "tool calls that count as file writes"),
          key(
              "planning_phase.overrides.temperature",
              "(none)",
              "0 to 2",
              "temperature of planning-phase requests"),
          key(
              "planning_phase.overrides.top_p",
              "(none)",
              "0 to 1",
              "top_p of planning-phase requests"),
          key(
              "planning_phase.overrides.reasoning_effort",
              "(none)",
              "minimal, low, medium, high, xhigh, max",
              "reasoning_effort of planning-phase requests"),
          key(
              "auth_mode",
              "api-key if proxy_api_keys is set, else none",
              "none, or api-key and/or jwt (comma-separated)",
              "client authentication; none serves this machine only"),
          key(
              "proxy_api_keys",
              "(none)",
              "comma-separated keys",
              "client API keys (Bearer or x-api-key), compared in constant time, never logged"),
          key(
              "auth_lockout_failures",
              "10",
              "integer >= 0 (0 disables)",
              "failed authentications from one address within the window that lock it out"),
          key(
              "auth_lockout_window",
              "60",
              "whole seconds >= 0",
              "the window in which failures are counted"),
          key(
              "auth_lockout_duration",
              "300",
              "whole seconds >= 0",
              "how long a locked-out address gets 429"),
          key(
              "mp.jwt.verify.issuer",
              "(none; required for jwt)",
              "the SSO gateway's issuer",
              "jwt: accepted token issuer"),
          key(
              "mp.jwt.verify.publickey",
              "(none)",
              "PEM public key, JWK or JWK Set",
              "jwt: the gateway's key, inline"),
          key(
              "mp.jwt.verify.publickey.location",
              "(none)",
              "https:// URL, file: URL or path",
              "jwt: where the gateway's keys (JWKS) are"),
          key(
              "mp.jwt.verify.audiences",
              "(none)",
              "comma-separated",
              "jwt: accepted audiences (none: any)"),
          key(
              "mp.jwt.verify.clock.skew",
              "60",
              "whole seconds >= 0",
              "jwt: tolerated clock difference"),
          key(
              "mp.jwt.token.header",
              "Authorization",
              "a header name",
              "jwt: the header carrying the token"));

  /**
   * The fields of {@code backends.<name>.<field>} (SPEC §3.1).
   *
   * @param name the field
   * @param defaultValue its default
   * @param range what values are allowed
   * @param meaning what it does
   */
  public record BackendField(String name, String defaultValue, String range, String meaning) {}

  public static final List<BackendField> BACKEND_FIELDS =
      List.of(
          new BackendField(
              "type",
              "built-in's type, else openai",
              "openai, anthropic, gemini, qwen-oauth",
              "wire protocol"),
          new BackendField(
              "api_url",
              "built-in's URL (`<NAME>_API_BASE_URL`)",
              "absolute http(s) URL",
              "base URL; from configuration only, never from a request"),
          new BackendField(
              "api_key",
              "built-in's key variable",
              "text",
              "upstream credential; never logged or echoed"),
          new BackendField(
              "timeout",
              "120",
              "seconds > 0 and <= 86400",
              "connect + first byte, and the longest silence inside a stream"),
          new BackendField(
              "models",
              "(ask the upstream)",
              "comma-separated; YAML: a list",
              "static model list for `/v1/models`"),
          new BackendField(
              "system_messages",
              "per type",
              "true, false",
              "false: reasoning prefixes the first user message instead of the system message"),
          new BackendField(
              "reasoning_params",
              "per backend preset",
              "a JSON object; YAML: a mapping",
              "fields merged into this backend's reasoning-leg requests"),
          new BackendField(
              "execution_params",
              "per backend preset",
              "a JSON object; YAML: a mapping",
              "fields merged into this backend's execution-leg requests"),
          new BackendField(
              "hybrid_reasoning_failure_mode",
              "hybrid_reasoning_failure_mode",
              "continue, fail",
              "failure mode when this backend is the reasoning backend"),
          new BackendField(
              "responses_models",
              "`(?i)(?!.*-chat)(o1|o3|o4|gpt-5)([-.].*)?`",
              "Java regex, or none",
              "openai: models whose reasoning leg uses the Responses API"),
          new BackendField(
              "credentials_file",
              "~/.qwen/oauth_creds.json",
              "a path",
              "qwen-oauth: the Qwen CLI's token file"),
          new BackendField(
              "token_url",
              "https://chat.qwen.ai/api/v1/oauth2/token",
              "absolute http(s) URL",
              "qwen-oauth: token endpoint"),
          new BackendField(
              "client_id",
              "f0304373b74a44d2b584a3fb70ca9e56",
              "text",
              "qwen-oauth: OAuth client id"));

  private static final Set<String> NAMES =
      ALL.stream().map(Key::name).collect(Collectors.toUnmodifiableSet());
  private static final Set<String> FIELD_NAMES =
      BACKEND_FIELDS.stream().map(BackendField::name).collect(Collectors.toUnmodifiableSet());

  /** Whether {@code name} is a top-level key (not {@code backends.<name>.<field>}). */
  public static boolean isTopLevel(String name) {
    return NAMES.contains(name);
  }

  public static Optional<Key> named(String name) {
    return ALL.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  /** Whether {@code field} is a field of {@code backends.<name>.<field>}. */
  public static boolean isBackendField(String field) {
    return FIELD_NAMES.contains(field);
  }

  /**
   * The environment variable MicroProfile Config maps to a key: every character other than a letter
   * or digit becomes {@code _}, then upper case.
   */
  public static String environmentName(String key) {
    return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  private static Key key(String name, String defaultValue, String range, String meaning) {
    return new Key(name, defaultValue, range, meaning, Optional.empty(), false);
  }

  private static Key key(
      String name, String defaultValue, String range, String meaning, String cliFlag) {
    return new Key(name, defaultValue, range, meaning, Optional.of(cliFlag), false);
  }

  private static Key hybrid(
      String name, String defaultValue, String range, String meaning, String cliFlag) {
    return new Key(name, defaultValue, range, meaning, Optional.ofNullable(cliFlag), true);
  }
}
