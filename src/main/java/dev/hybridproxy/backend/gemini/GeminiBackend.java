package dev.hybridproxy.backend.gemini;

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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The {@code gemini} wire type: the Generative Language API ({@code generateContent}, and {@code
 * streamGenerateContent?alt=sse} for streams) with {@code x-goog-api-key}. Chat Completions
 * requests become {@code contents}, {@code systemInstruction}, function declarations and a
 * generation config; candidates come back as chunks, with {@code thought: true} parts as the
 * reasoning channel.
 */
public final class GeminiBackend implements Backend {
  /** The one path segment of a model name; anything else never reaches the upstream URL. */
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Models whose thinking may be switched off entirely (thinkingBudget 0). */
  private static final Pattern THINKING_OPTIONAL = Pattern.compile("gemini-2\\.5-flash.*");

  private static final Map<String, Integer> BUDGET_BY_EFFORT =
      Map.of(
          "minimal", 512,
          "low", 1024,
          "medium", 8192,
          "high", 24576,
          "xhigh", 32768,
          "max", 32768);

  private final BackendSettings settings;
  private final UpstreamHttp http;
  private final Clock clock;
  private final String models;

  public GeminiBackend(BackendSettings settings, UpstreamHttp http, Clock clock) {
    this.settings = settings;
    this.http = http;
    this.clock = clock;
    String base = settings.apiUrl().toString().replaceAll("/+$", "");
    this.models = (base.matches(".*/v1(beta|alpha)?$") ? base : base + "/v1beta") + "/models";
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public JsonObject complete(UpstreamRequest request) {
    String model = modelOf(request);
    JsonObject body = toGeminiRequest(request);
    Duration timeout = request.timeout().orElse(settings.timeout());
    Response response =
        send(
            URI.create(models + "/" + model + ":generateContent"),
            body,
            "application/json",
            timeout);
    return completionFrom(UpstreamJson.read(name(), response, http.stallGuard(), timeout), model);
  }

  @Override
  public ChunkStream stream(UpstreamRequest request) {
    String model = modelOf(request);
    JsonObject body = toGeminiRequest(request);
    Duration timeout = request.timeout().orElse(settings.timeout());
    Response response =
        send(
            URI.create(models + "/" + model + ":streamGenerateContent?alt=sse"),
            body,
            "text/event-stream",
            timeout);
    return new CandidateChunkStream(
        new UpstreamEventStream(name(), response, http.stallGuard(), timeout),
        model,
        ChatShape.wantsUsage(request.body()));
  }

  @Override
  public List<String> models() {
    if (!settings.models().isEmpty()) {
      return settings.models();
    }
    Response response =
        http.get(
            name(),
            URI.create(models + "?pageSize=1000"),
            headers(),
            "application/json",
            settings.timeout());
    if (response.getStatus() / 100 != 2) {
      throw UpstreamErrors.fromResponse(name(), response, secret());
    }
    JsonObject list = UpstreamJson.read(name(), response, http.stallGuard(), settings.timeout());
    List<String> ids = new ArrayList<>();
    for (JsonValue entry : list.getOrDefault("models", JsonValue.EMPTY_JSON_ARRAY).asJsonArray()) {
      if (entry instanceof JsonObject model
          && model.get("name") instanceof JsonString id
          && generates(model)) {
        ids.add(id.getString().replaceFirst("^models/", ""));
      }
    }
    return ids;
  }

  private static boolean generates(JsonObject model) {
    return !(model.get("supportedGenerationMethods") instanceof JsonArray methods)
        || methods.contains(Json.createValue("generateContent"));
  }

  private Response send(URI uri, JsonObject body, String accept, Duration timeout) {
    Response response =
        http.postJson(name(), uri, headers(), UpstreamJson.bytes(body), accept, timeout);
    if (response.getStatus() / 100 != 2) {
      throw UpstreamErrors.fromResponse(name(), response, secret());
    }
    return response;
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    settings.apiKey().ifPresent(key -> headers.put("x-goog-api-key", key));
    return headers;
  }

  /** What no error the client sees may repeat: the key and the configured address. */
  private UpstreamErrors.Hidden secret() {
    return new UpstreamErrors.Hidden(settings.apiKey().orElse(null), settings.apiUrl());
  }

  /** The model as one URL path segment; a request can never steer the call elsewhere. */
  private static String modelOf(UpstreamRequest request) {
    String model = request.model().replaceFirst("^models/", "");
    if (!MODEL.matcher(model).matches()) {
      throw ProxyException.of(
              ErrorKind.INVALID_MODEL,
              "Invalid Gemini model name '"
                  + model
                  + "'. Expected letters, digits, '.', '_' or '-', e.g. 'gemini:gemini-2.5-flash'")
          .withParam("model");
    }
    return model;
  }

  // ---- Chat Completions request -> GenerateContentRequest ----

  private static JsonObject toGeminiRequest(UpstreamRequest request) {
    JsonObject in = request.body();
    JsonArray messages = in.getOrDefault("messages", JsonValue.EMPTY_JSON_ARRAY).asJsonArray();
    JsonObjectBuilder out = Json.createObjectBuilder();
    out.add("contents", toGeminiContents(messages));
    String system = ChatShape.systemText(messages);
    if (!system.isEmpty()) {
      out.add(
          "systemInstruction",
          Json.createObjectBuilder()
              .add(
                  "parts",
                  Json.createArrayBuilder().add(Json.createObjectBuilder().add("text", system))));
    }
    JsonArray declarations = toFunctionDeclarations(in.get("tools"));
    if (!declarations.isEmpty()) {
      out.add(
          "tools",
          Json.createArrayBuilder()
              .add(Json.createObjectBuilder().add("functionDeclarations", declarations)));
      toToolConfig(in.get("tool_choice")).ifPresent(c -> out.add("toolConfig", c));
    }
    JsonObject generationConfig = toGenerationConfig(request);
    if (!generationConfig.isEmpty()) {
      out.add("generationConfig", generationConfig);
    }
    for (String field : List.of("safetySettings", "cachedContent", "labels")) {
      if (in.containsKey(field)) {
        out.add(field, in.get(field));
      }
    }
    return out.build();
  }

  private static JsonObject toGenerationConfig(UpstreamRequest request) {
    JsonObject in = request.body();
    JsonObjectBuilder config =
        in.get("generationConfig") instanceof JsonObject given
            ? Json.createObjectBuilder(given)
            : Json.createObjectBuilder();
    copy(in, "temperature", config, "temperature");
    copy(in, "top_p", config, "topP");
    copy(in, "top_k", config, "topK");
    copy(in, "max_tokens", config, "maxOutputTokens");
    copy(in, "max_completion_tokens", config, "maxOutputTokens");
    copy(in, "n", config, "candidateCount");
    copy(in, "seed", config, "seed");
    copy(in, "presence_penalty", config, "presencePenalty");
    copy(in, "frequency_penalty", config, "frequencyPenalty");
    JsonValue stop = in.get("stop");
    if (stop instanceof JsonString single) {
      config.add("stopSequences", Json.createArrayBuilder().add(single));
    } else if (stop instanceof JsonArray several && !several.isEmpty()) {
      config.add("stopSequences", several);
    }
    if (in.get("response_format") instanceof JsonObject format) {
      switch (format.getString("type", "")) {
        case "json_object" -> config.add("responseMimeType", "application/json");
        case "json_schema" -> {
          config.add("responseMimeType", "application/json");
          if (format.get("json_schema") instanceof JsonObject schema
              && schema.get("schema") instanceof JsonObject jsonSchema) {
            config.add("responseJsonSchema", jsonSchema);
          }
        }
        default -> {
          // "text" is Gemini's default
        }
      }
    }
    toThinkingConfig(request).ifPresent(t -> config.add("thinkingConfig", t));
    return config.build();
  }

  /**
   * Thoughts on the reasoning leg (dynamic budget unless {@code reasoning_effort} or an explicit
   * {@code thinkingConfig} says otherwise), never shown on the execution leg (and switched off
   * where the model allows), as the client asked on a plain call.
   */
  private static Optional<JsonObject> toThinkingConfig(UpstreamRequest request) {
    JsonObject in = request.body();
    JsonObject given =
        in.get("thinkingConfig") instanceof JsonObject explicit
            ? explicit
            : in.get("generationConfig") instanceof JsonObject config
                    && config.get("thinkingConfig") instanceof JsonObject nested
                ? nested
                : null;
    Integer effortBudget =
        in.get("reasoning_effort") instanceof JsonString effort
            ? BUDGET_BY_EFFORT.get(effort.getString())
            : null;
    switch (request.leg()) {
      case REASONING -> {
        JsonObjectBuilder thinking =
            given != null ? Json.createObjectBuilder(given) : Json.createObjectBuilder();
        thinking.add("includeThoughts", true);
        if (given == null || !given.containsKey("thinkingBudget")) {
          thinking.add("thinkingBudget", effortBudget != null ? effortBudget : -1);
        }
        return Optional.of(thinking.build());
      }
      case EXECUTION -> {
        if (given != null) {
          return Optional.of(Json.createObjectBuilder(given).add("includeThoughts", false).build());
        }
        if (THINKING_OPTIONAL.matcher(request.model().replaceFirst("^models/", "")).matches()) {
          return Optional.of(Json.createObjectBuilder().add("thinkingBudget", 0).build());
        }
        return Optional.empty();
      }
      default -> {
        if (given != null) {
          return Optional.of(given);
        }
        if (effortBudget != null) {
          return Optional.of(
              Json.createObjectBuilder()
                  .add("includeThoughts", true)
                  .add("thinkingBudget", effortBudget)
                  .build());
        }
        return Optional.empty();
      }
    }
  }

  /**
   * The conversation as {@code user}/{@code model} contents: tool calls become {@code functionCall}
   * parts, tool results {@code functionResponse} parts of a user turn (named after the call they
   * answer), and consecutive messages of one side share a turn.
   */
  private static JsonArray toGeminiContents(JsonArray messages) {
    Map<String, String> toolNames = new HashMap<>();
    AlternatingTurns turns = new AlternatingTurns();
    for (JsonValue value : messages) {
      if (!(value instanceof JsonObject message) || ChatShape.isSystem(message)) {
        continue;
      }
      List<JsonObject> parts = new ArrayList<>();
      String side = "user";
      switch (message.getString("role", "user")) {
        case "assistant" -> {
          side = "model";
          String text = ChatShape.text(message.get("content"));
          if (!text.isEmpty()) {
            parts.add(Json.createObjectBuilder().add("text", text).build());
          }
          if (message.get("tool_calls") instanceof JsonArray calls) {
            for (JsonValue call : calls) {
              if (call instanceof JsonObject toolCall) {
                parts.add(toFunctionCallPart(toolCall, toolNames));
              }
            }
          }
        }
        case "tool" -> parts.add(toFunctionResponsePart(message, toolNames));
        default -> parts.addAll(toGeminiParts(message.get("content")));
      }
      turns.add(side, parts);
    }
    return turns.build("parts");
  }

  private static List<JsonObject> toGeminiParts(JsonValue content) {
    List<JsonObject> parts = new ArrayList<>();
    if (content instanceof JsonString string) {
      if (!string.getString().isEmpty()) {
        parts.add(Json.createObjectBuilder().add("text", string.getString()).build());
      }
      return parts;
    }
    if (!(content instanceof JsonArray list)) {
      return parts;
    }
    for (JsonValue value : list) {
      if (!(value instanceof JsonObject part)) {
        continue;
      }
      switch (part.getString("type", "")) {
        case "text" -> {
          String text = part.getString("text", "");
          if (!text.isEmpty()) {
            parts.add(Json.createObjectBuilder().add("text", text).build());
          }
        }
        case "image_url" -> {
          JsonValue image = part.get("image_url");
          String url =
              image instanceof JsonObject object
                  ? object.getString("url", "")
                  : image instanceof JsonString string ? string.getString() : "";
          parts.add(toMediaPart(url, imageTypeOf(url)));
        }
        case "input_audio" -> {
          JsonObject audio = ChatShape.objectIn(part, "input_audio", "messages.content");
          parts.add(
              inlineData("audio/" + audio.getString("format", "wav"), audio.getString("data", "")));
        }
        case "file" -> {
          JsonObject file = ChatShape.objectIn(part, "file", "messages.content");
          DataUrl data =
              DataUrl.parse(file.getString("file_data", ""))
                  .orElseThrow(() -> unsupported("a file part without inline base64 file_data"));
          parts.add(inlineData(data.mediaType(), data.base64()));
        }
        default -> throw unsupported("content part type '" + part.getString("type", "") + "'");
      }
    }
    return parts;
  }

  private static JsonObject toMediaPart(String url, String guessedType) {
    Optional<DataUrl> data = DataUrl.parse(url);
    if (data.isPresent()) {
      return inlineData(data.get().mediaType(), data.get().base64());
    }
    return Json.createObjectBuilder()
        .add(
            "fileData", Json.createObjectBuilder().add("mimeType", guessedType).add("fileUri", url))
        .build();
  }

  private static JsonObject inlineData(String mimeType, String base64) {
    return Json.createObjectBuilder()
        .add("inlineData", Json.createObjectBuilder().add("mimeType", mimeType).add("data", base64))
        .build();
  }

  private static String imageTypeOf(String url) {
    String path = url.toLowerCase(Locale.ROOT).replaceFirst("[?#].*$", "");
    if (path.endsWith(".png")) {
      return "image/png";
    }
    if (path.endsWith(".webp")) {
      return "image/webp";
    }
    if (path.endsWith(".gif")) {
      return "image/gif";
    }
    return "image/jpeg";
  }

  private static JsonObject toFunctionCallPart(JsonObject toolCall, Map<String, String> toolNames) {
    JsonObject function = ChatShape.objectIn(toolCall, "function", "messages.tool_calls");
    String name = function.getString("name", "");
    toolNames.put(toolCall.getString("id", ""), name);
    String arguments = function.getString("arguments", "");
    JsonObject args =
        arguments.isBlank() ? JsonValue.EMPTY_JSON_OBJECT : UpstreamJson.objectOrNull(arguments);
    if (args == null) {
      throw ProxyException.of(
              ErrorKind.INVALID_REQUEST,
              "The arguments of tool call '"
                  + toolCall.getString("id", "")
                  + "' are not a JSON object")
          .withParam("messages");
    }
    JsonObjectBuilder part =
        Json.createObjectBuilder()
            .add("functionCall", Json.createObjectBuilder().add("name", name).add("args", args));
    thoughtSignatureOf(toolCall).ifPresent(s -> part.add("thoughtSignature", s));
    return part.build();
  }

  /** Gemini's signature as its OpenAI compatibility layer carries it on a tool call. */
  private static Optional<String> thoughtSignatureOf(JsonObject toolCall) {
    if (toolCall.get("extra_content") instanceof JsonObject extra
        && extra.get("google") instanceof JsonObject google
        && google.get("thought_signature") instanceof JsonString signature) {
      return Optional.of(signature.getString());
    }
    return Optional.empty();
  }

  private static JsonObject toFunctionResponsePart(
      JsonObject message, Map<String, String> toolNames) {
    String name = message.getString("name", toolNames.get(message.getString("tool_call_id", "")));
    if (name == null || name.isEmpty()) {
      throw ProxyException.of(
              ErrorKind.INVALID_REQUEST,
              "Tool message answers tool_call_id '"
                  + message.getString("tool_call_id", "")
                  + "', which no earlier assistant message called")
          .withParam("messages");
    }
    String text = ChatShape.text(message.get("content"));
    JsonObject result = UpstreamJson.objectOrNull(text);
    if (result == null) {
      result = Json.createObjectBuilder().add("result", text).build();
    }
    return Json.createObjectBuilder()
        .add(
            "functionResponse",
            Json.createObjectBuilder().add("name", name).add("response", result))
        .build();
  }

  private static JsonArray toFunctionDeclarations(JsonValue tools) {
    JsonArrayBuilder out = Json.createArrayBuilder();
    if (tools instanceof JsonArray list) {
      for (JsonValue value : list) {
        if (value instanceof JsonObject tool
            && tool.get("function") instanceof JsonObject function) {
          JsonObjectBuilder declaration =
              Json.createObjectBuilder().add("name", function.getString("name", ""));
          if (function.get("description") instanceof JsonString description) {
            declaration.add("description", description);
          }
          if (function.get("parameters") instanceof JsonObject parameters) {
            declaration.add("parametersJsonSchema", parameters);
          }
          out.add(declaration);
        }
      }
    }
    return out.build();
  }

  private static Optional<JsonObject> toToolConfig(JsonValue choice) {
    JsonObjectBuilder config = Json.createObjectBuilder();
    if (choice instanceof JsonString mode) {
      config.add(
          "mode",
          switch (mode.getString()) {
            case "none" -> "NONE";
            case "required" -> "ANY";
            default -> "AUTO";
          });
    } else if (choice instanceof JsonObject named
        && named.get("function") instanceof JsonObject function) {
      config
          .add("mode", "ANY")
          .add(
              "allowedFunctionNames",
              Json.createArrayBuilder().add(function.getString("name", "")));
    } else {
      return Optional.empty();
    }
    return Optional.of(Json.createObjectBuilder().add("functionCallingConfig", config).build());
  }

  private static void copy(JsonObject in, String from, JsonObjectBuilder out, String to) {
    if (in.get(from) instanceof JsonNumber number) {
      out.add(to, number);
    }
  }

  private static ProxyException unsupported(String what) {
    return ProxyException.of(
            ErrorKind.INVALID_REQUEST, "The gemini wire type does not support " + what)
        .withParam("messages");
  }

  // ---- GenerateContentResponse -> Chat Completions ----

  private JsonObject completionFrom(JsonObject response, String model) {
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    JsonArrayBuilder toolCalls = Json.createArrayBuilder();
    int calls = 0;
    JsonObject candidate = firstCandidate(response);
    for (JsonObject part : partsOf(candidate)) {
      if (part.getBoolean("thought", false)) {
        reasoning.append(part.getString("text", ""));
      } else if (part.get("functionCall") instanceof JsonObject call) {
        toolCalls.add(toolCallFrom(call, part, calls++, false));
      } else if (part.get("text") instanceof JsonString partText) {
        text.append(partText.getString());
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
    return shapeOf(response, model)
        .completion(
            message.build(),
            finishReasonFrom(response, candidate, calls > 0),
            response.get("usageMetadata") instanceof JsonObject usage ? usageFrom(usage) : null);
  }

  private ChatShape shapeOf(JsonObject response, String model) {
    return new ChatShape(
        response.getString("responseId", "gemini-" + UUID.randomUUID()),
        clock.instant().getEpochSecond(),
        response.getString("modelVersion", model));
  }

  private static JsonObject firstCandidate(JsonObject response) {
    if (response.get("candidates") instanceof JsonArray candidates
        && !candidates.isEmpty()
        && candidates.get(0) instanceof JsonObject candidate) {
      return candidate;
    }
    return null;
  }

  private static List<JsonObject> partsOf(JsonObject candidate) {
    List<JsonObject> parts = new ArrayList<>();
    if (candidate != null
        && candidate.get("content") instanceof JsonObject content
        && content.get("parts") instanceof JsonArray list) {
      for (JsonValue value : list) {
        if (value instanceof JsonObject part) {
          parts.add(part);
        }
      }
    }
    return parts;
  }

  /**
   * A Gemini function call as an OpenAI tool call. Gemini may send no id; one is made up, since
   * OpenAI clients need one to answer the call. A thought signature travels along the way Gemini's
   * own OpenAI compatibility layer carries it.
   */
  private static JsonObject toolCallFrom(
      JsonObject call, JsonObject part, int index, boolean streamed) {
    JsonObjectBuilder toolCall = Json.createObjectBuilder();
    if (streamed) {
      toolCall.add("index", index);
    }
    toolCall
        .add(
            "id",
            call.get("id") instanceof JsonString id
                ? id.getString()
                : "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
        .add("type", "function")
        .add(
            "function",
            Json.createObjectBuilder()
                .add("name", call.getString("name", ""))
                .add(
                    "arguments",
                    call.getOrDefault("args", JsonValue.EMPTY_JSON_OBJECT).toString()));
    if (part.get("thoughtSignature") instanceof JsonString signature) {
      toolCall.add(
          "extra_content",
          Json.createObjectBuilder()
              .add("google", Json.createObjectBuilder().add("thought_signature", signature)));
    }
    return toolCall.build();
  }

  /** Gemini's finish reason as an OpenAI one; a blocked prompt is a content filter stop. */
  private static String finishReasonFrom(
      JsonObject response, JsonObject candidate, boolean calledTools) {
    String reason = candidate == null ? null : candidate.getString("finishReason", null);
    if (reason == null) {
      return candidate == null
              && response.get("promptFeedback") instanceof JsonObject feedback
              && feedback.containsKey("blockReason")
          ? "content_filter"
          : null;
    }
    return switch (reason) {
      case "MAX_TOKENS" -> "length";
      case "SAFETY",
          "RECITATION",
          "BLOCKLIST",
          "PROHIBITED_CONTENT",
          "SPII",
          "IMAGE_SAFETY",
          "LANGUAGE" ->
          "content_filter";
      default -> calledTools ? "tool_calls" : "stop"; // STOP, MALFORMED_FUNCTION_CALL, OTHER
    };
  }

  /** Completion tokens include the thoughts, as OpenAI counts reasoning tokens. */
  private static JsonObject usageFrom(JsonObject usage) {
    long thoughts = number(usage, "thoughtsTokenCount");
    return ChatShape.usage(
        Math.max(0, number(usage, "promptTokenCount")),
        Math.max(0, number(usage, "candidatesTokenCount")) + Math.max(0, thoughts),
        number(usage, "cachedContentTokenCount"),
        thoughts);
  }

  /** A count, or {@code -1} when Gemini left it out. */
  private static long number(JsonObject object, String key) {
    return object.get(key) instanceof JsonNumber number ? number.longValue() : -1;
  }

  /** Streamed GenerateContentResponses as chat-completion chunks. */
  private final class CandidateChunkStream extends TranslatingChunkStream {
    private final String model;
    private final boolean wantsUsage;
    private ChatShape shape;
    private boolean thinking;
    private boolean answered;
    private int toolCalls;
    private boolean stopped;
    private JsonObject usage;

    CandidateChunkStream(UpstreamEventStream events, String model, boolean wantsUsage) {
      super(events);
      this.model = model;
      this.wantsUsage = wantsUsage;
    }

    @Override
    protected void translate(SseEvent event) {
      JsonObject response = UpstreamJson.event(name(), event.data());
      if (response.containsKey("error")) {
        throw UpstreamErrors.fromStreamError(name(), response.get("error"), secret());
      }
      if (shape == null) {
        shape = shapeOf(response, model);
        emit(
            shape.chunk(
                Json.createObjectBuilder().add("role", "assistant").add("content", "").build(),
                null));
      }
      if (response.get("usageMetadata") instanceof JsonObject metadata) {
        usage = metadata;
      }
      JsonObject candidate = firstCandidate(response);
      for (JsonObject part : partsOf(candidate)) {
        if (part.getBoolean("thought", false)) {
          String text = part.getString("text", "");
          if (!text.isEmpty() && !answered) {
            thinking = true;
            emit(shape.chunk(ChatShape.delta("reasoning_content", text), null));
          }
        } else if (part.get("functionCall") instanceof JsonObject call) {
          answering();
          emit(
              shape.chunk(
                  ChatShape.toolCallDelta(toolCallFrom(call, part, toolCalls++, true)), null));
        } else if (part.get("text") instanceof JsonString text && !text.getString().isEmpty()) {
          answering();
          emit(shape.chunk(ChatShape.delta("content", text.getString()), null));
        }
      }
      String reason = finishReasonFrom(response, candidate, toolCalls > 0);
      if (reason != null) {
        stopped = true;
        emit(shape.chunk(JsonValue.EMPTY_JSON_OBJECT, reason));
      }
    }

    /** The first answer part after thoughts ends the reasoning channel. */
    private void answering() {
      if (thinking && !answered) {
        emit(ChunkStream.REASONING_END);
      }
      answered = true;
    }

    @Override
    protected void endOfStream() {
      if (!stopped) {
        throw ProxyException.of(
            ErrorKind.UPSTREAM_ERROR,
            "The stream from backend '" + name() + "' ended before the answer was complete");
      }
      if (wantsUsage && usage != null) {
        emit(shape.usageChunk(usageFrom(usage)));
      }
    }
  }
}
