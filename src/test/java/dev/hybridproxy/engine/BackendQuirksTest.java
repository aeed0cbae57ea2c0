package dev.hybridproxy.engine;

import static dev.hybridproxy.engine.Chunks.json;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackendQuirksTest {
  private static final JsonObject BODY = json("{\"model\":\"m\",\"messages\":[]}");
  private final BackendQuirks table = new BackendQuirks();

  @Test
  void turnsDeepSeekThinkingOnForReasoningAndOffForExecution() {
    BackendQuirks.Quirks deepseek = table.of("deepseek");

    assertThat(deepseek.reasoningParams("deepseek-reasoner", BODY))
        .containsEntry("thinking", json("{\"type\":\"enabled\"}"));
    assertThat(deepseek.executionParams("deepseek-chat"))
        .containsEntry("thinking", json("{\"type\":\"disabled\"}"));
    assertThat(deepseek.tagName()).isEqualTo("think");
  }

  @Test
  void setsOpenAiReasoningEffortOnlyForReasoningModels() {
    BackendQuirks.Quirks openai = table.of("openai");

    assertThat(openai.reasoningParams("o3-mini", BODY))
        .containsEntry("reasoning_effort", Json.createValue("high"));
    assertThat(openai.executionParams("gpt-5-mini"))
        .containsEntry("reasoning_effort", Json.createValue("low"));
    assertThat(openai.executionParams("gpt-4o")).isEmpty();
    assertThat(openai.tagName()).isEqualTo("thinking");
  }

  @Test
  void usesTheGenericRowForUnknownOpenAiTypeBackends() {
    BackendQuirks configured =
        table.with("mock", "openai", Optional.empty(), Optional.empty(), Optional.empty());

    assertThat(configured.of("mock").reasoningParams("r1", BODY))
        .containsEntry("reasoning_effort", Json.createValue("high"));
    assertThat(configured.of("mock").executionParams("fast")).isEmpty();
    assertThat(configured.of("mock").tagName()).isEqualTo("reasoning");
    assertThat(table.of("ollama").tagName()).isEqualTo("reasoning");
  }

  @Test
  void usesTheWireTypeRowForACustomAnthropicBackend() {
    BackendQuirks configured =
        table.with("claude-eu", "anthropic", Optional.empty(), Optional.empty(), Optional.empty());

    assertThat(configured.of("claude-eu").reasoningParams("claude-sonnet-4", BODY))
        .containsKey("thinking")
        .containsEntry("max_tokens", Json.createValue(20000));
  }

  @Test
  void letsConfigurationOverrideAPreset() {
    BackendQuirks configured =
        table.with(
            "qwen",
            "openai",
            Optional.of(false),
            Optional.of(json("{\"thinking_budget\":2000,\"enable_thinking\":null}")),
            Optional.of(json("{\"temperature\":0.1}")));

    BackendQuirks.Quirks qwen = configured.of("qwen");
    assertThat(qwen.reasoningParams("qwen3-max", BODY))
        .containsEntry("thinking_budget", Json.createValue(2000))
        .doesNotContainKey("enable_thinking");
    assertThat(qwen.executionParams("qwen3-coder-plus"))
        .containsEntry("enable_thinking", jakarta.json.JsonValue.FALSE)
        .containsEntry("temperature", Json.createValue(0.1));
    assertThat(qwen.systemMessages()).isFalse();
  }
}
