package dev.hybridproxy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpstreamBodyTest {

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  @Test
  void passesEveryUnownedFieldThroughAndSetsTheUpstreamModel() {
    JsonObject client =
        json(
            "{\"model\":\"openai:gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
                + "\"response_format\":{\"type\":\"json_object\"},\"x_custom\":[1,null]}");

    JsonObject sent =
        UpstreamBody.plain(client, new ModelRef(Optional.of("openai"), "gpt-4o", Map.of()));

    assertThat(sent).isEqualTo(Json.createObjectBuilder(client).add("model", "gpt-4o").build());
  }

  @Test
  void stripsTheProxyOwnedProbabilityField() {
    JsonObject client =
        json("{\"model\":\"m:x\",\"messages\":[],\"reasoning_injection_probability\":0.5}");

    JsonObject sent = UpstreamBody.plain(client, new ModelRef(Optional.of("m"), "x", Map.of()));

    assertThat(sent).doesNotContainKey("reasoning_injection_probability");
  }

  @Test
  void letsUriParametersBeatTheBodyAndPresetsFillOnlyWhatIsMissing() {
    JsonObject client =
        json("{\"model\":\"m:x\",\"messages\":[],\"temperature\":0.1,\"top_p\":0.3}");
    ModelRef ref =
        new ModelRef(Optional.of("m"), "x", Map.of("temperature", Json.createValue(0.9)));

    JsonObject sent =
        UpstreamBody.of(
            client,
            ref,
            Map.of("top_p", Json.createValue(1), "reasoning_effort", Json.createValue("high")),
            Map.of("stream", JsonValue.TRUE));

    assertThat(sent.getJsonNumber("temperature").doubleValue()).isEqualTo(0.9);
    assertThat(sent.getJsonNumber("top_p").doubleValue()).isEqualTo(0.3);
    assertThat(sent.getString("reasoning_effort")).isEqualTo("high");
    assertThat(sent.getBoolean("stream")).isTrue();
    assertThat(client.getJsonNumber("temperature").doubleValue()).isEqualTo(0.1);
  }
}
