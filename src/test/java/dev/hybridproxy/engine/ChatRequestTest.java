package dev.hybridproxy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatRequestTest {

  private static ChatRequest parse(String body) {
    return ChatRequest.parse(body.getBytes(StandardCharsets.UTF_8), Optional.empty());
  }

  @Test
  void readsModelAndStreamFlagAndKeepsTheWholeBody() {
    ChatRequest request =
        parse(
            "{\"model\":\"openai:gpt-4o\",\"stream\":true,\"seed\":1,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}");

    assertThat(request.model()).isEqualTo("openai:gpt-4o");
    assertThat(request.stream()).isTrue();
    assertThat(request.body().getInt("seed")).isEqualTo(1);
  }

  @Test
  void treatsAMissingStreamFlagAsBuffered() {
    assertThat(
            parse("{\"model\":\"m:x\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .stream())
        .isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"model\": | We could not parse the JSON body",
        "[1,2] | The request body must be a JSON object, got an array",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | Missing required parameter: 'model'",
        "{\"model\":\"m:x\"} | Missing required parameter: 'messages'",
        "{\"model\":42,\"messages\":[]} | Invalid type for 'model': expected a string, but got a number",
        "{\"model\":\"m:x\",\"messages\":\"hi\"} | Invalid type for 'messages': expected an array, but got a string",
        "{\"model\":\"m:x\",\"messages\":[]} | Invalid 'messages': empty array",
        "{\"model\":\"m:x\",\"messages\":[\"hi\"]} | Invalid type for 'messages[0]': expected an object",
        "{\"model\":\"m:x\",\"messages\":[{\"content\":\"x\"}]} | every message needs a string 'role'",
        "{\"model\":\"m:x\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\"}]} | Invalid type for 'stream': expected a boolean",
        "{\"model\":\"m:x\",\"reasoning_injection_probability\":2,\"messages\":[{\"role\":\"user\"}]} | Invalid 'reasoning_injection_probability'",
      })
  void rejectsMalformedRequestsWithAClearMessage(String body, String message) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  @Test
  void rejectsAnEmptyBody() {
    assertThatThrownBy(() -> parse("")).isInstanceOf(ProxyException.class);
  }

  @Test
  void rejectsANumberNoJavaTypeHoldsAsABadRequest() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"model\":\"m:x\",\"temperature\":1e99999999999,"
                        + "\"messages\":[{\"role\":\"user\"}]}"))
        .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("out of range");
  }

  @Test
  void rejectsNestingDeeperThanTheParserAllowsAsABadRequest() {
    String deep = "[".repeat(5000) + "]".repeat(5000);

    assertThatThrownBy(
            () ->
                parse(
                    "{\"model\":\"m:x\",\"messages\":[{\"role\":\"user\",\"content\":"
                        + deep
                        + "}]}"))
        .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("nested too deeply");
  }

  @Test
  void rejectsInvalidUtf8AsABadRequest() {
    byte[] body = {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    assertThatThrownBy(() -> ChatRequest.parse(body, Optional.empty()))
        .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
