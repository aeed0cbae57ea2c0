package dev.hybridproxy.backend.http;

import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.Telemetry;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.Response;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.client.ClientProperties;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.glassfish.jersey.client.spi.ConnectorProvider;
import org.glassfish.jersey.jnh.connector.JavaNetHttpClientProperties;
import org.glassfish.jersey.jnh.connector.JavaNetHttpConnectorProvider;

/**
 * The one HTTP seam to upstreams: a single Jersey client on the JDK HttpClient connector, built
 * explicitly (never through {@code ClientBuilder.newBuilder()}, which would give the server's own
 * client). Turns transport failures into proxy errors that name the backend, never its URL or key.
 */
public final class UpstreamHttp implements AutoCloseable {
  private static final Logger LOG = System.getLogger(UpstreamHttp.class.getName());

  /** A URL in an exception message: its query may hold a key (Gemini's {@code ?key=}). */
  private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://\\S*");

  private final Client client;
  private final StallGuard stallGuard;
  private final Telemetry telemetry;

  public UpstreamHttp(StallGuard stallGuard) {
    this(stallGuard, Telemetry.NONE);
  }

  public UpstreamHttp(StallGuard stallGuard, Telemetry telemetry) {
    this(stallGuard, telemetry, new JavaNetHttpConnectorProvider());
  }

  /**
   * As above, on another Jersey connector: tests run the real adapters on an in-memory one, which
   * sees every URI and header an adapter builds.
   */
  public UpstreamHttp(StallGuard stallGuard, Telemetry telemetry, ConnectorProvider connector) {
    this.stallGuard = stallGuard;
    this.telemetry = telemetry;
    ClientConfig config =
        new ClientConfig()
            .connectorProvider(connector)
            .property(JavaNetHttpClientProperties.HTTP_VERSION, HttpClient.Version.HTTP_1_1)
            .property(ClientProperties.FOLLOW_REDIRECTS, Boolean.FALSE);
    this.client = new JerseyClientBuilder().withConfig(config).build();
  }

  public StallGuard stallGuard() {
    return stallGuard;
  }

  /**
   * Posts a JSON body and returns the response once its headers arrived, whatever its status.
   *
   * @param timeout bounds connecting and waiting for the response headers
   */
  public Response postJson(
      String backend,
      URI uri,
      Map<String, String> headers,
      byte[] body,
      String accept,
      Duration timeout) {
    return post(backend, uri, headers, body, "application/json", accept, timeout);
  }

  /**
   * Posts a body of any media type (a form, for token endpoints) and returns the response once its
   * headers arrived, whatever its status.
   */
  public Response post(
      String backend,
      URI uri,
      Map<String, String> headers,
      byte[] body,
      String contentType,
      String accept,
      Duration timeout) {
    Invocation.Builder request = builder(uri, headers, accept, timeout);
    long start = System.nanoTime();
    try {
      Response response = request.post(Entity.entity(body, contentType));
      telemetry.upstreamCall(
          backend, response.getStatus(), Duration.ofNanos(System.nanoTime() - start));
      return response;
    } catch (ProcessingException e) {
      ProxyException failure = transportFailure(backend, e, timeout);
      logUnexpected(backend, e);
      telemetry.upstreamCall(
          backend, failure.status(), Duration.ofNanos(System.nanoTime() - start));
      throw failure;
    }
  }

  /** GETs a resource and returns the response once its headers arrived, whatever its status. */
  public Response get(
      String backend, URI uri, Map<String, String> headers, String accept, Duration timeout) {
    try {
      return builder(uri, headers, accept, timeout).get();
    } catch (ProcessingException e) {
      ProxyException failure = transportFailure(backend, e, timeout);
      logUnexpected(backend, e);
      throw failure;
    }
  }

  /**
   * A connection that broke for another reason than a timeout or a refused connection is worth a
   * line in the log: the client only hears "the connection failed". Not when the proxy itself gave
   * the call up (the sending thread was interrupted).
   */
  private static void logUnexpected(String backend, Throwable failure) {
    Throwable cause = decisiveCause(failure);
    if (cause instanceof HttpTimeoutException
        || isRefusal(cause)
        || cause instanceof InterruptedException
        || Thread.currentThread().isInterrupted()) {
      return;
    }
    LOG.log(Level.WARNING, "Backend ''{0}'': {1}", backend, describe(failure));
  }

  /**
   * The chain of causes of a transport failure, innermost last, as class names and messages with
   * any URL taken out.
   */
  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder("the connection failed");
    String previous = null;
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 6; t = t.getCause()) {
      text.append(depth++ == 0 ? ": " : " <- ").append(t.getClass().getName());
      String message = t.getMessage();
      Throwable cause = t.getCause();
      boolean repeated =
          message == null
              || message.isBlank()
              || message.equals(previous)
              || (cause != null && message.equals(cause.toString()));
      if (!repeated) {
        text.append(": ").append(URL.matcher(message).replaceAll("<url>"));
      }
      previous = message;
    }
    return text.toString();
  }

  private Invocation.Builder builder(
      URI uri, Map<String, String> headers, String accept, Duration timeout) {
    Invocation.Builder request =
        client
            .target(uri)
            .request(accept)
            .property(
                ClientProperties.READ_TIMEOUT,
                (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    headers.forEach(request::header);
    return request;
  }

  /** What a failed connection or an unanswered request means to the client. */
  public static ProxyException transportFailure(
      String backend, Throwable failure, Duration timeout) {
    Throwable cause = decisiveCause(failure);
    if (cause instanceof HttpConnectTimeoutException) {
      return ProxyException.of(
          ErrorKind.UPSTREAM_TIMEOUT,
          "Timed out connecting to backend '" + backend + "' after " + timeout.toSeconds() + " s",
          failure);
    }
    if (cause instanceof HttpTimeoutException) {
      return ProxyException.of(
          ErrorKind.UPSTREAM_TIMEOUT,
          "Backend '" + backend + "' did not answer within " + timeout.toSeconds() + " s",
          failure);
    }
    if (isRefusal(cause)) {
      return ProxyException.of(
          ErrorKind.UPSTREAM_ERROR, "Could not connect to backend '" + backend + "'", failure);
    }
    return ProxyException.of(
        ErrorKind.UPSTREAM_ERROR,
        "The connection to backend '" + backend + "' failed: " + cause.getClass().getSimpleName(),
        failure);
  }

  /** The timeout or refusal in a failure's causes, else its innermost cause. */
  private static Throwable decisiveCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null
        && !(cause instanceof HttpTimeoutException || cause instanceof ConnectException)) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static boolean isRefusal(Throwable cause) {
    return cause instanceof ConnectException || cause instanceof UnresolvedAddressException;
  }

  @Override
  public void close() {
    client.close();
  }
}
