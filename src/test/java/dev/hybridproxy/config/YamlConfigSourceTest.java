package dev.hybridproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML file as a MicroProfile Config source. */
class YamlConfigSourceTest {
  @TempDir Path dir;

  @Test
  void sitsBetweenTheDefaultsAndTheEnvironment() {
    YamlConfigSource source = new YamlConfigSource(Optional.empty());

    assertThat(source.getOrdinal()).isGreaterThan(100).isLessThan(300).isEqualTo(250);
  }

  @Test
  void servesTheFilesKeys() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("proxy.yaml"),
            "backends:\n  reasoning_injection_probability: 0.5\n  openai:\n    api_key: sk-FAKE\n");

    YamlConfigSource source = new YamlConfigSource(Optional.of(file));

    assertThat(source.problem()).isEmpty();
    assertThat(source.getValue("reasoning_injection_probability")).isEqualTo("0.5");
    assertThat(source.getValue("backends.openai.api_key")).isEqualTo("sk-FAKE");
    assertThat(source.getPropertyNames())
        .containsExactlyInAnyOrder("reasoning_injection_probability", "backends.openai.api_key");
    assertThat(source.getName()).isEqualTo("YAML configuration file " + file.toAbsolutePath());
  }

  @Test
  void keepsAProblemInsteadOfFailingTheWholeConfiguration() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.yaml"), "a: [1,\n");

    YamlConfigSource source = new YamlConfigSource(Optional.of(file));

    assertThat(source.getPropertyNames()).isEmpty();
    assertThat(source.problem().orElseThrow())
        .contains(file.toAbsolutePath() + " is not valid YAML", "line 2, column 1");
  }

  @Test
  void withoutAFileItIsEmptyAndFine() {
    YamlConfigSource source = new YamlConfigSource(Optional.empty());

    assertThat(source.getProperties()).isEmpty();
    assertThat(source.problem()).isEmpty();
  }

  @Test
  void theSystemPropertyNamesTheFileBeforeTheEnvironment() {
    Map<String, String> properties = Map.of("config_file", "/from/cli.yaml");
    Map<String, String> env = Map.of("CONFIG_FILE", "/from/env.yaml");

    assertThat(YamlConfigSource.configuredFile(properties::get, env::get))
        .contains(Path.of("/from/cli.yaml"));
    assertThat(YamlConfigSource.configuredFile(k -> null, env::get))
        .contains(Path.of("/from/env.yaml"));
    assertThat(YamlConfigSource.configuredFile(k -> null, Map.of("config_file", " x.yaml ")::get))
        .contains(Path.of("x.yaml"));
    assertThat(YamlConfigSource.configuredFile(k -> null, Map.of("CONFIG_FILE", " ")::get))
        .isEmpty();
  }

  @Test
  void reportsKeysNoSettingReads() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("proxy.yaml"),
            """
            reasoning_injection_probabilty: 0.5
            backends:
              hybrid_backend_repeat_messages: true
              hybrid_backend_repeat_mesages: true
              openai:
                api_key: sk-FAKE
                timout: 3
            planning_phase:
              enabled: true
            mp:
              openapi:
                scan:
                  disable: true
            OPENAI_API_BASE_URL: http://127.0.0.1:1/v1
            config_file: other.yaml
            port: 8000
            """);

    assertThat(new YamlConfigSource(Optional.of(file)).unknownKeys())
        .containsExactly(
            "backends.hybrid_backend_repeat_mesages",
            "backends.openai.timout",
            "config_file",
            "port",
            "reasoning_injection_probabilty");
  }
}
