package dev.hybridproxy.engine;

import static dev.hybridproxy.engine.Chunks.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hybridproxy.engine.ReasoningInjection.Strategy;
import jakarta.json.JsonArray;
import org.junit.jupiter.api.Test;

class ReasoningInjectionTest {
  private static final String TAGGED = "<think>Use a hash map.</think>";
  private static final String INSTRUCTION =
      "Consider this reasoning when formulating your response:\n\n" + TAGGED;

  private static JsonArray messages(String json) {
    return json("{\"m\":" + json + "}").getJsonArray("m");
  }

  @Test
  void appendsToTheFirstSystemMessage() {
    JsonArray original =
        messages(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Dedupe a list\"},"
                + "{\"role\":\"system\",\"content\":\"second\"}]");

    JsonArray injected = ReasoningInjection.inject(original, TAGGED, Strategy.SYSTEM, false);

    assertThat(injected)
        .isEqualTo(
            messages(
                "[{\"role\":\"system\",\"content\":"
                    + jakarta.json.Json.createValue("Be brief.\n\n" + INSTRUCTION)
                    + "},{\"role\":\"user\",\"content\":\"Dedupe a list\"},"
                    + "{\"role\":\"system\",\"content\":\"second\"}]"));
  }

  @Test
  void insertsASystemMessageAtIndexZeroWhenThereIsNone() {
    JsonArray original = messages("[{\"role\":\"user\",\"content\":\"Dedupe a list\"}]");

    JsonArray injected = ReasoningInjection.inject(original, TAGGED, Strategy.SYSTEM, false);

    assertThat(injected).hasSize(2);
    assertThat(injected.getJsonObject(0))
        .isEqualTo(
            json(
                "{\"role\":\"system\",\"content\":"
                    + jakarta.json.Json.createValue(INSTRUCTION)
                    + "}"));
    assertThat(injected.get(1)).isEqualTo(original.get(0));
  }

  @Test
  void appendsToTheLastTextPartOfAMultiPartSystemMessage() {
    JsonArray original =
        messages(
            "[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Be brief.\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}]},{\"role\":\"user\",\"content\":\"x\"}]");

    JsonArray injected = ReasoningInjection.inject(original, TAGGED, Strategy.SYSTEM, false);

    assertThat(injected.getJsonObject(0).getJsonArray("content").getJsonObject(0))
        .isEqualTo(
            json(
                "{\"type\":\"text\",\"text\":"
                    + jakarta.json.Json.createValue("Be brief.\n\n" + INSTRUCTION)
                    + ",\"cache_control\":{\"type\":\"ephemeral\"}}"));
  }

  @Test
  void prefixesTheFirstUserMessageWithUserPrefixStrategy() {
    JsonArray original =
        messages(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Dedupe a list\"},"
                + "{\"role\":\"assistant\",\"content\":\"Sure\"},"
                + "{\"role\":\"user\",\"content\":\"In Java\"}]");

    JsonArray injected = ReasoningInjection.inject(original, TAGGED, Strategy.USER_PREFIX, false);

    assertThat(injected.get(0)).isEqualTo(original.get(0));
    assertThat(injected.getJsonObject(1).getString("content"))
        .isEqualTo(TAGGED + "\n\nDedupe a list");
    assertThat(injected.subList(2, 4)).isEqualTo(original.subList(2, 4));
  }

  @Test
  void prefixesTheTextPartOfAMultiPartUserMessage() {
    JsonArray original =
        messages(
            "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":"
                + "\"data:image/png;base64,AAAA\"}},{\"type\":\"text\",\"text\":\"What is this?\"}]}]");

    JsonArray injected = ReasoningInjection.inject(original, TAGGED, Strategy.USER_PREFIX, false);

    JsonArray parts = injected.getJsonObject(0).getJsonArray("content");
    assertThat(parts.get(0)).isEqualTo(original.getJsonObject(0).getJsonArray("content").get(0));
    assertThat(parts.getJsonObject(1).getString("text")).isEqualTo(TAGGED + "\n\nWhat is this?");
  }

  @Test
  void repeatModeEndsWithTheReasoningTurnAndTheLastUserMessageAgain() {
    JsonArray original =
        messages(
            "[{\"role\":\"user\",\"content\":\"Dedupe a list\"},"
                + "{\"role\":\"assistant\",\"content\":\"Which language?\"},"
                + "{\"role\":\"user\",\"content\":\"Java\"}]");

    JsonArray injected = ReasoningInjection.inject(original, TAGGED, Strategy.SYSTEM, true);

    assertThat(injected).hasSize(6);
    assertThat(injected.getJsonObject(0).getString("role")).isEqualTo("system");
    assertThat(injected.subList(1, 4)).isEqualTo(original);
    assertThat(injected.getJsonObject(4))
        .isEqualTo(
            json(
                "{\"role\":\"assistant\",\"content\":"
                    + jakarta.json.Json.createValue(TAGGED)
                    + "}"));
    assertThat(injected.get(5)).isEqualTo(original.get(2));
  }

  @Test
  void repeatModeWithUserPrefixRepeatsTheOriginalUserText() {
    JsonArray original = messages("[{\"role\":\"user\",\"content\":\"Dedupe a list\"}]");

    JsonArray injected = ReasoningInjection.inject(original, TAGGED, Strategy.USER_PREFIX, true);

    assertThat(injected).hasSize(3);
    assertThat(injected.getJsonObject(0).getString("content")).startsWith(TAGGED);
    assertThat(injected.getJsonObject(1).getString("role")).isEqualTo("assistant");
    assertThat(injected.get(2)).isEqualTo(original.get(0));
  }

  @Test
  void neverMutatesTheOriginalMessages() {
    JsonArray original =
        messages(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"x\"}]");
    String before = original.toString();

    ReasoningInjection.inject(original, TAGGED, Strategy.SYSTEM, true);
    ReasoningInjection.inject(original, TAGGED, Strategy.USER_PREFIX, true);

    assertThat(original.toString()).isEqualTo(before);
  }
}
