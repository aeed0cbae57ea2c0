package dev.hybridproxy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReasoningTextTest {

  @Test
  void dropsTheOpeningTagOfReasoningThatNeverClosed() {
    assertThat(ReasoningText.plain("<think>Plan without close")).isEqualTo("Plan without close");
  }

  @Test
  void unwrapsAlreadyTaggedReasoning() {
    assertThat(ReasoningText.plain("  <thinking mode=\"deep\">\nStep one.\n</thinking>  "))
        .isEqualTo("Step one.");
  }

  @Test
  void dropsTextAfterTheCloseTag() {
    assertThat(ReasoningText.plain("Reason here.</think>\n\nFinal answer: 42"))
        .isEqualTo("Reason here.");
  }

  @Test
  void wrapsSingleLineReasoningTightly() {
    assertThat(ReasoningText.tagged("Use a map.", "think")).isEqualTo("<think>Use a map.</think>");
  }

  @Test
  void wrapsMultiLineReasoningWithNewlines() {
    assertThat(ReasoningText.tagged("One.\nTwo.", "reasoning"))
        .isEqualTo("<reasoning>\nOne.\nTwo.\n</reasoning>");
  }
}
