package dev.hybridproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hybridproxy.engine.HybridSettings;
import dev.hybridproxy.engine.ModelAliases;
import dev.hybridproxy.engine.ModelRouting;
import dev.hybridproxy.engine.PlanningPhase;
import jakarta.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code model_aliases} (SPEC §4.3) and {@code planning_phase.*} (SPEC §4.4) at start-up. */
class RoutingSettingsReaderTest {
  private static final String BACKENDS =
      "backends.openai.api_url=https://api.openai.com/v1;backends.minimax.api_url=https://x.test/v1";

  private static SettingsSource source(Map<String, String> values) {
    return new SettingsSource() {
      @Override
      public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
      }

      @Override
      public Iterable<String> names() {
        return values.keySet();
      }
    };
  }

  private static ModelRouting read(String entries) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String entry : (BACKENDS + ";" + entries).split(";")) {
      if (!entry.isBlank()) {
        values.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
      }
    }
    SettingsSource source = source(values);
    SettingsReader reader = new SettingsReader(source);
    ProxySettings proxy = reader.read();
    HybridSettings hybrid = reader.hybrid();
    return new RoutingSettingsReader(source).read(proxy, hybrid);
  }

  @Test
  void readsNothingByDefault() {
    ModelRouting routing = read("");

    assertThat(routing.aliases().rules()).isEmpty();
    assertThat(routing.planning()).isEmpty();
  }

  @Test
  void readsAliasesAsObjectsAndAsRuleStrings() {
    ModelAliases aliases =
        read("model_aliases=[{\"pattern\":\"coder\",\"replacement\":\"hybrid:[minimax:MiniMax-M2,openai:gpt-4o]\"},"
                + "\"gpt-(.*)=openai:gpt-$1\"]")
            .aliases();

    assertThat(aliases.rules().stream().map(Object::toString))
        .containsExactly(
            "coder=hybrid:[minimax:MiniMax-M2,openai:gpt-4o]", "gpt-(.*)=openai:gpt-$1");
    assertThat(aliases.literalNames()).containsExactly("coder");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "model_aliases=coder=openai:x | model_aliases=coder=openai:x (allowed: a JSON array",
        "model_aliases={\"coder\":\"openai:x\"} | (allowed: a JSON array",
        "model_aliases=[\"ok=openai:x\",\"co(der=openai:x\"] | model_aliases rule 2 'co(der=openai:x': invalid regular expression",
        "model_aliases=[42] | model_aliases rule 1 42: expected a JSON array",
        "model_aliases=[{\"pattern\":\"x\"}] | model_aliases rule 1 {\"pattern\":\"x\"}: expected",
        "model_aliases=[\"gpt-(.*)=openai:\\\\1\"] | model_aliases rule 1 'gpt-(.*)=openai:\\1': '\\1' in the replacement is a literal digit",
        "model_aliases=[\"coder=hybrid:[openai:a]\"] | model_aliases rule 1 'coder=hybrid:[openai:a]': the replacement is not a model selector: Invalid hybrid model format",
      })
  void namesTheRuleThatCannotBeUsed(String entry, String message) {
    assertThatThrownBy(() -> read(entry))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(message);
  }

  @Test
  void readsThePlanningPhase() {
    PlanningPhase phase =
        read("planning_phase.enabled=true;planning_phase.strong_model=openai:o3;"
                + "planning_phase.max_turns=5;planning_phase.max_file_writes=2;"
                + "planning_phase.overrides.temperature=0.3;planning_phase.overrides.top_p=0.9;"
                + "planning_phase.overrides.reasoning_effort=HIGH;"
                + "planning_phase.write_tools=save, Replace")
            .planning()
            .orElseThrow();

    assertThat(phase.strongModel()).isEqualTo("openai:o3");
    assertThat(phase.maxTurns()).isEqualTo(5);
    assertThat(phase.maxFileWrites()).isEqualTo(2);
    assertThat(phase.overrides())
        .containsOnly(
            Map.entry("temperature", Json.createValue(new java.math.BigDecimal("0.3"))),
            Map.entry("top_p", Json.createValue(new java.math.BigDecimal("0.9"))),
            Map.entry("reasoning_effort", Json.createValue("high")));
    assertThat(phase.writeTools()).containsExactlyInAnyOrder("save", "replace");
  }

  @Test
  void usesTheSpecDefaultsForThePlanningPhase() {
    PlanningPhase phase =
        read("planning_phase.enabled=true;planning_phase.strong_model=hybrid:[minimax:M2,openai:gpt-4o]")
            .planning()
            .orElseThrow();

    assertThat(phase.maxTurns()).isEqualTo(10);
    assertThat(phase.maxFileWrites()).isEqualTo(1);
    assertThat(phase.overrides()).isEmpty();
    assertThat(phase.writeTools()).containsAll(PlanningPhase.DEFAULT_WRITE_TOOLS);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "planning_phase.enabled=yes | planning_phase.enabled=yes (allowed: true or false)",
        "planning_phase.enabled=true | planning_phase.enabled=true needs planning_phase.strong_model",
        "planning_phase.strong_model=nope:x | planning_phase.strong_model=nope:x (allowed: a selector on a configured backend: openai, minimax)",
        "planning_phase.strong_model=gpt-4o | planning_phase.strong_model=gpt-4o (allowed: backend:model (no default_backend is configured))",
        "planning_phase.strong_model=hybrid:[openai:a] | planning_phase.strong_model=hybrid:[openai:a] (allowed: a model selector",
        "planning_phase.strong_model=hybrid:[openai:a,minimax:b];disable_hybrid_backend=true | because disable_hybrid_backend=true",
        "planning_phase.strong_model=openai:o3?temperature=9 | Invalid value '9' for model parameter 'temperature'",
        "planning_phase.max_turns=0 | planning_phase.max_turns=0 (allowed: an integer >= 1)",
        "planning_phase.max_file_writes=many | planning_phase.max_file_writes=many (allowed: an integer >= 1)",
        "planning_phase.overrides.temperature=2.5 | planning_phase.overrides.temperature=2.5 (allowed: a number from 0 to 2)",
        "planning_phase.overrides.top_p=-0.1 | planning_phase.overrides.top_p=-0.1 (allowed: a number from 0 to 1)",
        "planning_phase.overrides.reasoning_effort=extreme | planning_phase.overrides.reasoning_effort=extreme (allowed: minimal, low, medium, high, xhigh, max)",
        "planning_phase.write_tools= , | planning_phase.write_tools= , (allowed: comma-separated function names)",
      })
  void namesTheBadPlanningSetting(String entries, String message) {
    assertThatThrownBy(() -> read(entries))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aBareStrongModelGoesToTheDefaultBackend() {
    assertThat(
            read("default_backend=openai;planning_phase.enabled=true;"
                    + "planning_phase.strong_model=o3")
                .planning())
        .map(PlanningPhase::strongModel)
        .contains("o3");
  }
}
