package dev.hybridproxy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SelectorParserTest {
  private final SelectorParser parser = new SelectorParser();

  private ModelSelector.Hybrid hybrid(String selector) {
    return (ModelSelector.Hybrid) parser.parse(selector);
  }

  private static void assertInvalid(String selector, String... fragments) {
    assertThatThrownBy(() -> new SelectorParser().parse(selector))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("invalid_model");
              assertThat(e.getMessage()).contains(fragments);
            });
  }

  @Test
  void parsesAHybridPair() {
    ModelSelector.Hybrid pair = hybrid("hybrid:[minimax:MiniMax-M2,qwen-oauth:qwen3-coder-plus]");

    assertThat(pair.reasoning().backend()).contains("minimax");
    assertThat(pair.reasoning().model()).isEqualTo("MiniMax-M2");
    assertThat(pair.execution().backend()).contains("qwen-oauth");
    assertThat(pair.execution().model()).isEqualTo("qwen3-coder-plus");
  }

  @Test
  void allowsWhitespaceAroundTokens() {
    ModelSelector.Hybrid pair = hybrid("  hybrid:[ deepseek:deepseek-reasoner ,  openai:gpt-4o ] ");

    assertThat(pair.reasoning().label()).isEqualTo("deepseek:deepseek-reasoner");
    assertThat(pair.execution().label()).isEqualTo("openai:gpt-4o");
  }

  @Test
  void keepsSlashesAndColonsInTheModelName() {
    ModelSelector.Hybrid pair =
        hybrid("hybrid:[openrouter:deepseek/deepseek-r1,openrouter:anthropic/claude-3-haiku:beta]");

    assertThat(pair.reasoning().model()).isEqualTo("deepseek/deepseek-r1");
    assertThat(pair.execution().backend()).contains("openrouter");
    assertThat(pair.execution().model()).isEqualTo("anthropic/claude-3-haiku:beta");
  }

  @Test
  void readsUriParametersOfEachPartWithoutCuttingTheBracketAtTheQuestionMark() {
    ModelSelector.Hybrid pair =
        hybrid(
            "hybrid:[openai:o3?reasoning_effort=medium&top_p=0.5,anthropic:claude-3?temperature=0.1]");

    assertThat(pair.reasoning().params())
        .containsEntry("reasoning_effort", Json.createValue("medium"))
        .containsEntry("top_p", Json.createValue(new java.math.BigDecimal("0.5")));
    assertThat(pair.execution().model()).isEqualTo("claude-3");
    assertThat(pair.execution().params())
        .containsEntry("temperature", Json.createValue(new java.math.BigDecimal("0.1")));
  }

  @Test
  void letsTheLastDuplicateParameterWin() {
    ModelSelector.Hybrid pair = hybrid("hybrid:[a:r?top_k=5&top_k=9,b:x]");

    assertThat(pair.reasoning().params()).containsEntry("top_k", Json.createValue(9L));
  }

  @Test
  void urlDecodesParameters() {
    ModelSelector.Hybrid pair = hybrid("hybrid:[a:r,b:x?temperature=0%2E7&verbosity=%20low]");

    assertThat(pair.execution().params())
        .containsEntry("temperature", Json.createValue(new java.math.BigDecimal("0.7")))
        .containsEntry("verbosity", Json.createValue("low"));
  }

  @Test
  void splitsOnlyAtACommaFollowedByABackendPrefix() {
    assertInvalid("hybrid:[a:r?temperature=0,5,b:x]", "'0,5'", "temperature");
  }

  @Test
  void parsesAPlainSelectorWithParameters() {
    ModelSelector.Plain plain = (ModelSelector.Plain) parser.parse("openai:gpt-4?temperature=0.9");

    assertThat(plain.model().backend()).contains("openai");
    assertThat(plain.model().params()).containsKey("temperature");
    assertThat(((ModelSelector.Plain) parser.parse("gpt-4o")).model().backend())
        .isEqualTo(Optional.empty());
  }

  @Test
  void recognisesHybridSelectorsBeforeParsingThem() {
    assertThat(SelectorParser.isHybrid(" HYBRID:[broken")).isTrue();
    assertThat(SelectorParser.isHybrid("openai:gpt-4o")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hybrid:mock:r1,mock:fast", "hybrid:[mock:r1,mock:fast", "hybrid:"})
  void rejectsAHybridSelectorWithoutBrackets(String selector) {
    assertInvalid(
        selector,
        "Invalid hybrid model format. Expected: "
            + "hybrid:[reasoning-backend:reasoning-model,execution-backend:execution-model]. "
            + "Example: hybrid:[minimax:MiniMax-M2,qwen-oauth:qwen3-coder-plus]");
  }

  @Test
  void rejectsOnePart() {
    assertInvalid("hybrid:[mock:r1]", "Expected exactly 2 models separated by comma, got 1");
  }

  @Test
  void rejectsThreeParts() {
    assertInvalid("hybrid:[a:r,b:x,c:y]", "Expected exactly 2 models separated by comma, got 3");
  }

  @Test
  void rejectsAnIncompleteExecutionModel() {
    assertInvalid(
        "hybrid:[mock:r1,anthropic]", "Incomplete execution model specification: 'anthropic'");
  }

  @Test
  void rejectsAnEmptyBackend() {
    assertInvalid("hybrid:[:r1,mock:fast]", "Incomplete reasoning model specification: ':r1'");
  }

  @Test
  void rejectsAnEmptyModel() {
    assertInvalid("hybrid:[mock:r1,mock:]", "Incomplete execution model specification: 'mock:'");
  }

  @Test
  void rejectsAnUnknownParameterNamingIt() {
    assertInvalid("hybrid:[mock:r1?temprature=1,mock:x]", "Unknown model parameter 'temprature'");
  }

  @Test
  void rejectsAnOutOfRangeParameterNamingKeyValueAndRange() {
    assertInvalid("hybrid:[mock:r1,mock:x?temperature=3]", "'3'", "temperature", "0 to 2");
    assertInvalid("hybrid:[mock:r1?reasoning_effort=extreme,mock:x]", "extreme", "minimal|low");
  }
}
