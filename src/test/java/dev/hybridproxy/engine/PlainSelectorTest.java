package dev.hybridproxy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Plain {@code backend:model} selectors and their URI parameters (SPEC §4.1). */
class PlainSelectorTest {
  private final SelectorParser parser = new SelectorParser();

  private ModelRef plain(String selector) {
    ModelSelector parsed = parser.parse(selector);
    assertThat(parsed).isInstanceOf(ModelSelector.Plain.class);
    return ((ModelSelector.Plain) parsed).model();
  }

  @Test
  void splitsBackendAtTheFirstColon() {
    ModelRef ref = plain("openai:gpt-4o");

    assertThat(ref.backend()).contains("openai");
    assertThat(ref.model()).isEqualTo("gpt-4o");
    assertThat(ref.params()).isEmpty();
  }

  @Test
  void keepsSlashesAndFurtherColonsInTheModel() {
    ModelRef ref = plain("openrouter:anthropic/claude-3-haiku:beta");

    assertThat(ref.backend()).contains("openrouter");
    assertThat(ref.model()).isEqualTo("anthropic/claude-3-haiku:beta");
  }

  @Test
  void treatsASlashBeforeTheColonAsPartOfABareModel() {
    ModelRef ref = plain("anthropic/claude-3-haiku:beta");

    assertThat(ref.backend()).isEmpty();
    assertThat(ref.model()).isEqualTo("anthropic/claude-3-haiku:beta");
  }

  @Test
  void readsABareModelName() {
    assertThat(plain("gpt-4o"))
        .isEqualTo(new ModelRef(Optional.empty(), "gpt-4o", java.util.Map.of()));
  }

  @Test
  void lowerCasesTheBackendButNotTheModel() {
    ModelRef ref = plain("MiniMax:MiniMax-M2");

    assertThat(ref.backend()).contains("minimax");
    assertThat(ref.model()).isEqualTo("MiniMax-M2");
  }

  @Test
  void readsUriParametersAsJsonValues() {
    ModelRef ref =
        plain("openai:gpt-4?temperature=0.9&top_p=0.8&max_tokens=100&reasoning_effort=HIGH");

    assertThat(ref.model()).isEqualTo("gpt-4");
    assertThat(ref.params().get("temperature"))
        .isEqualTo(Json.createValue(new java.math.BigDecimal("0.9")));
    assertThat(ref.params().get("top_p"))
        .isEqualTo(Json.createValue(new java.math.BigDecimal("0.8")));
    assertThat(ref.params().get("max_tokens")).isEqualTo(Json.createValue(100L));
    assertThat(ref.params().get("reasoning_effort")).isEqualTo(Json.createValue("high"));
  }

  @Test
  void letsTheLastDuplicateParameterWin() {
    assertThat(plain("openai:gpt-4?temperature=0.1&temperature=0.7").params().get("temperature"))
        .isEqualTo(Json.createValue(new java.math.BigDecimal("0.7")));
  }

  @Test
  void urlDecodesParameterValues() {
    assertThat(plain("openai:gpt-4?verbosity=%6Cow").params().get("verbosity"))
        .isEqualTo(Json.createValue("low"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "openai:gpt-4?temperature=3 | Invalid value '3' for model parameter 'temperature': expected a number from 0 to 2",
        "openai:gpt-4?top_p=-0.1 | Invalid value '-0.1' for model parameter 'top_p'",
        "openai:gpt-4?top_k=0 | Invalid value '0' for model parameter 'top_k': expected an integer of at least 1",
        "openai:gpt-4?max_tokens=ten | Invalid value 'ten' for model parameter 'max_tokens'",
        "openai:gpt-4?reasoning_effort=extreme | expected one of minimal|low|medium|high|xhigh|max",
        "openai:gpt-4?verbosity=loud | expected one of low|medium|high",
        "openai:gpt-4?seed=1 | Unknown model parameter 'seed' in 'openai:gpt-4?seed=1'. Allowed parameters: temperature, top_p, top_k, max_tokens, reasoning_effort, verbosity",
        "openai:gpt-4?temperature=%zz | Malformed percent-encoding",
        "openai: | Incomplete model specification: 'openai:'",
        ":gpt-4 | Incomplete model specification: ':gpt-4'",
        "open ai:gpt-4 | Invalid backend name 'open ai'",
      })
  void rejectsABadSelectorWithAMessageNamingTheProblem(String selector, String message) {
    assertThatThrownBy(() -> parser.parse(selector))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("invalid_model");
              assertThat(e.param()).contains("model");
            })
        .hasMessageContaining(message);
  }

  @Test
  void rejectsAnEmptySelector() {
    assertThatThrownBy(() -> parser.parse("  ")).isInstanceOf(ProxyException.class);
  }
}
