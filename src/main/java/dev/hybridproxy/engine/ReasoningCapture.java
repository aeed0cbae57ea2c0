package dev.hybridproxy.engine;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads the reasoning out of an {@code openai}-shaped chunk stream and notices where it ends (SPEC
 * §5.1). Channels: {@code delta.reasoning_content} (DeepSeek, Qwen), {@code delta.reasoning}
 * (OpenRouter, vLLM), {@code delta.reasoning_details[].text} (OpenRouter, MiniMax) and think tags
 * inside {@code content} (MiniMax, R1 distills; the opening tag may be missing). The first of a
 * closing tag, the channel giving way to content or tool calls, a {@code finish_reason}, the
 * character limit or {@link ChunkStream#REASONING_END} ends it; everything after is ignored.
 */
final class ReasoningCapture {
  private enum Channel {
    NONE,
    FIELDS,
    CONTENT
  }

  private final int maxChars;
  private final StringBuilder text = new StringBuilder();
  private final ThinkTagScanner tags = new ThinkTagScanner();
  private Channel channel = Channel.NONE;
  private ReasoningEnd end;
  private Long reasoningTokens;

  ReasoningCapture(int maxChars) {
    this.maxChars = maxChars;
  }

  /**
   * Reads one chunk.
   *
   * @return the reasoning text this chunk added, for the client to see live (may be empty)
   */
  String accept(JsonObject chunk) {
    if (end != null) {
      return "";
    }
    if (chunk == ChunkStream.REASONING_END) {
      end = ReasoningEnd.CHANNEL;
      return "";
    }
    readUsage(chunk);
    JsonObject choice = firstChoice(chunk);
    if (choice == null) {
      return "";
    }
    int before = text.length();
    JsonObject delta =
        choice.get("delta") instanceof JsonObject d ? d : JsonValue.EMPTY_JSON_OBJECT;
    String fields = fieldReasoning(delta);
    if (!fields.isEmpty()) {
      if (channel == Channel.NONE) {
        channel = Channel.FIELDS;
      }
      append(fields);
    }
    String content = string(delta.get("content"));
    if (end == null && !content.isEmpty()) {
      if (channel == Channel.FIELDS) {
        if (!content.isBlank()) {
          end = ReasoningEnd.CHANNEL;
        }
      } else if (channel == Channel.CONTENT || !content.isBlank()) {
        channel = Channel.CONTENT;
        readContent(content);
      }
    }
    if (end == null && delta.get("tool_calls") instanceof JsonArray calls && !calls.isEmpty()) {
      end = ReasoningEnd.CHANNEL;
    }
    JsonValue finish = choice.get("finish_reason");
    if (end == null && finish != null && finish != JsonValue.NULL) {
      end = ReasoningEnd.FINISH_REASON;
    }
    return text.substring(before);
  }

  /** The upstream stream finished without any end signal. */
  void streamEnded() {
    if (end == null) {
      if (channel == Channel.CONTENT) {
        append(tags.flush());
      }
      if (end == null) {
        end = ReasoningEnd.FINISH_REASON;
      }
    }
  }

  /** The whole-leg timeout expired before the reasoning ended. */
  void timedOut() {
    if (end == null) {
      end = ReasoningEnd.TIMEOUT;
    }
  }

  boolean ended() {
    return end != null;
  }

  Optional<ReasoningEnd> end() {
    return Optional.ofNullable(end);
  }

  /** The reasoning captured so far, tags removed, not yet normalised. */
  String text() {
    return text.toString();
  }

  /** {@code usage.completion_tokens_details.reasoning_tokens}, if the upstream reported it. */
  OptionalLong reasoningTokens() {
    return reasoningTokens == null ? OptionalLong.empty() : OptionalLong.of(reasoningTokens);
  }

  private void readContent(String content) {
    for (ThinkTagScanner.Piece piece : tags.feed(content)) {
      switch (piece.kind()) {
        case TEXT -> append(piece.text());
        case CLOSE -> end = ReasoningEnd.TAG;
        case OPEN -> {
          // an opening tag only says reasoning starts; the text around it is reasoning anyway
        }
      }
      if (end != null) {
        return;
      }
    }
  }

  private void append(String more) {
    int room = maxChars - text.length();
    if (more.length() < room) {
      text.append(more);
      return;
    }
    int cut = room;
    if (cut > 0 && cut < more.length() && Character.isHighSurrogate(more.charAt(cut - 1))) {
      cut--;
    }
    text.append(more, 0, cut);
    end = ReasoningEnd.LIMIT;
  }

  /** The first non-empty reasoning field of a delta; providers that send several repeat them. */
  private static String fieldReasoning(JsonObject delta) {
    String content = string(delta.get("reasoning_content"));
    if (!content.isEmpty()) {
      return content;
    }
    String reasoning = string(delta.get("reasoning"));
    if (!reasoning.isEmpty()) {
      return reasoning;
    }
    if (delta.get("reasoning_details") instanceof JsonArray details) {
      StringBuilder joined = new StringBuilder();
      for (JsonValue detail : details) {
        if (detail instanceof JsonObject object) {
          String part = string(object.get("text"));
          joined.append(part.isEmpty() ? string(object.get("summary")) : part);
        }
      }
      return joined.toString();
    }
    return "";
  }

  private void readUsage(JsonObject chunk) {
    if (chunk.get("usage") instanceof JsonObject usage
        && usage.get("completion_tokens_details") instanceof JsonObject details
        && details.get("reasoning_tokens") instanceof JsonNumber tokens) {
      reasoningTokens = tokens.longValue();
    }
  }

  private static JsonObject firstChoice(JsonObject chunk) {
    if (chunk.get("choices") instanceof JsonArray choices) {
      for (JsonValue choice : choices) {
        if (choice instanceof JsonObject object
            && (!(object.get("index") instanceof JsonNumber index) || index.intValue() == 0)) {
          return object;
        }
      }
    }
    return null;
  }

  private static String string(JsonValue value) {
    return value instanceof JsonString s ? s.getString() : "";
  }
}
