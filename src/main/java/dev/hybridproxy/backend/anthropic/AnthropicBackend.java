package dev.hybridproxy.backend.anthropic;

import dev.hybridproxy.backend.AlternatingTurns;
import dev.hybridproxy.backend.ChatShape;
import dev.hybridproxy.backend.DataUrl;
import dev.hybridproxy.backend.http.SseEvent;
import dev.hybridproxy.backend.http.TranslatingChunkStream;
import dev.hybridproxy.backend.http.UpstreamErrors;
import dev.hybridproxy.backend.http.UpstreamEventStream;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.backend.http.UpstreamJson;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.ChunkStream;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.UpstreamRequest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code anthropic} wire type: the Messages API with {@code x-api-key} and {@code
 * anthropic-version}. Chat Completions requests are translated into Messages requests, and Messages
 * answers and stream events back into Chat Completions objects and chunks; a thinking block is the
 * reasoning channel.
 */
public final class AnthropicBackend implements Backend {
  static final String API_VERSION = "2023-06-01";
  static final int DEFAULT_MAX_TOKENS = 4096;
  static final int DEFAULT_THINKING_BUDGET = 16000;

  /** Output tokens left for the answer when {@code max_tokens} is raised above a budget. */
  static final int ANSWER_ROOM = 4096;

  private static final int MIN_THINKING_BUDGET = 1024;
  private static final Map<String, Integer> BUDGET_BY_EFFORT =
      Map.of(
          "minimal", MIN_THINKING_BUDGET,
          "low", 4096,
          "medium", 8192,
          "high", DEFAULT_THINKING_BUDGET,
          "xhigh", 32000,
          "max", 32000);

  private final BackendSettings settings;
  private final UpstreamHttp http;
  private final Clock clock;
  private final URI messages;
  private final URI modelList;

  public AnthropicBackend(BackendSettings settings, UpstreamHttp http, Clock clock) {
    this.settings = settings;
    this.http = http;
    this.clock = clock;
    String base = settings.apiUrl().toString().replaceAll("/+$", "");
    this.messages = URI.create(base + "/messages");
    this.modelList = URI.create(base + "/models?limit=1000");
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public JsonObject complete(UpstreamRequest request) {
    JsonObject body = toMessagesRequest(request, false);
    Duration timeout = request.timeout().orElse(settings.timeout());
    Response response = send(body, "application/json", timeout);
    return completionFrom(UpstreamJson.read(name(), response, http.stallGuard(), timeout));
  }

  @Override
  public ChunkStream stream(UpstreamRequest request) {
    JsonObject body = toMessagesRequest(request, true);
    Duration timeout = request.timeout().orElse(settings.timeout());
    Response response = send(body, "text/event-stream", timeout);
    return new MessagesChunkStream(
        new UpstreamEventStream(name(), response, http.stallGuard(), timeout),
        ChatShape.wantsUsage(request.body()));
  }

  @Override
  public List<String> models() {
    if (!settings.models().isEmpty()) {
      return settings.models();
    }
    Response response =
        http.get(name(), modelList, headers(), "application/json", settings.timeout());
    if (response.getStatus() / 100 != 2) {
      throw UpstreamErrors.fromResponse(name(), response, secret());
    }
    JsonObject list = UpstreamJson.read(name(), response, http.stallGuard(), settings.timeout());
    List<String> ids = new ArrayList<>();
    for (JsonValue entry : list.getOrDefault("data", JsonValue.EMPTY_JSON_ARRAY).asJsonArray()) {
      if (entry instanceof JsonObject model && model.get("id") instanceof JsonString id) {
        ids.add(id.getString());
      }
    }
    return ids;
  }

  private Response send(JsonObject body, String accept, Duration timeout) {
    Response response =
        http.postJson(name(), messages, headers(), UpstreamJson.bytes(body), accept, timeout);
    if (response.getStatus() / 100 != 2) {
      throw UpstreamErrors.fromResponse(name(), response, secret());
    }
    return response;
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    settings.apiKey().ifPresent(key -> headers.put("x-api-key", key));
    headers.put("anthropic-version", API_VERSION);
    return headers;
  }

  /** What no error the client sees may repeat: the key and the configured address. */
  private UpstreamErrors.Hidden secret() {
    return new UpstreamErrors.Hidden(settings.apiKey().orElse(null), settings.apiUrl());
  }

  // ---- Chat Completions request -> Messages request ----

  private JsonObject toMessagesRequest(UpstreamRequest request, boolean stream) {
    JsonObject in = request.body();
    JsonObjectBuilder out = Json.createObjectBuilder().add("model", request.model());
    JsonArray messages = in.getOrDefault("messages", JsonValue.EMPTY_JSON_ARRAY).asJsonArray();
    String system = ChatShape.systemText(messages);
    if (!system.isEmpty()) {
      out.add("system", system);
    }
    out.add("messages", toAnthropicMessages(messages));
    long maxTokens = maxTokensOf(in);
    Optional<JsonObject> thinking = toThinking(request);
    if (thinking.isPresent()) {
      long budget = thinking.get().getJsonNumber("budget_tokens").longValue();
      maxTokens = Math.max(maxTokens, budget + ANSWER_ROOM);
    }
    out.add("max_tokens", maxTokens);
    JsonValue stop = in.get("stop");
    if (stop instanceof JsonString single) {
      out.add("stop_sequences", Json.createArrayBuilder().add(single));
    } else if (stop instanceof JsonArray several && !several.isEmpty()) {
      out.add("stop_sequences", several);
    }
    if (thinking.isEmpty()) {
      copyNumber(in, "temperature", out, "temperature");
      copyNumber(in, "top_k", out, "top_k");
    }
    if (in.get("top_p") instanceof JsonNumber topP
        && (thinking.isEmpty() || topP.doubleValue() >= 0.95)) {
      out.add("top_p", topP);
    }
    JsonArray tools = toAnthropicTools(in.get("tools"));
    if (!tools.isEmpty()) {
      out.add("tools", tools);
      toAnthropicToolChoice(in, thinking.isPresent()).ifPresent(c -> out.add("tool_choice", c));
    }
    if (in.get("user") instanceof JsonString user) {
      out.add("metadata", Json.createObjectBuilder().add("user_id", user));
    }
    thinking.ifPresent(t -> out.add("thinking", t));
    if (stream) {
      out.add("stream", true);
    }
    return out.build();
  }

  private static long maxTokensOf(JsonObject in) {
    for (String key : List.of("max_completion_tokens", "max_tokens")) {
      if (in.get(key) instanceof JsonNumber number && number.longValue() > 0) {
        return number.longValue();
      }
    }
    return DEFAULT_MAX_TOKENS;
  }

  /**
   * Extended thinking: always on the reasoning leg (maximum by default, or as {@code
   * reasoning_effort} or an explicit {@code thinking} object says), never on the execution leg, and
   * on a plain call only when the client asked for it.
   */
  private static Optional<JsonObject> toThinking(UpstreamRequest request) {
    if (request.leg() == UpstreamRequest.Leg.EXECUTION) {
      return Optional.empty();
    }
    JsonObject in = request.body();
    if (in.get("thinking") instanceof JsonObject thinking) {
      if (!"enabled".equals(thinking.getString("type", ""))) {
        return Optional.empty();
      }
      long budget =
          thinking.get("budget_tokens") instanceof JsonNumber number
              ? Math.max(MIN_THINKING_BUDGET, number.longValue())
              : DEFAULT_THINKING_BUDGET;
      return Optional.of(Json.createObjectBuilder(thinking).add("budget_tokens", budget).build());
    }
    Integer budget = null;
    if (in.get("reasoning_effort") instanceof JsonString effort) {
      budget = BUDGET_BY_EFFORT.get(effort.getString());
    }
    if (budget == null && request.leg() == UpstreamRequest.Leg.REASONING) {
      budget = DEFAULT_THINKING_BUDGET;
    }
    if (budget == null) {
      return Optional.empty();
    }
    return Optional.of(
        Json.createObjectBuilder().add("type", "enabled").add("budget_tokens", budget).build());
  }

  /**
   * The conversation as alternating turns: tool results become {@code tool_result} blocks of a user
   * turn, tool calls {@code tool_use} blocks of an assistant turn, and consecutive messages that
   * land on the same side share one turn (parallel tool results must).
   */
  private static JsonArray toAnthropicMessages(JsonArray messages) {
    AlternatingTurns turns = new AlternatingTurns();
    for (JsonValue value : messages) {
      if (!(value instanceof JsonObject message) || ChatShape.isSystem(message)) {
        continue;
      }
      String role = message.getString("role", "user");
      List<JsonObject> blocks = new ArrayList<>();
      String side = "user";
      switch (role) {
        case "assistant" -> {
          side = "assistant";
          String text = ChatShape.text(message.get("content"));
          if (!text.isEmpty()) {
            blocks.add(textBlock(text));
          }
          if (message.get("tool_calls") instanceof JsonArray calls) {
            for (JsonValue call : calls) {
              if (call instanceof JsonObject toolCall) {
                blocks.add(toToolUseBlock(toolCall));
              }
            }
          }
        }
        case "tool" -> blocks.add(toToolResultBlock(message));
        default -> blocks.addAll(toAnthropicContent(message.get("content")));
      }
      turns.add(side, blocks);
    }
    return turns.build("content");
  }

  private static List<JsonObject> toAnthropicContent(JsonValue content) {
    List<JsonObject> blocks = new ArrayList<>();
    if (content instanceof JsonString string) {
      if (!string.getString().isEmpty()) {
        blocks.add(textBlock(string.getString()));
      }
      return blocks;
    }
    if (!(content instanceof JsonArray parts)) {
      return blocks;
    }
    for (JsonValue value : parts) {
      if (!(value instanceof JsonObject part)) {
        continue;
      }
      JsonObjectBuilder block =
          switch (part.getString("type", "")) {
            case "text" -> {
              String text = part.getString("text", "");
              yield text.isEmpty() ? null : Json.createObjectBuilder(textBlock(text));
            }
            case "image_url" -> toImageBlock(part.get("image_url"));
            case "file" -> toDocumentBlock(part.get("file"));
            default -> throw unsupported("content part type '" + part.getString("type", "") + "'");
          };
      if (block != null) {
        if (part.get("cache_control") instanceof JsonObject cacheControl) {
          block.add("cache_control", cacheControl);
        }
        blocks.add(block.build());
      }
    }
    return blocks;
  }

  private static JsonObject textBlock(String text) {
    return Json.createObjectBuilder().add("type", "text").add("text", text).build();
  }

  private static JsonObjectBuilder toImageBlock(JsonValue imageUrl) {
    String url =
        imageUrl instanceof JsonObject object
            ? object.getString("url", "")
            : imageUrl instanceof JsonString string ? string.getString() : "";
    Optional<DataUrl> data = DataUrl.parse(url);
    JsonObjectBuilder source =
        data.isPresent()
            ? Json.createObjectBuilder()
                .add("type", "base64")
                .add("media_type", data.get().mediaType())
                .add("data", data.get().base64())
            : Json.createObjectBuilder().add("type", "url").add("url", url);
    return Json.createObjectBuilder().add("type", "image").add("source", source);
  }

  private static JsonObjectBuilder toDocumentBlock(JsonValue file) {
    String fileData = file instanceof JsonObject object ? object.getString("file_data", "") : "";
    DataUrl data =
        DataUrl.parse(fileData)
            .orElseThrow(() -> unsupported("a file part without inline base64 file_data"));
    return Json.createObjectBuilder()
        .add("type", "document")
        .add(
            "source",
            Json.createObjectBuilder()
                .add("type", "base64")
                .add("media_type", data.mediaType())
                .add("data", data.base64()));
  }

  private static JsonObject toToolUseBlock(JsonObject toolCall) {
    JsonObject function = ChatShape.objectIn(toolCall, "function", "messages.tool_calls");
    String arguments = function.getString("arguments", "");
    JsonObject input =
        arguments.isBlank() ? JsonValue.EMPTY_JSON_OBJECT : UpstreamJson.objectOrNull(arguments);
    if (input == null) {
      throw ProxyException.of(
              ErrorKind.INVALID_REQUEST,
              "The arguments of tool call '"
                  + toolCall.getString("id", "")
                  + "' are not a JSON object")
          .withParam("messages");
    }
    return Json.createObjectBuilder()
        .add("type", "tool_use")
        .add("id", toolCall.getString("id", ""))
        .add("name", function.getString("name", ""))
        .add("input", input)
        .build();
  }

  private static JsonObject toToolResultBlock(JsonObject message) {
    JsonObjectBuilder block =
        Json.createObjectBuilder()
            .add("type", "tool_result")
            .add("tool_use_id", message.getString("tool_call_id", ""));
    JsonValue content = message.get("content");
    if (content instanceof JsonArray) {
      JsonArrayBuilder blocks = Json.createArrayBuilder();
      toAnthropicContent(content).forEach(blocks::add);
      block.add("content", blocks);
    } else {
      block.add("content", ChatShape.text(content));
    }
    return block.build();
  }

  private static JsonArray toAnthropicTools(JsonValue tools) {
    JsonArrayBuilder out = Json.createArrayBuilder();
    if (tools instanceof JsonArray list) {
      for (JsonValue value : list) {
        if (value instanceof JsonObject tool
            && tool.get("function") instanceof JsonObject function) {
          JsonObjectBuilder converted =
              Json.createObjectBuilder().add("name", function.getString("name", ""));
          if (function.get("description") instanceof JsonString description) {
            converted.add("description", description);
          }
          converted.add(
              "input_schema",
              function.get("parameters") instanceof JsonObject parameters
                  ? parameters
                  : Json.createObjectBuilder().add("type", "object").build());
          out.add(converted);
        }
      }
    }
    return out.build();
  }

  /**
   * OpenAI {@code tool_choice} and {@code parallel_tool_calls} as Anthropic's {@code tool_choice};
   * with thinking on, only {@code auto} and {@code none} are allowed.
   */
  private static Optional<JsonObject> toAnthropicToolChoice(JsonObject in, boolean thinking) {
    JsonValue choice = in.get("tool_choice");
    JsonObjectBuilder out = Json.createObjectBuilder();
    if (choice instanceof JsonString mode) {
      out.add(
          "type",
          switch (mode.getString()) {
            case "none" -> "none";
            case "required" -> thinking ? "auto" : "any";
            default -> "auto";
          });
    } else if (choice instanceof JsonObject named
        && named.get("function") instanceof JsonObject function
        && !thinking) {
      out.add("type", "tool").add("name", function.getString("name", ""));
    } else if (in.get("parallel_tool_calls") == JsonValue.FALSE) {
      out.add("type", "auto");
    } else {
      return Optional.empty();
    }
    if (in.get("parallel_tool_calls") == JsonValue.FALSE) {
      out.add("disable_parallel_tool_use", true);
    }
    return Optional.of(out.build());
  }

  private static void copyNumber(JsonObject in, String from, JsonObjectBuilder out, String to) {
    if (in.get(from) instanceof JsonNumber number) {
      out.add(to, number);
    }
  }

  private static ProxyException unsupported(String what) {
    return ProxyException.of(
            ErrorKind.INVALID_REQUEST, "The anthropic wire type does not support " + what)
        .withParam("messages");
  }

  // ---- Messages answer -> Chat Completions ----

  private JsonObject completionFrom(JsonObject message) {
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    JsonArrayBuilder toolCalls = Json.createArrayBuilder();
    boolean anyToolCall = false;
    for (JsonValue value :
        message.getOrDefault("content", JsonValue.EMPTY_JSON_ARRAY).asJsonArray()) {
      if (!(value instanceof JsonObject block)) {
        continue;
      }
      switch (block.getString("type", "")) {
        case "text" -> text.append(block.getString("text", ""));
        case "thinking" -> reasoning.append(block.getString("thinking", ""));
        case "tool_use" -> {
          anyToolCall = true;
          toolCalls.add(
              Json.createObjectBuilder()
                  .add("id", block.getString("id", ""))
                  .add("type", "function")
                  .add(
                      "function",
                      Json.createObjectBuilder()
                          .add("name", block.getString("name", ""))
                          .add(
                              "arguments",
                              block
                                  .getOrDefault("input", JsonValue.EMPTY_JSON_OBJECT)
                                  .toString())));
        }
        default -> {
          // redacted thinking, server tool blocks: nothing a Chat Completions client reads
        }
      }
    }
    JsonObjectBuilder answer = Json.createObjectBuilder().add("role", "assistant");
    if (text.length() > 0 || !anyToolCall) {
      answer.add("content", text.toString());
    } else {
      answer.addNull("content");
    }
    if (reasoning.length() > 0) {
      answer.add("reasoning_content", reasoning.toString());
    }
    if (anyToolCall) {
      answer.add("tool_calls", toolCalls);
    }
    ChatShape shape = shapeOf(message);
    return shape.completion(
        answer.build(),
        finishReasonFrom(message.getString("stop_reason", null)),
        message.get("usage") instanceof JsonObject usage ? usageFrom(usage, -1) : null);
  }

  private ChatShape shapeOf(JsonObject message) {
    return new ChatShape(
        message.getString("id", "msg"),
        clock.instant().getEpochSecond(),
        message.getString("model", ""));
  }

  /** Messages stop reasons as Chat Completions finish reasons. */
  static String finishReasonFrom(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      default -> "stop"; // end_turn, stop_sequence, pause_turn
    };
  }

  /**
   * Anthropic usage as OpenAI usage: prompt tokens include the cached ones (Anthropic counts them
   * apart), completion tokens are the output tokens.
   *
   * @param outputTokens the latest cumulative output count of a stream, or {@code -1} to read it
   *     from {@code usage}
   */
  private static JsonObject usageFrom(JsonObject usage, long outputTokens) {
    long input = number(usage, "input_tokens");
    long cacheWrite = number(usage, "cache_creation_input_tokens");
    long cacheRead = number(usage, "cache_read_input_tokens");
    long output = outputTokens >= 0 ? outputTokens : number(usage, "output_tokens");
    return ChatShape.usage(input + cacheWrite + cacheRead, output, cacheRead, -1);
  }

  private static long number(JsonObject object, String key) {
    return object.get(key) instanceof JsonNumber number ? number.longValue() : 0;
  }

  /** Messages stream events as chat-completion chunks. */
  private final class MessagesChunkStream extends TranslatingChunkStream {
    private final boolean wantsUsage;
    private final Map<Integer, String> blockTypes = new HashMap<>();
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private ChatShape shape;
    private JsonObject usage = JsonValue.EMPTY_JSON_OBJECT;
    private long outputTokens = -1;
    private boolean stopped;

    MessagesChunkStream(UpstreamEventStream events, boolean wantsUsage) {
      super(events);
      this.wantsUsage = wantsUsage;
    }

    @Override
    protected void translate(SseEvent event) {
      JsonObject data = UpstreamJson.event(name(), event.data());
      String type = data.getString("type", event.event());
      switch (type) {
        case "message_start" -> {
          JsonObject message =
              data.getOrDefault("message", JsonValue.EMPTY_JSON_OBJECT).asJsonObject();
          shape = shapeOf(message);
          if (message.get("usage") instanceof JsonObject startUsage) {
            usage = startUsage;
          }
          emit(
              shape.chunk(
                  Json.createObjectBuilder().add("role", "assistant").add("content", "").build(),
                  null));
        }
        case "content_block_start" -> blockStarted(data);
        case "content_block_delta" -> blockDelta(data);
        case "content_block_stop" -> {
          String blockType = blockTypes.remove(data.getInt("index", -1));
          if ("thinking".equals(blockType) || "redacted_thinking".equals(blockType)) {
            emit(ChunkStream.REASONING_END);
          }
        }
        case "message_delta" -> {
          JsonObject delta = data.getOrDefault("delta", JsonValue.EMPTY_JSON_OBJECT).asJsonObject();
          if (data.get("usage") instanceof JsonObject deltaUsage) {
            outputTokens = number(deltaUsage, "output_tokens");
            if (deltaUsage.containsKey("input_tokens")) {
              usage =
                  Json.createObjectBuilder(usage)
                      .addAll(Json.createObjectBuilder(deltaUsage))
                      .build();
            }
          }
          String reason = finishReasonFrom(delta.getString("stop_reason", null));
          if (reason != null) {
            stopped = true;
            emit(shape().chunk(JsonValue.EMPTY_JSON_OBJECT, reason));
          }
        }
        case "message_stop" -> {
          if (wantsUsage) {
            emit(shape().usageChunk(usageFrom(usage, outputTokens)));
          }
          finish();
        }
        case "error" -> throw UpstreamErrors.fromStreamError(name(), data.get("error"), secret());
        default -> {
          // ping, and event types added after this adapter was written
        }
      }
    }

    private void blockStarted(JsonObject data) {
      int index = data.getInt("index", -1);
      JsonObject block =
          data.getOrDefault("content_block", JsonValue.EMPTY_JSON_OBJECT).asJsonObject();
      String blockType = block.getString("type", "");
      blockTypes.put(index, blockType);
      switch (blockType) {
        case "text" -> {
          String text = block.getString("text", "");
          if (!text.isEmpty()) {
            emit(shape().chunk(ChatShape.delta("content", text), null));
          }
        }
        case "thinking" -> {
          String thinking = block.getString("thinking", "");
          if (!thinking.isEmpty()) {
            emit(shape().chunk(ChatShape.delta("reasoning_content", thinking), null));
          }
        }
        case "tool_use" -> {
          int toolIndex = toolIndexes.size();
          toolIndexes.put(index, toolIndex);
          emit(
              shape()
                  .chunk(
                      ChatShape.toolCallStart(
                          toolIndex, block.getString("id", ""), block.getString("name", "")),
                      null));
        }
        default -> {
          // redacted thinking carries no text; server tool blocks are not the client's
        }
      }
    }

    private void blockDelta(JsonObject data) {
      JsonObject delta = data.getOrDefault("delta", JsonValue.EMPTY_JSON_OBJECT).asJsonObject();
      switch (delta.getString("type", "")) {
        case "text_delta" ->
            emit(shape().chunk(ChatShape.delta("content", delta.getString("text", "")), null));
        case "thinking_delta" ->
            emit(
                shape()
                    .chunk(
                        ChatShape.delta("reasoning_content", delta.getString("thinking", "")),
                        null));
        case "input_json_delta" -> {
          Integer toolIndex = toolIndexes.get(data.getInt("index", -1));
          String partial = delta.getString("partial_json", "");
          if (toolIndex != null && !partial.isEmpty()) {
            emit(
                shape()
                    .chunk(
                        ChatShape.toolCallDelta(
                            Json.createObjectBuilder()
                                .add("index", toolIndex)
                                .add(
                                    "function",
                                    Json.createObjectBuilder().add("arguments", partial))
                                .build()),
                        null));
          }
        }
        default -> {
          // signature_delta and citations: nothing a Chat Completions client reads
        }
      }
    }

    private ChatShape shape() {
      if (shape == null) {
        throw ProxyException.of(
            ErrorKind.UPSTREAM_ERROR,
            "Backend '" + name() + "' sent stream events before message_start");
      }
      return shape;
    }

    @Override
    protected void endOfStream() {
      if (!stopped) {
        throw ProxyException.of(
            ErrorKind.UPSTREAM_ERROR,
            "The stream from backend '" + name() + "' ended before the answer was complete");
      }
    }
  }
}
