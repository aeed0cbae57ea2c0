package dev.hybridproxy.engine;

import static dev.hybridproxy.engine.Chunks.content;
import static dev.hybridproxy.engine.Chunks.json;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class ExecutionOutputFilterTest {
  private final ExecutionOutputFilter filter = new ExecutionOutputFilter();

  private static String contentOf(JsonObject chunk) {
    JsonObject delta = chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
    return delta.containsKey("content") ? delta.getString("content") : null;
  }

  @Test
  void dropsTheExecutionModelsReasoningKeys() {
    JsonObject chunk =
        json(
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                + "\"content\":\"Hi\",\"reasoning_content\":\"x\",\"reasoning\":\"x\","
                + "\"reasoning_details\":[],\"thinking\":\"x\"},\"finish_reason\":null}]}");

    JsonObject out = filter.chunk(chunk);

    assertThat(out.getJsonArray("choices").getJsonObject(0).getJsonObject("delta"))
        .isEqualTo(json("{\"role\":\"assistant\",\"content\":\"Hi\"}"));
  }

  @Test
  void dropsAChunkThatCarriedOnlyReasoning() {
    assertThat(filter.chunk(Chunks.deepSeekReasoning("private"))).isNull();
  }

  @Test
  void removesAThinkBlockSplitAcrossThreeChunks() {
    assertThat(filter.chunk(content("<thi"))).isNull();
    assertThat(filter.chunk(content("nk>secret</think"))).isNull();
    JsonObject visible = filter.chunk(content(">Answer"));

    assertThat(contentOf(visible)).isEqualTo("Answer");
  }

  @Test
  void passesToolCallsThroughWithTheirIndex() {
    JsonObject chunk =
        json(
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,"
                + "\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}]}");

    assertThat(filter.chunk(chunk)).isSameAs(chunk);
  }

  @Test
  void releasesHeldTextWithTheFinishReason() {
    filter.chunk(content("a <"));
    JsonObject last =
        filter.chunk(
            json(
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
                    + "\"finish_reason\":\"stop\"}]}"));

    assertThat(contentOf(last)).isEqualTo("<");
  }

  @Test
  void cleansABufferedAnswer() {
    JsonObject answer =
        json(
            "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"<think>hidden</think>\\n\\nVisible\",\"reasoning_content\":\"hidden\"},"
                + "\"finish_reason\":\"stop\"}]}");

    JsonObject message =
        ExecutionOutputFilter.completion(answer)
            .getJsonArray("choices")
            .getJsonObject(0)
            .getJsonObject("message");

    assertThat(message).isEqualTo(json("{\"role\":\"assistant\",\"content\":\"Visible\"}"));
  }
}
