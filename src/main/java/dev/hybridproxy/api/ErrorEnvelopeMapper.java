package dev.hybridproxy.api;

import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The one place where failures become HTTP answers: every error, ours or the framework's, leaves as
 * the OpenAI envelope {@code {"error":{"message","type","param","code"}}}; never a stack trace.
 */
@Provider
public class ErrorEnvelopeMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = System.getLogger(ErrorEnvelopeMapper.class.getName());

  @Override
  public Response toResponse(Throwable failure) {
    ProxyException error = asProxyException(failure);
    Response.ResponseBuilder response =
        Response.status(error.status())
            .type(MediaType.APPLICATION_JSON_TYPE)
            .entity(envelope(error).toString());
    error.retryAfter().ifPresent(value -> response.header("Retry-After", value));
    if (error.retryForbidden()) {
      response.header("x-should-retry", "false");
    }
    return response.build();
  }

  /** The envelope body, also used for the error event of a stream that already started. */
  public static JsonObject envelope(ProxyException error) {
    JsonObjectBuilder body =
        Json.createObjectBuilder()
            .add("message", error.getMessage() == null ? "" : error.getMessage())
            .add("type", error.type());
    error.param().ifPresentOrElse(p -> body.add("param", p), () -> body.addNull("param"));
    if (error.code() == null) {
      body.addNull("code");
    } else {
      body.add("code", error.code());
    }
    return Json.createObjectBuilder().add("error", body).build();
  }

  static ProxyException asProxyException(Throwable failure) {
    if (failure instanceof ProxyException proxy) {
      return proxy;
    }
    if (failure instanceof NotFoundException) {
      return ProxyException.of(
          ErrorKind.NOT_FOUND,
          "Unknown path. This proxy serves /v1/chat/completions and /v1/models.");
    }
    if (failure instanceof NotAllowedException) {
      return ProxyException.of(ErrorKind.METHOD_NOT_ALLOWED, "Method not allowed for this path");
    }
    if (failure instanceof NotSupportedException) {
      return ProxyException.of(
          ErrorKind.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json");
    }
    if (failure instanceof WebApplicationException web) {
      int status = web.getResponse().getStatus();
      ErrorKind kind =
          switch (status) {
            case 401 -> ErrorKind.AUTHENTICATION;
            case 403 -> ErrorKind.PERMISSION;
            case 406 -> ErrorKind.INVALID_REQUEST;
            case 413 -> ErrorKind.REQUEST_TOO_LARGE;
            case 429 -> ErrorKind.RATE_LIMITED;
            case 503 -> ErrorKind.UNAVAILABLE;
            default -> status < 500 ? ErrorKind.INVALID_REQUEST : ErrorKind.INTERNAL;
          };
      return ProxyException.of(kind, "The request could not be served (HTTP " + status + ")");
    }
    LOG.log(Level.ERROR, "Unexpected failure while serving a request", failure);
    return ProxyException.of(ErrorKind.INTERNAL, "The proxy failed to handle the request");
  }
}
