package dev.hybridproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsReaderTest {

  /** A settings source over a map, spelled as its keys are (like environment variables). */
  private record MapSource(Map<String, String> values) implements SettingsSource {
    @Override
    public Optional<String> get(String key) {
      return Optional.ofNullable(values.get(key));
    }

    @Override
    public Iterable<String> names() {
      return values.keySet();
    }
  }

  private static ProxySettings read(String... keyValues) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return new SettingsReader(new MapSource(values)).read();
  }

  private static BackendSettings backend(ProxySettings settings, String name) {
    return settings.backends().stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void declaresABackendFromEnvironmentVariablesAlone() {
    ProxySettings settings =
        read(
            "BACKENDS_MOCK_TYPE", "openai",
            "BACKENDS_MOCK_API_URL", "http://127.0.0.1:18080/v1",
            "BACKENDS_MOCK_API_KEY", "sk-test-mock",
            "BACKENDS_MOCK_TIMEOUT", "7",
            "BACKENDS_MOCK_MODELS", "a, b");

    BackendSettings mock = backend(settings, "mock");
    assertThat(mock.type()).isEqualTo("openai");
    assertThat(mock.apiUrl()).isEqualTo(URI.create("http://127.0.0.1:18080/v1"));
    assertThat(mock.apiKey()).contains("sk-test-mock");
    assertThat(mock.timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(mock.models()).containsExactly("a", "b");
  }

  @Test
  void readsUnderscoresInAnEnvironmentNameAsDashes() {
    ProxySettings settings =
        read("BACKENDS_MY_LLM_API_URL", "http://localhost:1/v1", "BACKENDS_MY_LLM_TYPE", "openai");

    assertThat(settings.backends()).extracting(BackendSettings::name).containsExactly("my-llm");
  }

  @Test
  void readsDottedPropertyKeys() {
    ProxySettings settings =
        read(
            "backends.local.api_url",
            "http://localhost:11434/v1",
            "backends.local.system_messages",
            "false");

    BackendSettings local = backend(settings, "local");
    assertThat(local.type()).isEqualTo("openai");
    assertThat(local.systemMessages()).contains(false);
  }

  @Test
  void enablesABuiltInBackendByItsSeedKeyVariable() {
    ProxySettings settings =
        read(
            "MINIMAX_API_KEY",
            "sk-minimax-test",
            "OPENAI_API_KEY",
            "sk-openai-test",
            "OPENAI_API_BASE_URL",
            "http://127.0.0.1:9999/v1");

    assertThat(backend(settings, "minimax").apiUrl())
        .isEqualTo(URI.create("https://api.minimax.io/v1"));
    assertThat(backend(settings, "minimax").apiKey()).contains("sk-minimax-test");
    assertThat(backend(settings, "openai").apiUrl())
        .isEqualTo(URI.create("http://127.0.0.1:9999/v1"));
  }

  @Test
  void leavesBuiltInsWithoutKeysDisabled() {
    assertThat(read().backends()).isEmpty();
  }

  @Test
  void ignoresHybridKeysThatOnlyLookLikeBackendFields() {
    ProxySettings settings =
        read(
            "backends.hybrid_reasoning_model_timeout",
            "60",
            "BACKENDS_REASONING_INJECTION_PROBABILITY",
            "0.5");

    assertThat(settings.backends()).isEmpty();
  }

  @Test
  void readsProxyWideSettings() {
    ProxySettings settings =
        read(
            "sse_heartbeat_interval",
            "0.5",
            "max_request_bytes",
            "2048",
            "BACKENDS_MOCK_API_URL",
            "http://localhost:1/v1",
            "default_backend",
            "MOCK");

    assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.maxRequestBytes()).isEqualTo(2048);
    assertThat(settings.defaultBackend()).contains("mock");
  }

  @Test
  void stopsOnAnUnknownBackendType() {
    assertThatThrownBy(() -> read("BACKENDS_X_TYPE", "soap", "BACKENDS_X_API_URL", "http://h/v1"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("backends.x.type=soap");
  }

  @Test
  void stopsOnARelativeUrl() {
    assertThatThrownBy(() -> read("BACKENDS_X_API_URL", "localhost:8080"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("backends.x.api_url")
        .hasMessageContaining("absolute http");
  }

  @Test
  void stopsOnANonPositiveHeartbeat() {
    assertThatThrownBy(() -> read("sse_heartbeat_interval", "0"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("sse_heartbeat_interval=0");
  }

  @Test
  void stopsOnADefaultBackendThatIsNotConfigured() {
    assertThatThrownBy(() -> read("default_backend", "openai"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("default_backend=openai");
  }

  @Test
  void stopsOnParamsThatAreNotAJsonObject() {
    assertThatThrownBy(
            () -> read("BACKENDS_X_API_URL", "http://h/v1", "BACKENDS_X_REASONING_PARAMS", "[1]"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("a JSON object");
  }

  @Test
  void neverPrintsTheKeyInItsDescription() {
    BackendSettings mock =
        backend(
            read(
                "BACKENDS_MOCK_API_URL",
                "http://h/v1",
                "BACKENDS_MOCK_API_KEY",
                "sk-secret-123456"),
            "mock");

    assertThat(mock.toString()).doesNotContain("sk-secret").contains("(set)");
    assertThat(List.of(mock).toString()).doesNotContain("sk-secret");
  }
}
