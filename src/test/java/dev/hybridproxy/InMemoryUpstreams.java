package dev.hybridproxy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.glassfish.jersey.client.ClientRequest;
import org.glassfish.jersey.client.ClientResponse;
import org.glassfish.jersey.client.spi.AsyncConnectorCallback;
import org.glassfish.jersey.client.spi.Connector;
import org.glassfish.jersey.client.spi.ConnectorProvider;

/**
 * Every upstream at once, in memory: a Jersey connector that records each call the real adapters
 * make (URI, headers, body) and answers it as the provider the path names would, streamed or
 * buffered as asked, from the recorded-shape fixtures. Nothing leaves the JVM, so a call to a host
 * that is not configured is seen here rather than attempted.
 */
final class InMemoryUpstreams implements ConnectorProvider {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  /** One call an adapter made. */
  record Call(String method, URI uri, Map<String, List<String>> headers, String body) {}

  private final List<Call> calls = new ArrayList<>();
  private final Map<String, String> fixtures;

  InMemoryUpstreams() {
    fixtures =
        Map.of(
            "anthropic-stream",
            fixture("anthropic/reasoning.sse")
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":"
                + "{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                + "\"usage\":{\"output_tokens\":9}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            "anthropic-json",
            fixture("anthropic/plain.response.json"),
            "gemini-stream",
            fixture("gemini/reasoning.sse") + fixture("gemini/streaming.sse"),
            "gemini-json",
            fixture("gemini/plain.response.json"),
            "responses-stream",
            fixture("openai/reasoning.sse"));
  }

  private static String fixture(String name) {
    try {
      return Files.readString(FIXTURES.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The calls since the last {@link #clear()}. */
  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized void clear() {
    calls.clear();
  }

  @Override
  public Connector getConnector(Client client, Configuration runtimeConfig) {
    return new Connector() {
      @Override
      public ClientResponse apply(ClientRequest request) {
        return answer(request);
      }

      @Override
      public Future<?> apply(ClientRequest request, AsyncConnectorCallback callback) {
        ClientResponse response = answer(request);
        callback.response(response);
        return CompletableFuture.completedFuture(response);
      }

      @Override
      public String getName() {
        return "in-memory upstreams";
      }

      @Override
      public void close() {}
    };
  }

  private ClientResponse answer(ClientRequest request) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (request.hasEntity()) {
      request.setStreamProvider(contentLength -> body);
      try {
        request.writeEntity();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    String text = body.toString(StandardCharsets.UTF_8);
    synchronized (this) {
      calls.add(
          new Call(
              request.getMethod(), request.getUri(), Map.copyOf(request.getStringHeaders()), text));
    }
    String path = request.getUri().getPath();
    boolean stream = streams(path, text);
    if (path.endsWith("/chat/completions")) {
      return stream ? sse(request, chatStream()) : json(request, 200, chatCompletion());
    }
    if (path.endsWith("/responses") && stream) {
      return sse(request, fixtures.get("responses-stream"));
    }
    if (path.endsWith("/messages")) {
      return stream
          ? sse(request, fixtures.get("anthropic-stream"))
          : json(request, 200, fixtures.get("anthropic-json"));
    }
    if (path.endsWith(":streamGenerateContent")) {
      return sse(request, fixtures.get("gemini-stream"));
    }
    if (path.endsWith(":generateContent")) {
      return json(request, 200, fixtures.get("gemini-json"));
    }
    return json(
        request,
        404,
        "{\"error\":{\"message\":\"no such endpoint\",\"type\":\"invalid_request_error\"}}");
  }

  private static boolean streams(String path, String body) {
    if (path.endsWith(":streamGenerateContent")) {
      return true;
    }
    try (JsonReader reader = Json.createReader(new StringReader(body))) {
      return reader.readValue() instanceof JsonObject object
          && object.get("stream") == JsonValue.TRUE;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String chatStream() {
    return "data: {\"id\":\"chatcmpl-mem\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
        + "\"reasoning_content\":\"Plan it.\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"chatcmpl-mem\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"<think>x</think>"
        + "Hello\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"chatcmpl-mem\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n"
        + "data: [DONE]\n\n";
  }

  private static String chatCompletion() {
    return "{\"id\":\"chatcmpl-mem\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},"
        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,"
        + "\"total_tokens\":4}}";
  }

  private static ClientResponse sse(ClientRequest request, String body) {
    return respond(request, 200, "text/event-stream", body);
  }

  private static ClientResponse json(ClientRequest request, int status, String body) {
    return respond(request, status, "application/json", body);
  }

  private static ClientResponse respond(
      ClientRequest request, int status, String type, String body) {
    ClientResponse response = new ClientResponse(Response.Status.fromStatusCode(status), request);
    response.getHeaders().putSingle("Content-Type", type);
    response.setEntityStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    return response;
  }
}
