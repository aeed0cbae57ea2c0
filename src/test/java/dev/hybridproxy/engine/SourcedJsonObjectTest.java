package dev.hybridproxy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourcedJsonObjectTest {

  private static SourcedJsonObject sourced(String text) {
    return SourcedJsonObject.of(Json.createReader(new StringReader(text)).readObject(), text);
  }

  private static JsonObject parsed(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  @Test
  void writesItselfBackAsTheTextItWasReadFrom() {
    String text = "{\"id\": \"c1\",  \"choices\":[{\"delta\":{\"content\":\"h\\u00e9\"}}]}";

    SourcedJsonObject chunk = sourced(text);

    assertThat(chunk.toString()).isEqualTo(text);
    assertThat(chunk).isEqualTo(parsed(text));
    assertThat(chunk.getJsonArray("choices")).hasSize(1);
  }

  @Test
  void editsOnlyTheTopLevelValuesItIsGiven() {
    String text =
        "{\"id\":\"up-1\",\"created\":17,\"model\":\"gpt-x\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"model\":\"nested\",\"content\":\"\\\"model\\\":\\\"x\\\"\"}}]}";

    JsonObject edited =
        sourced(text)
            .with(
                Map.of(
                    "model", Json.createValue("mock:gpt-\"x\""),
                    "created", Json.createValue(42)))
            .orElseThrow();

    assertThat(edited.toString())
        .isEqualTo(
            "{\"id\":\"up-1\",\"created\":42,\"model\":\"mock:gpt-\\\"x\\\"\",\"choices\":[{"
                + "\"index\":0,\"delta\":{\"model\":\"nested\",\"content\":\"\\\"model\\\":\\\"x\\\"\"}}]}");
    assertThat(parsed(edited.toString())).isEqualTo(edited);
    assertThat(edited.getString("model")).isEqualTo("mock:gpt-\"x\"");
    assertThat(edited.getInt("created")).isEqualTo(42);
    assertThat(edited.getJsonArray("choices").getJsonObject(0).getInt("index")).isZero();
    assertThat(edited).hasSize(4);
  }

  @Test
  void declinesWhatItCannotEditInPlace() {
    assertThat(sourced("{\"id\":\"a\"}").with(Map.of("model", Json.createValue("m")))).isEmpty();
    assertThat(sourced("{\"model\":null}").with(Map.of("model", Json.createValue("m")))).isEmpty();
    assertThat(
            sourced("{\"model\":\"a\",\"model\":\"b\"}")
                .with(Map.of("model", Json.createValue("m"))))
        .isEmpty();
    assertThat(sourced("{\"mod\\u0065l\":\"a\"}").with(Map.of("model", Json.createValue("m"))))
        .isEmpty();
    assertThat(sourced("{\"model\":\"a\"}").with(Map.of("model", JsonValue.TRUE))).isEmpty();
  }

  @Test
  void chunkIdentityEditsTheTextOfPassedThroughChunks() {
    ChunkIdentity identity = new ChunkIdentity("mock:stream");
    String first =
        "{\"id\":\"c-1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}";
    String second = first.replace("\"c-1\"", "\"c-2\"").replace("\"a\"", "\"b\"");

    JsonObject one = identity.apply(sourced(first));
    JsonObject two = identity.apply(sourced(second));

    assertThat(one.toString())
        .isEqualTo(first.replace("\"model\":\"m\"", "\"model\":\"mock:stream\""));
    assertThat(two.toString())
        .isEqualTo(
            first
                .replace("\"model\":\"m\"", "\"model\":\"mock:stream\"")
                .replace("\"a\"", "\"b\""));
    assertThat(parsed(two.toString()))
        .isEqualTo(
            Json.createObjectBuilder(parsed(second))
                .add("id", "c-1")
                .add("model", "mock:stream")
                .build());
  }

  @Test
  void chunkIdentityStillBuildsChunksItCannotEdit() {
    ChunkIdentity identity = new ChunkIdentity("mock:stream");

    JsonObject chunk = identity.apply(sourced("{\"id\":\"c\",\"created\":1,\"choices\":[]}"));

    assertThat(chunk)
        .isEqualTo(parsed("{\"id\":\"c\",\"created\":1,\"choices\":[],\"model\":\"mock:stream\"}"));
  }
}
