package dev.hybridproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.HybridSettings;
import dev.hybridproxy.engine.ProxyException;
import jakarta.json.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §9: every knob reaches the engine from every surface (YAML file in both layouts,
 * environment, command line), and the surfaces rank defaults &lt; YAML &lt; environment &lt;
 * command line. The command line is the real {@code bin/hybrid-proxy}; the lookup rule is
 * MicroProfile Config's ({@link LayeredConfig}).
 */
class ConfigurationSurfacesTest {
  private static final Path PUBLIC_KEY =
      Path.of("src/test/resources/auth/test-gateway-public-key.pem").toAbsolutePath();

  @TempDir Path dir;
  private ProxyStartup proxy;

  @BeforeEach
  void setUp() {
    assumeTrue(Launcher.available(), "bash and bin/hybrid-proxy");
    proxy = new ProxyStartup(dir);
  }

  @AfterEach
  void tearDown() {
    proxy.close();
  }

  /** One knob: keys set together on one surface, and what the started proxy must show for them. */
  record Knob(
      String name,
      Map<String, String> values,
      Function<ProxyConfiguration, Object> actual,
      Object expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Knob knob(
      String key, String value, Function<ProxyConfiguration, Object> actual, Object expected) {
    return new Knob(key, Map.of(key, value), actual, expected);
  }

  private static Knob knob(
      String name,
      Map<String, String> values,
      Function<ProxyConfiguration, Object> actual,
      Object expected) {
    return new Knob(name, new TreeMap<>(values), actual, expected);
  }

  private static HybridSettings hybrid(ProxyConfiguration c) {
    return c.hybridEngine().settings();
  }

  private static Map<String, String> planning(String key, String value) {
    return Map.of(
        "planning_phase.enabled", "true", "planning_phase.strong_model", "mock:big", key, value);
  }

  static List<Knob> knobs() {
    return List.of(
        knob("disable_hybrid_backend", "true", c -> c.hybridEngine().disabled(), true),
        knob("reasoning_injection_probability", "0.25", c -> hybrid(c).probability(), 0.25),
        knob("hybrid_backend_repeat_messages", "true", c -> hybrid(c).repeatMessages(), true),
        knob("hybrid_reasoning_force_initial_turns", "7", c -> hybrid(c).forceInitialTurns(), 7),
        knob(
            "hybrid_reasoning_model_timeout",
            "33",
            c -> hybrid(c).reasoningTimeout(),
            Duration.ofSeconds(33)),
        knob(
            "hybrid_execution_model_timeout",
            "44",
            c -> hybrid(c).executionTimeout(),
            Duration.ofSeconds(44)),
        knob(
            "hybrid_reasoning_latency_threshold",
            "2.5",
            c -> hybrid(c).latencyThreshold(),
            Duration.ofMillis(2500)),
        knob("hybrid_reasoning_backoff_turns", "5", c -> hybrid(c).backoffTurns(), 5),
        knob("hybrid_reasoning_max_chars", "999", c -> hybrid(c).maxChars(), 999),
        knob(
            "hybrid_reasoning_failure_mode",
            "fail",
            c -> hybrid(c).failureMode(),
            HybridSettings.FailureMode.FAIL),
        knob(
            "hybrid_reasoning_output",
            "think-tags",
            c -> hybrid(c).output(),
            HybridSettings.ReasoningOutput.THINK_TAGS),
        knob(
            "sse_heartbeat_interval",
            "3",
            c -> c.settings().heartbeatInterval(),
            Duration.ofSeconds(3)),
        knob("max_request_bytes", "2048", c -> c.settings().maxRequestBytes(), 2048L),
        knob(
            "shutdown_grace_period",
            "4",
            c -> c.settings().shutdownGracePeriod(),
            Duration.ofSeconds(4)),
        knob("default_backend", "mock", c -> c.settings().defaultBackend(), Optional.of("mock")),
        knob(
            ConfigKeys.MODEL_ALIASES,
            "[{\"pattern\":\"fast\",\"replacement\":\"mock:m1\"}]",
            c -> c.modelRouting().aliases().rules().stream().map(Object::toString).toList(),
            List.of("fast=mock:m1")),
        knob(
            "planning_phase.enabled",
            Map.of("planning_phase.enabled", "true", "planning_phase.strong_model", "mock:big"),
            c -> c.modelRouting().planning().map(p -> p.strongModel()),
            Optional.of("mock:big")),
        knob(
            "planning_phase.max_turns",
            planning("planning_phase.max_turns", "3"),
            c -> c.modelRouting().planning().orElseThrow().maxTurns(),
            3),
        knob(
            "planning_phase.max_file_writes",
            planning("planning_phase.max_file_writes", "2"),
            c -> c.modelRouting().planning().orElseThrow().maxFileWrites(),
            2),
        knob(
            "planning_phase.write_tools",
            planning("planning_phase.write_tools", "save"),
            c -> c.modelRouting().planning().orElseThrow().writeTools(),
            java.util.Set.of("save")),
        knob(
            "planning_phase.overrides",
            Map.of(
                "planning_phase.enabled", "true",
                "planning_phase.strong_model", "mock:big",
                "planning_phase.overrides.temperature", "0.3",
                "planning_phase.overrides.top_p", "0.8",
                "planning_phase.overrides.reasoning_effort", "low"),
            c -> c.modelRouting().planning().orElseThrow().overrides(),
            Map.of(
                "temperature", Json.createValue(new BigDecimal("0.3")),
                "top_p", Json.createValue(new BigDecimal("0.8")),
                "reasoning_effort", Json.createValue("low"))),
        knob(
            "auth api-key",
            Map.of("auth_mode", "api-key", "proxy_api_keys", "k-1,k-2"),
            c -> c.authSettings().apiKeys(),
            List.of("k-1", "k-2")),
        knob(
            "auth lockout",
            Map.of(
                "auth_lockout_failures", "3",
                "auth_lockout_window", "30",
                "auth_lockout_duration", "90"),
            c ->
                List.of(
                    c.authSettings().lockoutFailures(),
                    c.authSettings().lockoutWindow(),
                    c.authSettings().lockoutDuration()),
            List.of(3, Duration.ofSeconds(30), Duration.ofSeconds(90))),
        knob(
            "auth jwt",
            Map.of(
                "auth_mode", "jwt",
                "mp.jwt.verify.issuer", "https://sso.test/realms/ai",
                "mp.jwt.verify.publickey.location", PUBLIC_KEY.toString(),
                "mp.jwt.verify.audiences", "proxy,other",
                "mp.jwt.verify.clock.skew", "5",
                "mp.jwt.token.header", "X-Forwarded-Access-Token"),
            c -> c.authSettings().jwt().orElseThrow(),
            new AuthSettings.Jwt(
                "https://sso.test/realms/ai",
                Optional.empty(),
                Optional.of(PUBLIC_KEY.toUri()),
                List.of("proxy", "other"),
                Duration.ofSeconds(5),
                "X-Forwarded-Access-Token")),
        knob(
            "a backend",
            Map.of(
                "backends.extra.type", "anthropic",
                "backends.extra.api_url", "https://llm.example.test/v1",
                "backends.extra.api_key", "sk-ant-FAKE",
                "backends.extra.timeout", "7",
                "backends.extra.models", "a,b",
                "backends.extra.system_messages", "false",
                "backends.extra.reasoning_params", "{\"thinking\":{\"type\":\"enabled\"}}"),
            c -> {
              BackendSettings b =
                  c.settings().backends().stream()
                      .filter(s -> s.name().equals("extra"))
                      .findFirst()
                      .orElseThrow();
              return List.of(
                  b.type(),
                  b.apiUrl(),
                  b.apiKey(),
                  b.timeout(),
                  b.models(),
                  b.systemMessages(),
                  b.reasoningParams().orElseThrow().toString());
            },
            List.of(
                "anthropic",
                URI.create("https://llm.example.test/v1"),
                Optional.of("sk-ant-FAKE"),
                Duration.ofSeconds(7),
                List.of("a", "b"),
                Optional.of(false),
                "{\"thinking\":{\"type\":\"enabled\"}}")));
  }

  enum Surface {
    YAML,
    YAML_UNDER_BACKENDS,
    ENVIRONMENT,
    COMMAND_LINE
  }

  static Stream<Arguments> knobsOnSurfaces() {
    List<Arguments> cases = new ArrayList<>();
    for (Knob knob : knobs()) {
      for (Surface surface : Surface.values()) {
        boolean seedKeys =
            knob.values().keySet().stream()
                .allMatch(k -> ConfigKeys.named(k).map(ConfigKeys.Key::seedLayout).orElse(false));
        if (surface != Surface.YAML_UNDER_BACKENDS || seedKeys) {
          cases.add(Arguments.of(knob, surface));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} from {1}")
  @MethodSource("knobsOnSurfaces")
  void everyKnobReachesTheEngineFromEverySurface(Knob knob, Surface surface) {
    ProxyConfiguration configuration =
        switch (surface) {
          case YAML -> proxy.start(nestedYaml(knob.values()), Map.of(), Map.of());
          case YAML_UNDER_BACKENDS -> proxy.start(seedYaml(knob.values()), Map.of(), Map.of());
          case ENVIRONMENT -> proxy.start((String) null, environment(knob.values()), Map.of());
          case COMMAND_LINE -> proxy.launch(null, Map.of(), commandLine(knob.values()));
        };

    assertThat(configuration.state().problem()).isEmpty();
    assertThat(knob.actual().apply(configuration)).isEqualTo(knob.expected());
  }

  /** {@code a.b.c: v} written as nested mappings. */
  private static String nestedYaml(Map<String, String> values) {
    Map<String, Object> tree = new TreeMap<>();
    values.forEach(
        (key, value) -> {
          String[] parts = key.split("\\.");
          Map<String, Object> node = tree;
          for (int i = 0; i < parts.length - 1; i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> child =
                (Map<String, Object>) node.computeIfAbsent(parts[i], p -> new TreeMap<>());
            node = child;
          }
          node.put(parts[parts.length - 1], value);
        });
    StringBuilder yaml = new StringBuilder();
    write(tree, "", yaml);
    return yaml.toString();
  }

  private static void write(Map<String, Object> node, String indent, StringBuilder yaml) {
    node.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> child) {
            yaml.append(indent).append(key).append(":\n");
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) child;
            write(map, indent + "  ", yaml);
          } else {
            yaml.append(indent).append(key).append(": ").append(scalar(key, (String) value));
            yaml.append('\n');
          }
        });
  }

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._/-]+");

  private static String scalar(String key, String value) {
    if (key.equals(ConfigKeys.MODEL_ALIASES) || PLAIN.matcher(value).matches()) {
      return value;
    }
    return "'" + value.replace("'", "''") + "'";
  }

  /** The seed's layout: {@code backends: {reasoning_injection_probability: 0.5}}. */
  private static String seedYaml(Map<String, String> values) {
    StringBuilder yaml = new StringBuilder("backends:\n");
    values.forEach(
        (k, v) -> yaml.append("  ").append(k).append(": ").append(scalar(k, v)).append('\n'));
    return yaml.toString();
  }

  private static Map<String, String> environment(Map<String, String> values) {
    Map<String, String> env = new LinkedHashMap<>();
    values.forEach((k, v) -> env.put(ConfigKeys.environmentName(k), v));
    return env;
  }

  /** The launcher's own flag where the key has one, {@code -D key=value} otherwise. */
  private static String[] commandLine(Map<String, String> values) {
    List<String> args = new ArrayList<>();
    values.forEach(
        (key, value) -> {
          Optional<String> flag = ConfigKeys.named(key).flatMap(ConfigKeys.Key::cliFlag);
          if (key.equals(ConfigKeys.MODEL_ALIASES)) {
            args.addAll(List.of("--model-alias", "fast=mock:m1"));
          } else if (flag.isPresent()) {
            String[] parts = flag.get().split(" ");
            args.add(parts[0]);
            if (parts.length > 1) {
              args.add(value);
            }
          } else {
            args.addAll(List.of("-D", key + "=" + value));
          }
        });
    return args.toArray(String[]::new);
  }

  @Test
  void theCommandLineBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefaults() {
    String yaml = "backends:\n  reasoning_injection_probability: 0.9\n";
    Map<String, String> env = Map.of("REASONING_INJECTION_PROBABILITY", "0.6");
    String[] cli = {"--reasoning-injection-probability", "0.5"};

    assertThat(hybrid(proxy.launch(yaml, env, cli)).probability()).isEqualTo(0.5);
    assertThat(hybrid(proxy.launch(yaml, env)).probability()).isEqualTo(0.6);
    assertThat(hybrid(proxy.launch(yaml, Map.of())).probability()).isEqualTo(0.9);
    assertThat(hybrid(proxy.launch(null, Map.of())).probability()).isEqualTo(1.0);
    assertThat(hybrid(proxy.launch(null, Map.of(), cli)).probability()).isEqualTo(0.5);
  }

  @Test
  void theEnvironmentBeatsTheFileForABackendsField() {
    String yaml = "backends:\n  mock:\n    models: [from-yaml]\n    timeout: 9\n";

    ProxyConfiguration configuration =
        proxy.start(yaml, Map.of("BACKENDS_MOCK_MODELS", "from-env"), Map.of());

    BackendSettings mock = configuration.settings().backends().get(0);
    assertThat(mock.models()).containsExactly("from-env");
    assertThat(mock.timeout()).isEqualTo(Duration.ofSeconds(9));
  }

  @Test
  void commandLineAliasesReplaceTheFilesList() {
    String yaml =
        "model_aliases:\n  - yaml-only=mock:m1\n  - {pattern: shared, replacement: mock:m1}\n";

    ProxyConfiguration configuration =
        proxy.launch(
            yaml, Map.of(), "--model-alias", "cli=mock:big", "--model-alias", "shared=mock:big");

    assertThat(configuration.modelRouting().aliases().rules().stream().map(Object::toString))
        .containsExactly("cli=mock:big", "shared=mock:big");
    assertThat(configuration.modelCatalog().list().stream().map(e -> e.id()))
        .containsExactly("mock:m1", "mock:big", "cli", "shared");
  }

  @Test
  void theSeedsCommandLineStartsTheProxy() {
    ProxyConfiguration configuration =
        proxy.launch(
            null,
            Map.of(),
            "--reasoning-injection-probability",
            "0.5",
            "--hybrid-backend-repeat-messages");

    assertThat(configuration.state().problem()).isEmpty();
    assertThat(hybrid(configuration).probability()).isEqualTo(0.5);
    assertThat(hybrid(configuration).repeatMessages()).isTrue();
  }

  @Test
  void aMissingFileStopsTheProxyNamingTheFile() {
    Path missing = dir.resolve("nowhere.yaml");

    ProxyConfiguration configuration =
        proxy.start(new YamlConfigSource(Optional.of(missing)), Map.of(), Map.of());

    assertNotServing(configuration, "config_file " + missing + " does not exist");
  }

  @Test
  void aMalformedFileStopsTheProxyNamingTheLineButNoSecret() {
    ProxyConfiguration configuration =
        proxy.start(
            "backends:\n  openai:\n    api_key: sk-SECRET-FAKE\n    models: [a, b\n",
            Map.of(),
            Map.of());

    assertNotServing(configuration, "is not valid YAML");
    assertThat(configuration.state().problem().orElseThrow())
        .contains("line 5, column 1")
        .doesNotContain("sk-SECRET-FAKE");
  }

  @Test
  void aBadValueInTheFileStopsTheProxyNamingKeyValueAndRange() {
    ProxyConfiguration configuration =
        proxy.start("backends:\n  reasoning_injection_probability: 2\n", Map.of(), Map.of());

    assertNotServing(
        configuration, "reasoning_injection_probability=2 (allowed: a number from 0 to 1)");
  }

  @Test
  void aBadAliasOnTheCommandLineStopsTheProxyNamingTheRule() {
    ProxyConfiguration configuration =
        proxy.launch(
            null, Map.of(), "--model-alias", "ok=mock:m1", "--model-alias", "co(der=mock:m1");

    assertNotServing(
        configuration, "model_aliases rule 2 'co(der=mock:m1': invalid regular expression");
  }

  private static final String KEYED_BACKEND =
      "backends:\n  keyed:\n    api_url: http://127.0.0.1:9/v1\n    api_key: ${KEYED_KEY}\n";

  @Test
  void aFileMayReferToAnEnvironmentVariable() {
    ProxyConfiguration configuration =
        proxy.start(KEYED_BACKEND, Map.of("KEYED_KEY", "sk-from-env-FAKE"), Map.of());

    assertThat(
            configuration.settings().backends().stream()
                .filter(b -> b.name().equals("keyed"))
                .map(BackendSettings::apiKey))
        .containsExactly(Optional.of("sk-from-env-FAKE"));
  }

  @Test
  void aReferenceToAnUndefinedVariableStopsTheProxyInsteadOfDroppingTheValue() {
    ProxyConfiguration configuration = proxy.start(KEYED_BACKEND, Map.of(), Map.of());

    assertNotServing(
        configuration, "backends.keyed.api_key refers to ${KEYED_KEY} in YAML configuration file ");
  }

  private static void assertNotServing(ProxyConfiguration configuration, String reason) {
    assertThat(configuration.state().read()).isTrue();
    assertThat(configuration.state().problem())
        .hasValueSatisfying(p -> assertThat(p).contains(reason));
    assertThatThrownBy(configuration::chatCompletions)
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
              assertThat(e.getMessage())
                  .startsWith("The proxy is not configured: ")
                  .contains(reason);
            });
  }
}
