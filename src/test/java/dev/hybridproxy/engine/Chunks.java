package dev.hybridproxy.engine;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;

/** Chunk payloads shaped as real providers send them. */
final class Chunks {
  private Chunks() {}

  static JsonObject json(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }

  /** DeepSeek: {@code delta.reasoning_content}. */
  static JsonObject deepSeekReasoning(String text) {
    return json(
        "{\"id\":\"chatcmpl-ds\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"deepseek-reasoner\",\"choices\":[{\"index\":0,\"delta\":{\"content\":null,"
            + "\"reasoning_content\":"
            + Json.createValue(text)
            + "},\"logprobs\":null,\"finish_reason\":null}]}");
  }

  /** OpenRouter: {@code delta.reasoning} and the same text in {@code reasoning_details}. */
  static JsonObject openRouterReasoning(String text) {
    return json(
        "{\"id\":\"gen-1\",\"provider\":\"DeepInfra\",\"model\":\"deepseek/deepseek-r1\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1755137933,\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":"
            + Json.createValue(text)
            + ",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":"
            + Json.createValue(text)
            + ",\"format\":\"unknown\",\"index\":0}]},\"finish_reason\":null}]}");
  }

  /** MiniMax with reasoning_split: {@code delta.reasoning_details} only. */
  static JsonObject miniMaxDetails(String text) {
    return json(
        "{\"id\":\"mm-1\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"MiniMax-M2\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"reasoning_details\":[{\"type\":\"reasoning.text\",\"id\":\"reasoning-text-1\","
            + "\"format\":\"MiniMax-response-v1\",\"index\":0,\"text\":"
            + Json.createValue(text)
            + "}]},\"finish_reason\":null}]}");
  }

  /** Plain content (MiniMax puts {@code <think>} blocks here). */
  static JsonObject content(String text) {
    return json(
        "{\"id\":\"chatcmpl-c\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"MiniMax-M2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
            + Json.createValue(text)
            + "},\"finish_reason\":null}]}");
  }

  static JsonObject toolCall(String name) {
    return json(
        "{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
            + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\""
            + name
            + "\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}");
  }

  static JsonObject finish(String reason) {
    return json(
        "{\"id\":\"chatcmpl-f\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\""
            + reason
            + "\"}]}");
  }

  static JsonObject usage(int prompt, int completion) {
    return json(
        "{\"id\":\"chatcmpl-u\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
            + prompt
            + ",\"completion_tokens\":"
            + completion
            + ",\"total_tokens\":"
            + (prompt + completion)
            + "}}");
  }

  static JsonObject completion(String content) {
    return json(
        "{\"id\":\"chatcmpl-x\",\"object\":\"chat.completion\",\"created\":1755137999,"
            + "\"model\":\"fast\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":"
            + Json.createValue(content)
            + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,"
            + "\"completion_tokens\":2,\"total_tokens\":12}}");
  }
}
