package dev.hybridproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hybridproxy.engine.HybridSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsReaderHybridTest {

  private static HybridSettings read(Map<String, String> values) {
    SettingsSource source =
        new SettingsSource() {
          @Override
          public Optional<String> get(String key) {
            return Optional.ofNullable(values.get(key));
          }

          @Override
          public Iterable<String> names() {
            return values.keySet();
          }
        };
    return new SettingsReader(source).hybrid();
  }

  @Test
  void usesTheSpecDefaults() {
    assertThat(read(Map.of())).isEqualTo(HybridSettings.defaults());
  }

  @Test
  void readsEveryHybridKey() {
    HybridSettings settings =
        read(
            Map.ofEntries(
                Map.entry("disable_hybrid_backend", "true"),
                Map.entry("reasoning_injection_probability", "0.5"),
                Map.entry("hybrid_backend_repeat_messages", "TRUE"),
                Map.entry("hybrid_reasoning_force_initial_turns", "0"),
                Map.entry("hybrid_reasoning_model_timeout", "30"),
                Map.entry("hybrid_execution_model_timeout", "90"),
                Map.entry("hybrid_reasoning_latency_threshold", "2.5"),
                Map.entry("hybrid_reasoning_backoff_turns", "0"),
                Map.entry("hybrid_reasoning_max_chars", "100"),
                Map.entry("hybrid_reasoning_failure_mode", "fail"),
                Map.entry("hybrid_reasoning_output", "think-tags"),
                Map.entry("backends.strict.api_url", "http://127.0.0.1:1/v1"),
                Map.entry("backends.strict.hybrid_reasoning_failure_mode", "continue")));

    assertThat(settings)
        .isEqualTo(
            new HybridSettings(
                true,
                0.5,
                true,
                0,
                Duration.ofSeconds(30),
                Duration.ofSeconds(90),
                Duration.ofMillis(2500),
                0,
                100,
                HybridSettings.FailureMode.FAIL,
                Map.of("strict", HybridSettings.FailureMode.CONTINUE),
                HybridSettings.ReasoningOutput.THINK_TAGS));
    assertThat(settings.failureModeFor("strict")).isEqualTo(HybridSettings.FailureMode.CONTINUE);
    assertThat(settings.failureModeFor("mock")).isEqualTo(HybridSettings.FailureMode.FAIL);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "reasoning_injection_probability|1.5|a number from 0 to 1",
        "disable_hybrid_backend|yes|true or false",
        "hybrid_reasoning_force_initial_turns|-1|an integer >= 0",
        "hybrid_reasoning_model_timeout|0|an integer >= 1",
        "hybrid_execution_model_timeout|1.5|an integer >= 1",
        "hybrid_reasoning_latency_threshold|-2|a number of seconds >= 0",
        "hybrid_reasoning_max_chars|lots|an integer >= 1",
        "hybrid_reasoning_failure_mode|retry|continue, fail",
        "hybrid_reasoning_output|json|fields, think-tags, none"
      })
  void stopsStartUpNamingKeyValueAndRange(String key, String value, String allowed) {
    assertThatThrownBy(() -> read(Map.of(key, value)))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(key + "=" + value)
        .hasMessageContaining(allowed);
  }
}
