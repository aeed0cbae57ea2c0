package dev.hybridproxy.api;

import dev.hybridproxy.config.ProxySettings;
import dev.hybridproxy.config.SettingsReader;
import dev.hybridproxy.engine.ChatRequest;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ModelRouting;
import dev.hybridproxy.engine.ProxyException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads and checks a chat-completions body before the request is matched, because whether the
 * answer is JSON or an event stream is decided by the body's {@code stream} flag, not by the
 * client's {@code Accept} header (OpenAI SDKs send {@code application/json} for both). The parsed
 * request is handed to the resource; the {@code Accept} header is set to what the body asked for.
 */
@Provider
@PreMatching
@ApplicationScoped
public class ChatRequestReader implements ContainerRequestFilter {
  static final String PARSED = ChatRequest.class.getName();

  private ProxySettings settings;
  private ModelRouting routing;

  /** For the JAX-RS runtime, which needs a public constructor on providers. */
  public ChatRequestReader() {}

  @Inject
  public ChatRequestReader(ProxySettings settings, ModelRouting routing) {
    this.settings = settings;
    this.routing = routing;
  }

  @Override
  public void filter(ContainerRequestContext context) {
    if (!HttpMethod.POST.equals(context.getMethod())
        || !isChatCompletions(context.getUriInfo().getPath())) {
      return;
    }
    ChatRequest request =
        ChatRequest.parse(
            read(context),
            Optional.ofNullable(context.getHeaderString("X-Hybrid-Reasoning-Probability")));
    context.setProperty(PARSED, request);
    if (context.getProperty(RequestRecord.PROPERTY) instanceof RequestRecord record) {
      record.model(
          request.model(), request.stream(), backendLabel(routing.route(request).selector()));
    }
    context
        .getHeaders()
        .putSingle(
            HttpHeaders.ACCEPT,
            request.stream() ? MediaType.SERVER_SENT_EVENTS : MediaType.APPLICATION_JSON);
    context.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
  }

  /** Whether a request path (trailing slashes allowed) is the chat-completions endpoint. */
  static boolean isChatCompletions(String path) {
    int end = path.length();
    while (end > 0 && path.charAt(end - 1) == '/') {
      end--;
    }
    String endpoint = "v1/chat/completions";
    return end >= endpoint.length() && path.startsWith(endpoint, end - endpoint.length());
  }

  /**
   * A metric label of bounded cardinality for the selector a request is routed by (after aliases
   * and the planning phase).
   */
  private String backendLabel(String model) {
    String selector = model.strip();
    if (selector.regionMatches(true, 0, "hybrid:", 0, 7)) {
      return "hybrid";
    }
    int colon = selector.indexOf(':');
    String name =
        colon > 0
            ? SettingsReader.normalizeName(selector.substring(0, colon))
            : settings.defaultBackend().orElse("unknown");
    return settings.backends().stream().anyMatch(b -> b.name().equals(name)) ? name : "unknown";
  }

  private byte[] read(ContainerRequestContext context) {
    long max = settings.maxRequestBytes();
    if (context.getLength() > max) {
      throw tooLarge(max);
    }
    try {
      byte[] bytes =
          context.getEntityStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (bytes.length > max) {
        throw tooLarge(max);
      }
      return bytes;
    } catch (IOException e) {
      throw ProxyException.of(ErrorKind.INVALID_REQUEST, "The request body could not be read");
    }
  }

  private static ProxyException tooLarge(long max) {
    return ProxyException.of(
        ErrorKind.REQUEST_TOO_LARGE,
        "Request body too large: the limit is " + max + " bytes (max_request_bytes)");
  }
}
