package it.dev.hybridproxy;

import java.io.IOException;
import java.time.Duration;

/**
 * The upstream faults of the reliability suite, each played by a {@link FaultUpstream} script on an
 * OpenAI-compatible call, streamed ({@code "stream":true}, SSE) or buffered (one JSON answer).
 * Mid-stream faults first send good deltas on the given channel, as a model that breaks off would.
 * {@link #CONNECTION_REFUSED} has no script: it is a backend nobody listens for.
 */
public enum UpstreamFault {
  HTTP_500("500 with a JSON error"),
  HTML_503("503 with an HTML page"),
  RATE_LIMITED_429("429 with Retry-After: 7"),
  CONNECTION_REFUSED("connection refused"),
  NO_HEADERS("no response headers for longer than the timeout"),
  STALL("silence mid-stream (buffered: mid-body)"),
  RESET("TCP reset mid-stream (buffered: mid-body)"),
  MALFORMED("a malformed JSON event (buffered: a body that is not JSON)"),
  NO_DONE("the stream ends without [DONE] (buffered: the body ends before its Content-Length)"),
  HUGE_EVENT("one 5 MB event (buffered: a 5 MB answer)");

  /** Size of the text in {@link #HUGE_EVENT}. */
  public static final int HUGE_CHARS = 5 * 1024 * 1024;

  /** How long a script waits for the proxy to hang up before it counts the call as leaked. */
  public static final Duration PATIENCE = Duration.ofSeconds(30);

  /** Which delta field the good part of a stream uses. */
  public enum Channel {
    REASONING,
    CONTENT
  }

  private final String description;

  UpstreamFault(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** Plays the fault on one exchange. */
  public void play(FaultUpstream.Exchange ex, Channel channel) throws IOException {
    String model = ex.model;
    switch (this) {
      case HTTP_500 ->
          ex.json(
              500,
              "{\"error\":{\"message\":\"The server had an error while processing your request\","
                  + "\"type\":\"server_error\",\"param\":null,\"code\":null}}");
      case HTML_503 ->
          ex.respond(
              503,
              "text/html",
              "<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
                  + "<center><h1>503 Service Temporarily Unavailable</h1></center><hr>"
                  + "<center>nginx</center></body></html>");
      case RATE_LIMITED_429 ->
          ex.respond(
              429,
              "application/json",
              "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                  + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}",
              "Retry-After",
              "7");
      case CONNECTION_REFUSED ->
          throw new IllegalStateException("a refused connection needs no upstream");
      case NO_HEADERS -> ex.awaitHangUp(PATIENCE);
      case STALL -> {
        if (ex.streaming) {
          goodDeltas(ex, channel, 2);
        } else {
          String body = completion(model, "A complete answer that never arrives");
          ex.partialJson(body.substring(0, body.length() / 2), body.length());
        }
        ex.awaitHangUp(PATIENCE);
      }
      case RESET -> {
        if (ex.streaming) {
          goodDeltas(ex, channel, 2);
        } else {
          String body = completion(model, "A complete answer that never arrives");
          ex.partialJson(body.substring(0, body.length() / 2), body.length());
        }
        pauseBriefly();
        ex.reset();
      }
      case MALFORMED -> {
        if (ex.streaming) {
          goodDeltas(ex, channel, 1);
          ex.event(
              "{\"id\":\"chatcmpl-broken\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"oo");
          ex.awaitHangUp(PATIENCE);
        } else {
          ex.json(200, "{\"id\":\"chatcmpl-broken\",\"choices\":[{\"message\":");
        }
      }
      case NO_DONE -> {
        if (ex.streaming) {
          goodDeltas(ex, channel, 3);
          ex.endStream();
        } else {
          String body = completion(model, "An answer cut short");
          ex.partialJson(body.substring(0, body.length() / 2), body.length());
          pauseBriefly();
          ex.closeNow();
        }
      }
      case HUGE_EVENT -> {
        String text = "x".repeat(HUGE_CHARS);
        if (!ex.streaming) {
          ex.json(200, completion(model, text));
        } else if (channel == Channel.REASONING) {
          ex.event(delta(model, "reasoning_content", text));
          ex.awaitHangUp(PATIENCE);
        } else {
          ex.event(delta(model, "content", text));
          ex.event(finish(model));
          ex.event("[DONE]");
          ex.endStream();
        }
      }
    }
  }

  private static void goodDeltas(FaultUpstream.Exchange ex, Channel channel, int count) {
    String field = channel == Channel.REASONING ? "reasoning_content" : "content";
    for (int i = 1; i <= count; i++) {
      ex.event(
          delta(ex.model, field, (channel == Channel.REASONING ? "Thought " : "Part ") + i + ". "));
    }
  }

  private static void pauseBriefly() {
    try {
      FaultUpstream.pause(Duration.ofMillis(100));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- well-behaved answers ---------------------------------------------------------------------

  /**
   * A reasoning model that reasons in {@code reasoning_content}, then starts its own answer (which
   * ends the reasoning) and would go on: the proxy must hang up.
   */
  public static void reason(FaultUpstream.Exchange ex, String... thoughts) {
    for (String thought : thoughts) {
      ex.event(delta(ex.model, "reasoning_content", thought));
    }
    ex.event(delta(ex.model, "content", "REASONER-ANSWER"));
    for (int i = 0; i < 40; i++) {
      if (!ex.event(delta(ex.model, "content", " more " + i))) {
        return;
      }
      try {
        FaultUpstream.pause(Duration.ofMillis(25));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    ex.awaitHangUp(PATIENCE);
  }

  /** An execution model's answer, streamed or buffered as the request asked. */
  public static void answer(FaultUpstream.Exchange ex, String... parts) throws IOException {
    if (!ex.streaming) {
      ex.json(200, completion(ex.model, String.join("", parts)));
      return;
    }
    for (String part : parts) {
      if (!ex.event(delta(ex.model, "content", part))) {
        return;
      }
    }
    ex.event(finish(ex.model));
    ex.event("[DONE]");
    ex.endStream();
  }

  public static String delta(String model, String field, String text) {
    return "{\"id\":\"chatcmpl-"
        + model
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"delta\":{\""
        + field
        + "\":"
        + quote(text)
        + "},\"finish_reason\":null}]}";
  }

  public static String finish(String model) {
    return "{\"id\":\"chatcmpl-"
        + model
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
  }

  public static String completion(String model, String content) {
    return "{\"id\":\"chatcmpl-"
        + model
        + "\",\"object\":\"chat.completion\",\"created\":1755137933,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + quote(content)
        + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,"
        + "\"total_tokens\":6}}";
  }

  /** A JSON string literal (the texts here hold no characters that need more than this). */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
