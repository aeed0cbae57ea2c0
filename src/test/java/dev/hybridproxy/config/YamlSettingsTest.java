package dev.hybridproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML configuration file (SPEC §9): the seed's layout, flattening, and its errors. */
class YamlSettingsTest {
  @TempDir Path dir;

  private static Map<String, String> parse(String yaml) {
    return YamlSettings.parse("config.yaml", yaml);
  }

  @Test
  void readsTheSeedsSnippets() {
    assertThat(parse("# config.yaml\ndisable_hybrid_backend: true\n"))
        .containsExactly(Map.entry("disable_hybrid_backend", "true"));
    assertThat(parse("backends:\n  reasoning_injection_probability: 0.5\n"))
        .containsExactly(Map.entry("reasoning_injection_probability", "0.5"));
    assertThat(parse("backends:\n  hybrid_backend_repeat_messages: true\n"))
        .containsExactly(Map.entry("hybrid_backend_repeat_messages", "true"));
    assertThat(parse("backends:\n  hybrid_reasoning_force_initial_turns: 4\n"))
        .containsExactly(Map.entry("hybrid_reasoning_force_initial_turns", "4"));
    assertThat(parse("backends:\n  hybrid_reasoning_model_timeout: 60\n"))
        .containsExactly(Map.entry("hybrid_reasoning_model_timeout", "60"));
  }

  @Test
  void flattensNestedBackendsNextToTheSeedsHybridKeys() {
    Map<String, String> values =
        parse(
            """
            default_backend: openai
            backends:
              reasoning_injection_probability: 0.5
              openai:
                api_key: sk-test-FAKE-0000
                timeout: 30
                models: [gpt-4o, gpt-4o-mini]
              minimax:
                api_url: https://api.minimax.io/v1
                models:
                  - MiniMax-M2
            planning_phase:
              enabled: true
              overrides:
                temperature: 0.2
            """);

    assertThat(values)
        .containsOnly(
            Map.entry("default_backend", "openai"),
            Map.entry("reasoning_injection_probability", "0.5"),
            Map.entry("backends.openai.api_key", "sk-test-FAKE-0000"),
            Map.entry("backends.openai.timeout", "30"),
            Map.entry("backends.openai.models", "gpt-4o,gpt-4o-mini"),
            Map.entry("backends.minimax.api_url", "https://api.minimax.io/v1"),
            Map.entry("backends.minimax.models", "MiniMax-M2"),
            Map.entry("planning_phase.enabled", "true"),
            Map.entry("planning_phase.overrides.temperature", "0.2"));
  }

  @Test
  void keepsScalarsAsWrittenAndSkipsNulls() {
    Map<String, String> values =
        parse(
            """
            reasoning_injection_probability: 0.50
            default_backend: "openai"
            proxy_api_keys:
            hybrid_reasoning_output: ~
            backends.mock.api_url: 'http://127.0.0.1:18080/v1'
            """);

    assertThat(values)
        .containsOnly(
            Map.entry("reasoning_injection_probability", "0.50"),
            Map.entry("default_backend", "openai"),
            Map.entry("backends.mock.api_url", "http://127.0.0.1:18080/v1"));
  }

  @Test
  void keepsModelAliasesAsAJsonListOfRules() {
    Map<String, String> values =
        parse(
            """
            model_aliases:
              - "coder=hybrid:[minimax:MiniMax-M2,qwen-oauth:qwen3-coder-plus]"
              - pattern: "gpt-(.*)"
                replacement: "openrouter:openai/gpt-$1"
            """);

    assertThat(values)
        .containsExactly(
            Map.entry(
                "model_aliases",
                "[\"coder=hybrid:[minimax:MiniMax-M2,qwen-oauth:qwen3-coder-plus]\","
                    + "{\"pattern\":\"gpt-(.*)\",\"replacement\":\"openrouter:openai/gpt-$1\"}]"));
  }

  @Test
  void keepsABackendsRequestParametersAsAJsonObject() {
    Map<String, String> values =
        parse(
            """
            backends:
              deepseek:
                reasoning_params:
                  thinking: {type: enabled}
                  max_tokens: 8000
                  stop: null
                  note: "true"
                execution_params: '{"thinking":{"type":"disabled"}}'
            """);

    assertThat(values)
        .containsOnly(
            Map.entry(
                "backends.deepseek.reasoning_params",
                "{\"thinking\":{\"type\":\"enabled\"},\"max_tokens\":8000,\"stop\":null,"
                    + "\"note\":\"true\"}"),
            Map.entry(
                "backends.deepseek.execution_params", "{\"thinking\":{\"type\":\"disabled\"}}"));
  }

  @Test
  void anEmptyFileSetsNothing() {
    assertThat(parse("")).isEmpty();
    assertThat(parse("# nothing yet\n")).isEmpty();
  }

  @Test
  void namesTheFileAndPositionOfMalformedYaml() {
    assertThatThrownBy(() -> parse("backends:\n  openai:\n    api_key: sk-FAKE: x\n"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("config_file config.yaml is not valid YAML")
        .hasMessageContaining("line 3, column")
        .hasMessageNotContaining("sk-FAKE");
  }

  @Test
  void refusesAKeySetTwice() {
    assertThatThrownBy(() -> parse("default_backend: a\ndefault_backend: b\n"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("default_backend is set twice (line 1, column 18 and line 2");
  }

  @Test
  void refusesTheSameHybridKeyInBothLayouts() {
    assertThatThrownBy(
            () ->
                parse(
                    "reasoning_injection_probability: 1\n"
                        + "backends:\n  reasoning_injection_probability: 0.5\n"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(
            "reasoning_injection_probability is set twice: at the top level (line 1");
  }

  @Test
  void refusesATopLevelThatIsNotAMapping() {
    assertThatThrownBy(() -> parse("- a\n- b\n"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("the top level must be a mapping")
        .hasMessageContaining("line 1, column 1");
  }

  @Test
  void refusesAListOfMappingsWhereValuesAreExpected() {
    assertThatThrownBy(() -> parse("backends:\n  openai:\n    models:\n      - id: x\n"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("backends.openai.models must be a list of plain values (line 4");
  }

  @Test
  void namesAMissingFile() {
    Path missing = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> YamlSettings.read(missing))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage(
            "Invalid configuration: config_file "
                + missing
                + " does not exist (the YAML configuration file)");
  }

  @Test
  void readsAFile() throws IOException {
    Path file = Files.writeString(dir.resolve("proxy.yaml"), "disable_hybrid_backend: true\n");

    assertThat(YamlSettings.read(file)).containsEntry("disable_hybrid_backend", "true");
  }

  @Test
  void refusesADirectory() {
    assertThatThrownBy(() -> YamlSettings.read(dir))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("is a directory");
  }
}
