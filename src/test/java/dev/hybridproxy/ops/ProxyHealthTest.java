package dev.hybridproxy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hybridproxy.config.ProxyConfiguration;
import dev.hybridproxy.engine.Telemetry;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Readiness follows the configuration: UP with backends, DOWN without, DOWN with the reason. */
class ProxyHealthTest {
  private ProxyConfiguration configuration;

  /** MicroProfile Config over a map of string values. */
  private record MapConfig(Map<String, String> values) implements Config {
    @Override
    public <T> T getValue(String name, Class<T> type) {
      return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
    }

    @Override
    public ConfigValue getConfigValue(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
      return Optional.ofNullable(values.get(name)).map(type::cast);
    }

    @Override
    public Iterable<String> getPropertyNames() {
      return values.keySet();
    }

    @Override
    public Iterable<ConfigSource> getConfigSources() {
      return java.util.List.of();
    }

    @Override
    public <T> Optional<Converter<T>> getConverter(Class<T> type) {
      return Optional.empty();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
      throw new IllegalArgumentException();
    }
  }

  /** A plain response builder: outside a server no MicroProfile Health runtime provides one. */
  private static final class PlainBuilder extends HealthCheckResponseBuilder {
    private String name;
    private boolean up;
    private final Map<String, Object> data = new java.util.LinkedHashMap<>();

    @Override
    public HealthCheckResponseBuilder name(String value) {
      name = value;
      return this;
    }

    @Override
    public HealthCheckResponseBuilder withData(String key, String value) {
      data.put(key, value);
      return this;
    }

    @Override
    public HealthCheckResponseBuilder withData(String key, long value) {
      data.put(key, value);
      return this;
    }

    @Override
    public HealthCheckResponseBuilder withData(String key, boolean value) {
      data.put(key, value);
      return this;
    }

    @Override
    public HealthCheckResponseBuilder up() {
      up = true;
      return this;
    }

    @Override
    public HealthCheckResponseBuilder down() {
      up = false;
      return this;
    }

    @Override
    public HealthCheckResponseBuilder status(boolean value) {
      up = value;
      return this;
    }

    @Override
    public HealthCheckResponse build() {
      return new HealthCheckResponse(
          name,
          up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
          Optional.of(Map.copyOf(data)));
    }
  }

  static {
    HealthCheckResponse.setResponseProvider(PlainBuilder::new);
  }

  private HealthCheckResponse readiness(Map<String, String> values) {
    configuration = new ProxyConfiguration(new MapConfig(values), Telemetry.NONE);
    configuration.onStartForTest();
    return new ProxyHealth(configuration).ready().call();
  }

  @AfterEach
  void closeEngine() {
    if (configuration != null) {
      configuration.closeForTest();
    }
  }

  @Test
  void isReadyWhenTheConfigurationIsValidAndABackendIsConfigured() {
    HealthCheckResponse ready = readiness(Map.of("BACKENDS_MOCK_API_URL", "http://127.0.0.1:1/v1"));

    assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    assertThat(ready.getData().orElseThrow()).containsEntry("backends", 1L);
  }

  @Test
  void isNotReadyWithoutAnyBackend() {
    HealthCheckResponse ready = readiness(Map.of());

    assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    assertThat(ready.getData().orElseThrow().get("reason")).isEqualTo("no backend is configured");
  }

  @Test
  void isNotReadyAndSaysWhyWhenASettingIsInvalid() {
    HealthCheckResponse ready =
        readiness(
            Map.of(
                "BACKENDS_MOCK_API_URL", "http://127.0.0.1:1/v1",
                "hybrid_reasoning_max_chars", "lots"));

    assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    assertThat((String) ready.getData().orElseThrow().get("reason"))
        .contains("hybrid_reasoning_max_chars")
        .contains("lots");
    assertThat(configuration.state().problem()).isPresent();
  }

  @Test
  void isAliveWhateverTheConfiguration() {
    configuration =
        new ProxyConfiguration(
            new MapConfig(Map.of("sse_heartbeat_interval", "-1")), Telemetry.NONE);
    configuration.onStartForTest();

    assertThat(new ProxyHealth(configuration).alive().call().getStatus())
        .isEqualTo(HealthCheckResponse.Status.UP);
    assertThat(new ProxyHealth(configuration).started().call().getStatus())
        .isEqualTo(HealthCheckResponse.Status.UP);
  }
}
