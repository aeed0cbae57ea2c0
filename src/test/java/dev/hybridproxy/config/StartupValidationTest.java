package dev.hybridproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §9 "validation at start-up": for every key and every backend field, an unparseable or
 * out-of-range value stops the proxy with a message naming the key, the value and what is allowed.
 * Keys that take any text are listed as such, and the test fails when a key is neither.
 */
class StartupValidationTest {
  /** Keys whose every value is acceptable (free text), so there is no bad value to try. */
  private static final Set<String> FREE_TEXT =
      Set.of(
          ConfigKeys.CONFIG_FILE, // its problems are the file's: ConfigurationSurfacesTest
          "mp.jwt.verify.audiences",
          "mp.jwt.token.header",
          "backends.<name>.api_key",
          "backends.<name>.models",
          "backends.<name>.client_id");

  private static final Set<String> NOT_ECHOED = Set.of("proxy_api_keys", "mp.jwt.verify.publickey");

  private static final String JWT_BASE =
      "auth_mode=jwt;mp.jwt.verify.issuer=https://sso.test;mp.jwt.verify.publickey.location="
          + Path.of("src/test/resources/auth/test-gateway-public-key.pem").toAbsolutePath();

  /**
   * A bad value for one key, with whatever else it needs to be read.
   *
   * @param key the key under test
   * @param bad its bad value
   * @param context other settings that make the key count
   * @param allowed what the message must say is allowed
   */
  record Case(String key, String bad, String context, String allowed) {
    @Override
    public String toString() {
      return key + "=" + bad;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("default_backend", "nope", "", "a configured backend: mock"),
        new Case("sse_heartbeat_interval", "0", "", "a number of seconds > 0 and <= 86400"),
        new Case("max_request_bytes", "ten", "", "an integer >= 1"),
        new Case("shutdown_grace_period", "-1", "", "a number of seconds > 0 and <= 86400"),
        new Case("disable_hybrid_backend", "yes", "", "true or false"),
        new Case("reasoning_injection_probability", "1.5", "", "a number from 0 to 1"),
        new Case("hybrid_backend_repeat_messages", "1", "", "true or false"),
        new Case("hybrid_reasoning_force_initial_turns", "-1", "", "an integer >= 0"),
        new Case("hybrid_reasoning_model_timeout", "0", "", "an integer >= 1"),
        new Case("hybrid_execution_model_timeout", "1.5", "", "an integer >= 1"),
        new Case(
            "hybrid_reasoning_latency_threshold",
            "-1",
            "",
            "a number of seconds >= 0 and <= 86400 (0 disables the backoff)"),
        new Case("hybrid_reasoning_backoff_turns", "x", "", "an integer >= 0"),
        new Case("hybrid_reasoning_max_chars", "0", "", "an integer >= 1"),
        new Case("hybrid_reasoning_failure_mode", "retry", "", "continue, fail"),
        new Case("hybrid_reasoning_output", "xml", "", "fields, think-tags, none"),
        new Case(ConfigKeys.MODEL_ALIASES, "coder", "", "a JSON array"),
        new Case("planning_phase.enabled", "on", "", "true or false"),
        new Case("planning_phase.strong_model", "nope:x", "", "a selector on a configured backend"),
        new Case("planning_phase.max_turns", "0", "", "an integer >= 1"),
        new Case("planning_phase.max_file_writes", "-2", "", "an integer >= 1"),
        new Case("planning_phase.write_tools", ",", "", "comma-separated function names"),
        new Case("planning_phase.overrides.temperature", "3", "", "a number from 0 to 2"),
        new Case("planning_phase.overrides.top_p", "1.1", "", "a number from 0 to 1"),
        new Case(
            "planning_phase.overrides.reasoning_effort",
            "huge",
            "",
            "minimal, low, medium, high, xhigh, max"),
        new Case("auth_mode", "basic", "", "none, or api-key and/or jwt"),
        new Case(
            "proxy_api_keys", " , ", "auth_mode=api-key", "at least one key in proxy_api_keys"),
        new Case("auth_lockout_failures", "-1", "", "an integer >= 0"),
        new Case("auth_lockout_window", "1.5", "", "a whole number of seconds >= 0"),
        new Case("auth_lockout_duration", "x", "", "a whole number of seconds >= 0"),
        new Case("mp.jwt.verify.issuer", " ", "auth_mode=jwt", "needs mp.jwt.verify.issuer"),
        new Case(
            "mp.jwt.verify.publickey",
            "not-a-key",
            "auth_mode=jwt;mp.jwt.verify.issuer=https://sso.test",
            "not a usable PEM public key"),
        new Case(
            "mp.jwt.verify.publickey.location",
            "bad\u0000path",
            "auth_mode=jwt;mp.jwt.verify.issuer=https://sso.test",
            "an https:// URL, a file: URL or a path"),
        new Case("mp.jwt.verify.clock.skew", "-5", JWT_BASE, "a whole number of seconds >= 0"),
        new Case("backends.<name>.type", "grpc", "", "openai, anthropic, gemini, qwen-oauth"),
        new Case("backends.<name>.api_url", "ftp://x", "", "an absolute http:// or https:// URL"),
        new Case("backends.<name>.timeout", "0", "", "a number of seconds > 0 and <= 86400"),
        new Case("backends.<name>.system_messages", "maybe", "", "true or false"),
        new Case("backends.<name>.reasoning_params", "[1]", "", "a JSON object"),
        new Case("backends.<name>.execution_params", "{", "", "a JSON object"),
        new Case("backends.<name>.hybrid_reasoning_failure_mode", "retry", "", "continue, fail"),
        new Case("backends.<name>.responses_models", "(", "", "a Java regular expression, or none"),
        new Case(
            "backends.<name>.credentials_file",
            "bad\u0000path",
            "backends.mock.type=qwen-oauth",
            "a file path"),
        new Case(
            "backends.<name>.token_url",
            "token-endpoint",
            "backends.mock.type=qwen-oauth",
            "an absolute http:// or https:// URL"));
  }

  @TempDir Path dir;
  private ProxyStartup proxy;

  @BeforeEach
  void setUp() {
    proxy = new ProxyStartup(dir);
  }

  @AfterEach
  void tearDown() {
    proxy.close();
  }

  static Stream<Case> badValues() {
    return cases().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void aBadValueStopsTheProxyNamingKeyValueAndRange(Case bad) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (String entry : bad.context().split(";")) {
      if (!entry.isEmpty()) {
        properties.put(
            entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
      }
    }
    String key = bad.key().replace("<name>", "mock");
    properties.put(key, bad.bad());

    ProxyConfiguration configuration = proxy.start((String) null, Map.of(), properties);

    String problem = configuration.state().problem().orElseThrow();
    assertThat(problem).contains(key).contains(bad.allowed());
    // not echoed: client keys (secrets) and inline public keys (multi-line PEM or JSON)
    if (!bad.bad().isBlank() && !NOT_ECHOED.contains(bad.key())) {
      assertThat(problem).contains(bad.bad());
    }
  }

  @Test
  void everyKeyAndBackendFieldIsValidatedOrTakesAnyText() {
    Set<String> covered = new HashSet<>(FREE_TEXT);
    cases().forEach(c -> covered.add(c.key()));
    Set<String> all = new HashSet<>();
    ConfigKeys.ALL.forEach(k -> all.add(k.name()));
    ConfigKeys.BACKEND_FIELDS.forEach(f -> all.add("backends.<name>." + f.name()));

    assertThat(covered).containsExactlyInAnyOrderElementsOf(all);
  }
}
