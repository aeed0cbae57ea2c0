package dev.hybridproxy.backend.openai;

import dev.hybridproxy.backend.ChatShape;
import dev.hybridproxy.backend.http.SseEvent;
import dev.hybridproxy.backend.http.TranslatingChunkStream;
import dev.hybridproxy.backend.http.UpstreamErrors;
import dev.hybridproxy.backend.http.UpstreamEventStream;
import dev.hybridproxy.backend.http.UpstreamJson;
import dev.hybridproxy.engine.ChunkStream;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI Responses API as the {@code openai} adapter uses it for reasoning models on the
 * reasoning leg: a Chat Completions body becomes a Responses request asking for detailed reasoning
 * summaries, and the summary deltas come back as {@code reasoning_content} chunks. Part of the
 * openai adapter; nothing outside it sees Responses shapes.
 */
final class ResponsesApi {
  /** Chat Completions fields that mean the same in a Responses request. */
  private static final List<String> SAME_FIELDS =
      List.of(
          "parallel_tool_calls",
          "user",
          "metadata",
          "service_tier",
          "prompt_cache_key",
          "safety_identifier",
          "store");

  private final String backend;
  private final Clock clock;

  ResponsesApi(String backend, Clock clock) {
    this.backend = backend;
    this.clock = clock;
  }

  // ---- Chat Completions request -> Responses request ----

  /**
   * Sampling parameters ({@code temperature}, {@code top_p}, penalties, {@code stop}) are dropped:
   * reasoning models refuse them.
   */
  JsonObject toResponsesRequest(JsonObject in, boolean stream) {
    JsonObjectBuilder out =
        Json.createObjectBuilder()
            .add("model", in.getString("model", ""))
            .add(
                "input",
                toResponsesInput(
                    in.getOrDefault("messages", JsonValue.EMPTY_JSON_ARRAY).asJsonArray()));
    JsonArray tools = toResponsesTools(in.get("tools"));
    if (!tools.isEmpty()) {
      out.add("tools", tools);
      if (in.containsKey("tool_choice")) {
        out.add("tool_choice", toResponsesToolChoice(in.get("tool_choice")));
      }
    }
    for (String key : List.of("max_completion_tokens", "max_tokens")) {
      if (in.get(key) instanceof JsonNumber limit) {
        out.add("max_output_tokens", limit);
        break;
      }
    }
    out.add(
        "reasoning",
        Json.createObjectBuilder().add("effort", effortOf(in)).add("summary", "detailed"));
    JsonObject text = toResponsesText(in);
    if (!text.isEmpty()) {
      out.add("text", text);
    }
    for (String key : SAME_FIELDS) {
      if (in.containsKey(key)) {
        out.add(key, in.get(key));
      }
    }
    if (!in.containsKey("store")) {
      out.add("store", false);
    }
    if (stream) {
      out.add("stream", true);
    }
    return out.build();
  }

  /** {@code reasoning_effort} (or an OpenRouter-style {@code reasoning.effort}), else high. */
  private static String effortOf(JsonObject in) {
    String effort = "high";
    if (in.get("reasoning_effort") instanceof JsonString given) {
      effort = given.getString();
    } else if (in.get("reasoning") instanceof JsonObject reasoning
        && reasoning.get("effort") instanceof JsonString given) {
      effort = given.getString();
    }
    return effort.equals("max") ? "high" : effort;
  }

  private static JsonObject toResponsesText(JsonObject in) {
    JsonObjectBuilder text = Json.createObjectBuilder();
    if (in.get("verbosity") instanceof JsonString verbosity) {
      text.add("verbosity", verbosity);
    }
    if (in.get("response_format") instanceof JsonObject format) {
      switch (format.getString("type", "")) {
        case "json_object" ->
            text.add("format", Json.createObjectBuilder().add("type", "json_object"));
        case "json_schema" -> {
          JsonObjectBuilder schema = Json.createObjectBuilder().add("type", "json_schema");
          if (format.get("json_schema") instanceof JsonObject definition) {
            definition.forEach(schema::add);
          }
          text.add("format", schema);
        }
        default -> {
          // plain text is the default
        }
      }
    }
    return text.build();
  }

  /** Messages as input items: tool calls and their results become items of their own. */
  private static JsonArray toResponsesInput(JsonArray messages) {
    JsonArrayBuilder items = Json.createArrayBuilder();
    for (JsonValue value : messages) {
      if (!(value instanceof JsonObject message)) {
        continue;
      }
      String role = message.getString("role", "user");
      switch (role) {
        case "tool" ->
            items.add(
                Json.createObjectBuilder()
                    .add("type", "function_call_output")
                    .add("call_id", message.getString("tool_call_id", ""))
                    .add("output", ChatShape.text(message.get("content"))));
        case "assistant" -> {
          String text = ChatShape.text(message.get("content"));
          if (!text.isEmpty()) {
            items.add(Json.createObjectBuilder().add("role", "assistant").add("content", text));
          }
          if (message.get("tool_calls") instanceof JsonArray calls) {
            for (JsonValue call : calls) {
              if (call instanceof JsonObject toolCall
                  && toolCall.get("function") instanceof JsonObject function) {
                items.add(
                    Json.createObjectBuilder()
                        .add("type", "function_call")
                        .add("call_id", toolCall.getString("id", ""))
                        .add("name", function.getString("name", ""))
                        .add("arguments", function.getString("arguments", "")));
              }
            }
          }
        }
        default ->
            items.add(
                Json.createObjectBuilder()
                    .add("role", role)
                    .add("content", toResponsesContent(message.get("content"))));
      }
    }
    return items.build();
  }

  private static JsonValue toResponsesContent(JsonValue content) {
    if (!(content instanceof JsonArray parts)) {
      return Json.createValue(ChatShape.text(content));
    }
    JsonArrayBuilder out = Json.createArrayBuilder();
    for (JsonValue value : parts) {
      if (!(value instanceof JsonObject part)) {
        continue;
      }
      switch (part.getString("type", "")) {
        case "text" ->
            out.add(
                Json.createObjectBuilder()
                    .add("type", "input_text")
                    .add("text", part.getString("text", "")));
        case "image_url" -> {
          JsonValue image = part.get("image_url");
          JsonObjectBuilder converted = Json.createObjectBuilder().add("type", "input_image");
          if (image instanceof JsonObject object) {
            converted.add("image_url", object.getString("url", ""));
            if (object.get("detail") instanceof JsonString detail) {
              converted.add("detail", detail);
            }
          } else if (image instanceof JsonString url) {
            converted.add("image_url", url);
          }
          out.add(converted);
        }
        case "file" -> {
          JsonObjectBuilder converted = Json.createObjectBuilder().add("type", "input_file");
          if (part.get("file") instanceof JsonObject file) {
            file.forEach(converted::add);
          }
          out.add(converted);
        }
        default -> out.add(part);
      }
    }
    return out.build();
  }

  /** Function tools flattened as the Responses API wants them; other tool types pass through. */
  private static JsonArray toResponsesTools(JsonValue tools) {
    JsonArrayBuilder out = Json.createArrayBuilder();
    if (tools instanceof JsonArray list) {
      for (JsonValue value : list) {
        if (value instanceof JsonObject tool
            && "function".equals(tool.getString("type", ""))
            && tool.get("function") instanceof JsonObject function) {
          JsonObjectBuilder flat = Json.createObjectBuilder().add("type", "function");
          function.forEach(flat::add);
          out.add(flat);
        } else if (value != null) {
          out.add(value);
        }
      }
    }
    return out.build();
  }

  private static JsonValue toResponsesToolChoice(JsonValue choice) {
    if (choice instanceof JsonObject named
        && named.get("function") instanceof JsonObject function) {
      return Json.createObjectBuilder()
          .add("type", "function")
          .add("name", function.getString("name", ""))
          .build();
    }
    return choice;
  }

  // ---- Responses answer -> Chat Completions ----

  JsonObject completionFrom(JsonObject response) {
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    JsonArrayBuilder toolCalls = Json.createArrayBuilder();
    int calls = 0;
    for (JsonValue value :
        response.getOrDefault("output", JsonValue.EMPTY_JSON_ARRAY).asJsonArray()) {
      if (!(value instanceof JsonObject item)) {
        continue;
      }
      switch (item.getString("type", "")) {
        case "reasoning" -> {
          for (JsonValue summary :
              item.getOrDefault("summary", JsonValue.EMPTY_JSON_ARRAY).asJsonArray()) {
            if (summary instanceof JsonObject part) {
              if (reasoning.length() > 0) {
                reasoning.append("\n\n");
              }
              reasoning.append(part.getString("text", ""));
            }
          }
        }
        case "message" -> {
          for (JsonValue content :
              item.getOrDefault("content", JsonValue.EMPTY_JSON_ARRAY).asJsonArray()) {
            if (content instanceof JsonObject part
                && "output_text".equals(part.getString("type", ""))) {
              text.append(part.getString("text", ""));
            }
          }
        }
        case "function_call" -> {
          calls++;
          toolCalls.add(
              Json.createObjectBuilder()
                  .add("id", item.getString("call_id", ""))
                  .add("type", "function")
                  .add(
                      "function",
                      Json.createObjectBuilder()
                          .add("name", item.getString("name", ""))
                          .add("arguments", item.getString("arguments", ""))));
        }
        default -> {
          // built-in tool items are not the client's
        }
      }
    }
    JsonObjectBuilder message = Json.createObjectBuilder().add("role", "assistant");
    if (text.length() > 0 || calls == 0) {
      message.add("content", text.toString());
    } else {
      message.addNull("content");
    }
    if (reasoning.length() > 0) {
      message.add("reasoning_content", reasoning.toString());
    }
    if (calls > 0) {
      message.add("tool_calls", toolCalls);
    }
    return shapeOf(response)
        .completion(
            message.build(),
            finishReasonFrom(response, calls > 0),
            response.get("usage") instanceof JsonObject usage ? usageFrom(usage) : null);
  }

  private ChatShape shapeOf(JsonObject response) {
    return new ChatShape(
        response.getString("id", "resp"),
        response.get("created_at") instanceof JsonNumber created
            ? created.longValue()
            : clock.instant().getEpochSecond(),
        response.getString("model", ""));
  }

  private static String finishReasonFrom(JsonObject response, boolean calledTools) {
    String status = response.getString("status", "completed");
    if (status.equals("incomplete")) {
      String reason =
          response.get("incomplete_details") instanceof JsonObject details
              ? details.getString("reason", "")
              : "";
      return reason.equals("content_filter") ? "content_filter" : "length";
    }
    return calledTools ? "tool_calls" : "stop";
  }

  private static JsonObject usageFrom(JsonObject usage) {
    return ChatShape.usage(
        number(usage, "input_tokens"),
        number(usage, "output_tokens"),
        usage.get("input_tokens_details") instanceof JsonObject input
            ? number(input, "cached_tokens")
            : -1,
        usage.get("output_tokens_details") instanceof JsonObject output
            ? number(output, "reasoning_tokens")
            : -1);
  }

  private static long number(JsonObject object, String key) {
    return object.get(key) instanceof JsonNumber number ? number.longValue() : 0;
  }

  ChunkStream chunksFrom(
      UpstreamEventStream events, JsonObject request, UpstreamErrors.Hidden secret) {
    return new ResponseEventStream(events, ChatShape.wantsUsage(request), secret);
  }

  /**
   * Responses stream events as chat-completion chunks. The reasoning channel ends with the
   * reasoning item's {@code response.output_item.done}, or at the latest with the first answer
   * delta.
   */
  private final class ResponseEventStream extends TranslatingChunkStream {
    private final boolean wantsUsage;
    private final UpstreamErrors.Hidden secret;
    private final Map<String, Integer> toolIndexes = new HashMap<>();
    private ChatShape shape;
    private boolean reasoningOpen;
    private boolean newSummaryPart;
    private boolean stopped;

    ResponseEventStream(
        UpstreamEventStream events, boolean wantsUsage, UpstreamErrors.Hidden secret) {
      super(events);
      this.wantsUsage = wantsUsage;
      this.secret = secret;
    }

    @Override
    protected void translate(SseEvent event) {
      JsonObject data = UpstreamJson.event(backend, event.data());
      String type = data.getString("type", event.event());
      switch (type) {
        case "response.created" -> {
          shape =
              shapeOf(data.getOrDefault("response", JsonValue.EMPTY_JSON_OBJECT).asJsonObject());
          emit(
              shape.chunk(
                  Json.createObjectBuilder().add("role", "assistant").add("content", "").build(),
                  null));
        }
        case "response.output_item.added" -> {
          JsonObject item = data.getOrDefault("item", JsonValue.EMPTY_JSON_OBJECT).asJsonObject();
          switch (item.getString("type", "")) {
            case "reasoning" -> reasoningOpen = true;
            case "function_call" -> {
              endReasoning();
              int index = toolIndexes.size();
              toolIndexes.put(item.getString("id", ""), index);
              emit(
                  shape()
                      .chunk(
                          ChatShape.toolCallStart(
                              index, item.getString("call_id", ""), item.getString("name", "")),
                          null));
            }
            default -> {
              // message items announce themselves; their text follows as deltas
            }
          }
        }
        case "response.reasoning_summary_part.added" ->
            newSummaryPart = data.getInt("summary_index", 0) > 0;
        case "response.reasoning_summary_text.delta" -> {
          String delta = data.getString("delta", "");
          if (newSummaryPart) {
            delta = "\n\n" + delta;
            newSummaryPart = false;
          }
          emit(shape().chunk(ChatShape.delta("reasoning_content", delta), null));
        }
        case "response.output_item.done" -> {
          if (data.get("item") instanceof JsonObject item
              && "reasoning".equals(item.getString("type", ""))) {
            endReasoning();
          }
        }
        case "response.output_text.delta" -> {
          endReasoning();
          emit(shape().chunk(ChatShape.delta("content", data.getString("delta", "")), null));
        }
        case "response.refusal.delta" -> {
          endReasoning();
          emit(shape().chunk(ChatShape.delta("refusal", data.getString("delta", "")), null));
        }
        case "response.function_call_arguments.delta" -> {
          Integer index = toolIndexes.get(data.getString("item_id", ""));
          if (index != null) {
            emit(
                shape()
                    .chunk(
                        ChatShape.toolCallDelta(
                            Json.createObjectBuilder()
                                .add("index", index)
                                .add(
                                    "function",
                                    Json.createObjectBuilder()
                                        .add("arguments", data.getString("delta", "")))
                                .build()),
                        null));
          }
        }
        case "response.completed", "response.incomplete" -> {
          JsonObject response =
              data.getOrDefault("response", JsonValue.EMPTY_JSON_OBJECT).asJsonObject();
          endReasoning();
          stopped = true;
          emit(
              shape()
                  .chunk(
                      JsonValue.EMPTY_JSON_OBJECT,
                      finishReasonFrom(response, !toolIndexes.isEmpty())));
          if (wantsUsage && response.get("usage") instanceof JsonObject usage) {
            emit(shape().usageChunk(usageFrom(usage)));
          }
          finish();
        }
        case "response.failed" -> {
          JsonObject response =
              data.getOrDefault("response", JsonValue.EMPTY_JSON_OBJECT).asJsonObject();
          throw UpstreamErrors.fromStreamError(backend, response.get("error"), secret);
        }
        case "error" ->
            throw UpstreamErrors.fromStreamError(
                backend, data.get("error") instanceof JsonObject error ? error : data, secret);
        default -> {
          // in_progress, content parts, *.done and events added after this adapter was written
        }
      }
    }

    private void endReasoning() {
      if (reasoningOpen) {
        reasoningOpen = false;
        emit(ChunkStream.REASONING_END);
      }
    }

    private ChatShape shape() {
      if (shape == null) {
        throw ProxyException.of(
            ErrorKind.UPSTREAM_ERROR,
            "Backend '" + backend + "' sent stream events before response.created");
      }
      return shape;
    }

    @Override
    protected void endOfStream() {
      if (!stopped) {
        throw ProxyException.of(
            ErrorKind.UPSTREAM_ERROR,
            "The stream from backend '" + backend + "' ended before the answer was complete");
      }
    }
  }
}
