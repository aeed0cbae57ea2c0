package dev.hybridproxy.api;

import dev.hybridproxy.config.ProxyConfiguration;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses every API request with 503 and the reason while the configuration is invalid, and new
 * requests while the server shuts down.
 */
@Provider
@PreMatching
@Priority(200)
@ApplicationScoped
public class ConfigurationGate implements ContainerRequestFilter {
  private ProxyConfiguration configuration;
  private InFlightStreams streams;

  /** For the JAX-RS runtime, which needs a public constructor on providers. */
  public ConfigurationGate() {}

  @Inject
  public ConfigurationGate(ProxyConfiguration configuration, InFlightStreams streams) {
    this.configuration = configuration;
    this.streams = streams;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    configuration
        .state()
        .problem()
        .ifPresent(
            problem -> {
              throw ProxyException.of(
                  ErrorKind.UNAVAILABLE, "The proxy is not configured: " + problem);
            });
    if (streams.shuttingDown()) {
      throw ProxyException.of(ErrorKind.UNAVAILABLE, "The server is shutting down")
          .withRetryAfter("5");
    }
  }
}
