package dev.hybridproxy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of JSON text for the hostile-input properties: any JSON value, and chat-completions
 * requests whose every field may be of the wrong type, hold control characters, lone surrogates,
 * numbers no Java type can hold, or shapes from every provider's dialect.
 */
public final class HostileJson {
  private HostileJson() {}

  /** A JSON string literal; control characters escaped, everything else as it is. */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** Strings meant to hurt: control characters, escapes, surrogates, markup, huge and empty. */
  public static Arbitrary<String> hostileStrings() {
    return HOSTILE_STRINGS;
  }

  private static final Arbitrary<String> HOSTILE_STRINGS = hostileStringsOf();

  private static Arbitrary<String> hostileStringsOf() {
    return Arbitraries.frequencyOf(
        Tuple.of(320, Arbitraries.strings().all().ofMaxLength(40).map(HostileJson::quote)),
        Tuple.of(
            160,
            Arbitraries.of(
                    "",
                    " ",
                    "\r\nHost: evil.example",
                    "<think>x</think>",
                    "</think>",
                    "<thinking",
                    "data: [DONE]\n\n",
                    "\u0000",
                    "\u2028\u2029",
                    "\uFEFF",
                    "${jndi:ldap://127.0.0.1/a}",
                    "%s%n%x",
                    "data:image/png;base64,",
                    "data:;base64,AAAA",
                    "data:image/png;base64,!!!!",
                    "https://evil.example/x.png",
                    "file:///etc/passwd",
                    "{\"nested\":\"json\"}",
                    "🦀".repeat(10))
                .map(HostileJson::quote)),
        Tuple.of(
            64,
            Arbitraries.of(
                "\"\\ud800\"",
                "\"\\udfff\\ud800\"",
                "\"\\u0000\"",
                "\"a\\/b\"",
                "\"\\uD83E\\uDD80\"")),
        // longer strings: the structural attacks send 100 kB and 2 MB ones
        Tuple.of(1, Arbitraries.of(300, 1_000, 5_000).map(n -> quote("x".repeat(n)))));
  }

  /**
   * Number literals, including ones no Java type holds (exponents beyond what Java parses at all
   * are in the structural attacks: here they would make most requests unparseable).
   */
  public static Arbitrary<String> numbers() {
    return NUMBERS;
  }

  private static final Arbitrary<String> NUMBERS =
      Arbitraries.frequencyOf(
          Tuple.of(30, Arbitraries.integers().map(String::valueOf)),
          Tuple.of(
              20,
              Arbitraries.doubles()
                  .map(String::valueOf)
                  .filter(s -> !s.contains("N") && !s.contains("I"))),
          Tuple.of(
              20,
              Arbitraries.of(
                  "0",
                  "-0",
                  "1",
                  "2",
                  "0.5",
                  "1.0",
                  "-1",
                  "1e400",
                  "-1e400",
                  "1e-400",
                  "1E+2147483647",
                  "9223372036854775808",
                  "-9223372036854775809",
                  "123456789012345678901234567890",
                  "0.1e1")));

  private static final java.util.Map<Integer, Arbitrary<String>> VALUES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Any JSON value (as text), nested up to {@code depth}. */
  public static Arbitrary<String> values(int depth) {
    Arbitrary<String> cached = VALUES.get(depth);
    if (cached == null) {
      cached = valuesOf(depth);
      VALUES.put(depth, cached);
    }
    return cached;
  }

  private static Arbitrary<String> valuesOf(int depth) {
    Arbitrary<String> leaf =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.of("null", "true", "false")),
            Tuple.of(2, numbers()),
            Tuple.of(3, hostileStrings()));
    if (depth <= 0) {
      return leaf;
    }
    Arbitrary<String> inner = values(depth - 1);
    return Arbitraries.frequencyOf(
        Tuple.of(5, leaf),
        Tuple.of(1, inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]")),
        Tuple.of(1, objects(keys(), inner)));
  }

  private static Arbitrary<String> keys() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "model",
            "messages",
            "role",
            "content",
            "type",
            "text",
            "image_url",
            "url",
            "file",
            "file_data",
            "input_audio",
            "tool_calls",
            "function",
            "arguments",
            "name",
            "id",
            "stream",
            "thinking",
            "budget_tokens",
            "thinkingConfig",
            "thinkingBudget",
            "cache_control",
            "__proto__",
            ""),
        Arbitraries.strings().all().ofMaxLength(8));
  }

  private static Arbitrary<String> objects(Arbitrary<String> keys, Arbitrary<String> values) {
    return Combinators.combine(keys, values)
        .as((k, v) -> quote(k) + ":" + v)
        .list()
        .ofMaxSize(4)
        .map(l -> "{" + String.join(",", l) + "}");
  }

  /** Mostly a value that fits {@code field}, sometimes anything at all. */
  private static Arbitrary<String> either(Arbitrary<String> fitting) {
    return Arbitraries.frequencyOf(Tuple.of(4, fitting), Tuple.of(1, values(2)));
  }

  /** A content part of any provider's dialect, or something that only looks like one. */
  public static Arbitrary<String> contentParts() {
    Arbitrary<String> text = hostileStrings();
    return Arbitraries.oneOf(
        text.map(t -> "{\"type\":\"text\",\"text\":" + t + "}"),
        either(text).map(t -> "{\"type\":\"text\",\"text\":" + t + "}"),
        Arbitraries.of(
            "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}",
            "{\"type\":\"image_url\",\"image_url\":\"https://img.example/cat.png\"}",
            "{\"type\":\"image_url\",\"image_url\":{\"url\":5}}",
            "{\"type\":\"image_url\",\"image_url\":null}",
            "{\"type\":\"image_url\"}",
            "{\"type\":\"file\",\"file\":{\"file_data\":\"data:application/pdf;base64,JVBERi0=\"}}",
            "{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc\"}}",
            "{\"type\":\"file\",\"file\":\"x\"}",
            "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}}",
            "{\"type\":\"input_audio\",\"input_audio\":[1]}",
            "{\"type\":\"refusal\",\"refusal\":\"no\"}",
            "{\"type\":7}",
            "{\"text\":\"typeless\"}",
            "\"a bare string part\"",
            "42",
            "null",
            "[]"),
        values(2));
  }

  private static Arbitrary<String> contents() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, hostileStrings()),
        Tuple.of(3, contentParts().list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]")),
        Tuple.of(1, values(2)));
  }

  private static Arbitrary<String> toolCalls() {
    Arbitrary<String> call =
        Arbitraries.oneOf(
            Combinators.combine(
                    hostileStrings(), either(hostileStrings()), either(hostileStrings()))
                .as(
                    (id, name, args) ->
                        "{\"id\":"
                            + id
                            + ",\"type\":\"function\",\"function\":{\"name\":"
                            + name
                            + ",\"arguments\":"
                            + args
                            + "}}"),
            Arbitraries.of(
                "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                    + "\"arguments\":\"{\\\"a\\\":1}\"}}",
                "{\"id\":\"call_2\",\"type\":\"function\",\"function\":\"f\"}",
                "{\"id\":\"call_3\",\"type\":\"function\",\"function\":[1,2]}",
                "{\"id\":\"call_4\",\"type\":\"function\",\"function\":{\"arguments\":\"[1]\"}}",
                "{\"id\":\"call_5\",\"type\":\"function\",\"function\":{\"arguments\":\"{\"}}",
                "{\"id\":{\"x\":1},\"function\":{\"name\":{\"x\":1}}}"),
            values(2));
    return call.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
  }

  /** One message: a real role and content most of the time, anything at all sometimes. */
  public static Arbitrary<String> messages() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            9, messages(Arbitraries.frequencyOf(Tuple.of(9, roles()), Tuple.of(1, values(1))))),
        Tuple.of(1, values(2)));
  }

  /** One message object with a string role (so that it passes the request's shape check). */
  public static Arbitrary<String> plausibleMessages() {
    return messages(roles());
  }

  private static Arbitrary<String> roles() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            8,
            Arbitraries.of("user", "assistant", "system", "developer", "tool", "function")
                .map(HostileJson::quote)),
        Tuple.of(1, hostileStrings().filter(t -> t.startsWith("\"") && t.endsWith("\""))));
  }

  private static Arbitrary<String> messages(Arbitrary<String> role) {
    Arbitrary<String> fields =
        Arbitraries.oneOf(
                contents().map(c -> "\"content\":" + c),
                toolCalls().map(c -> "\"tool_calls\":" + c),
                either(hostileStrings()).map(c -> "\"tool_call_id\":" + c),
                either(hostileStrings()).map(c -> "\"name\":" + c),
                values(1).map(v -> "\"reasoning_content\":" + v),
                values(1).map(v -> "\"cache_control\":" + v))
            .list()
            .ofMaxSize(3)
            .map(l -> String.join(",", l));
    return Combinators.combine(role, fields)
        .as((r, f) -> "{\"role\":" + r + (f.isEmpty() ? "" : "," + f) + "}");
  }

  private static final List<String> OPTIONAL_FIELDS =
      List.of(
          "temperature",
          "top_p",
          "top_k",
          "max_tokens",
          "max_completion_tokens",
          "n",
          "seed",
          "stop",
          "user",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "response_format",
          "stream_options",
          "reasoning_effort",
          "reasoning_injection_probability",
          "thinking",
          "thinkingConfig",
          "generationConfig",
          "safetySettings",
          "cachedContent",
          "presence_penalty",
          "frequency_penalty",
          "verbosity",
          "metadata",
          "x_unknown_field");

  private static final java.util.Map<String, Arbitrary<String>> OPTIONAL_VALUES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static Arbitrary<String> optionalValue(String field) {
    return OPTIONAL_VALUES.computeIfAbsent(field, HostileJson::optionalValueOf);
  }

  private static Arbitrary<String> optionalValueOf(String field) {
    Arbitrary<String> fitting =
        switch (field) {
          case "temperature",
              "top_p",
              "top_k",
              "max_tokens",
              "max_completion_tokens",
              "n",
              "seed",
              "presence_penalty",
              "frequency_penalty",
              "reasoning_injection_probability" ->
              numbers();
          case "stop" ->
              Arbitraries.oneOf(
                  hostileStrings(),
                  hostileStrings().list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]"));
          case "tools" ->
              Arbitraries.of(
                  "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                      + "\"parameters\":{\"type\":\"object\"}}}]",
                  "[{\"type\":\"function\",\"function\":\"oops\"}]",
                  "[{\"type\":\"function\"}]",
                  "[1,null,\"x\"]",
                  "[{\"type\":\"function\",\"function\":{\"name\":5,\"parameters\":[1]}}]");
          case "tool_choice" ->
              Arbitraries.of(
                  "\"auto\"",
                  "\"none\"",
                  "\"required\"",
                  "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}",
                  "{\"type\":\"function\",\"function\":\"get_weather\"}",
                  "{\"type\":\"function\"}");
          case "response_format" ->
              Arbitraries.of(
                  "{\"type\":\"json_object\"}",
                  "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}",
                  "{\"type\":\"json_schema\",\"json_schema\":\"x\"}",
                  "{\"type\":[1]}",
                  "\"json\"");
          case "thinking" ->
              Arbitraries.oneOf(
                  numbers().map(n -> "{\"type\":\"enabled\",\"budget_tokens\":" + n + "}"),
                  Arbitraries.of(
                      "{\"type\":\"disabled\"}",
                      "{\"type\":5}",
                      "\"enabled\"",
                      "{\"type\":\"enabled\"}"));
          case "thinkingConfig" ->
              numbers().map(n -> "{\"includeThoughts\":true,\"thinkingBudget\":" + n + "}");
          case "generationConfig" ->
              Arbitraries.of(
                  "{\"thinkingConfig\":{\"thinkingBudget\":0}}",
                  "{\"thinkingConfig\":7}",
                  "{\"temperature\":\"hot\"}");
          case "reasoning_effort", "verbosity" ->
              Arbitraries.oneOf(
                  Arbitraries.of("minimal", "low", "medium", "high", "xhigh", "max")
                      .map(HostileJson::quote),
                  hostileStrings());
          case "stream_options" ->
              Arbitraries.of("{\"include_usage\":true}", "{\"include_usage\":\"yes\"}", "true");
          default -> values(2);
        };
    return either(fitting);
  }

  /**
   * A request that passes the shape check (model a string, messages objects with a string role,
   * stream a boolean) and so reaches routing and the adapters, with hostile content and fields.
   */
  public static Arbitrary<String> plausibleRequests(Arbitrary<String> selectors) {
    Arbitrary<String> messageList =
        plausibleMessages()
            .list()
            .ofMinSize(1)
            .ofMaxSize(6)
            .map(l -> "[" + String.join(",", l) + "]");
    return Combinators.combine(
            selectors.map(HostileJson::quote),
            messageList,
            Arbitraries.of("true", "false"),
            extras())
        .as(
            (m, msgs, s, x) ->
                "{\"model\":" + m + ",\"messages\":" + msgs + ",\"stream\":" + s + x + "}");
  }

  private static Arbitrary<String> extras() {
    return Arbitraries.of(OPTIONAL_FIELDS)
        .flatMap(field -> optionalValue(field).map(v -> quote(field) + ":" + v))
        .list()
        .ofMaxSize(6)
        .map(l -> l.isEmpty() ? "" : "," + String.join(",", l));
  }

  /** A chat-completions request with any subset of the known fields, each possibly hostile. */
  public static Arbitrary<String> requests(Arbitrary<String> selectors) {
    Arbitrary<String> model =
        Arbitraries.frequencyOf(
            Tuple.of(12, selectors.map(HostileJson::quote)),
            Tuple.of(1, values(1)),
            Tuple.of(1, Arbitraries.just("")));
    Arbitrary<String> messageList =
        Arbitraries.frequencyOf(
            Tuple.of(
                12,
                messages()
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(6)
                    .map(l -> "[" + String.join(",", l) + "]")),
            Tuple.of(1, Arbitraries.just("[]")),
            Tuple.of(1, values(2)));
    Arbitrary<String> stream =
        Arbitraries.frequencyOf(
            Tuple.of(5, Arbitraries.of("true", "false")),
            Tuple.of(1, Arbitraries.of("null", "1", "\"true\"", "[]")));
    Arbitrary<String> extras = extras();
    Arbitrary<Boolean> omitModel = Arbitraries.integers().between(0, 40).map(i -> i == 0);
    Arbitrary<Boolean> omitMessages = Arbitraries.integers().between(0, 40).map(i -> i == 0);
    return Combinators.combine(model, messageList, stream, extras, omitModel, omitMessages)
        .as(
            (m, msgs, s, x, noModel, noMessages) ->
                "{"
                    + (noModel ? "\"x\":0" : "\"model\":" + m)
                    + (noMessages ? "" : ",\"messages\":" + msgs)
                    + ",\"stream\":"
                    + s
                    + x
                    + "}");
  }
}
