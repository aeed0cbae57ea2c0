package dev.hybridproxy.api;

import dev.hybridproxy.engine.Telemetry;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * Gives every request an id ({@code x-request-id} on the response) and writes its one log line: at
 * the response for buffered answers, at the end of the stream for streamed ones.
 */
@Provider
@PreMatching
@Priority(100)
@ApplicationScoped
public class RequestLogFilter implements ContainerRequestFilter, ContainerResponseFilter {
  private Telemetry telemetry = Telemetry.NONE;

  /** For the JAX-RS runtime, which needs a public constructor on providers. */
  public RequestLogFilter() {}

  @Inject
  public RequestLogFilter(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    RequestRecord record =
        new RequestRecord(
            request.getMethod(),
            "/" + withoutLeadingSlashes(request.getUriInfo().getPath()),
            telemetry);
    request.setProperty(RequestRecord.PROPERTY, record);
  }

  private static String withoutLeadingSlashes(String path) {
    int start = 0;
    while (start < path.length() && path.charAt(start) == '/') {
      start++;
    }
    return path.substring(start);
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(RequestRecord.PROPERTY) instanceof RequestRecord record)) {
      return;
    }
    response.getHeaders().putSingle("x-request-id", record.id);
    MediaType type = response.getMediaType();
    if (type != null && MediaType.SERVER_SENT_EVENTS_TYPE.isCompatible(type)) {
      response.getHeaders().putSingle("Cache-Control", "no-cache");
      response.getHeaders().putSingle("X-Accel-Buffering", "no");
      return; // logged when the stream ends
    }
    record.finish(response.getStatus(), response.getStatus() < 400 ? "ok" : "error");
  }
}
