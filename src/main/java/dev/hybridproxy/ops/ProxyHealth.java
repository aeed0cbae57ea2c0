package dev.hybridproxy.ops;

import dev.hybridproxy.config.ProxyConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * {@code /health/live}, {@code /health/ready} and {@code /health/started}: alive while the
 * application runs; started once its configuration was read; ready only when that configuration is
 * valid and at least one backend is configured. Reachable without credentials, and they say nothing
 * secret.
 */
@ApplicationScoped
public class ProxyHealth {
  private ProxyConfiguration configuration;

  protected ProxyHealth() {}

  @Inject
  public ProxyHealth(ProxyConfiguration configuration) {
    this.configuration = configuration;
  }

  @Produces
  @Liveness
  HealthCheck alive() {
    return () -> HealthCheckResponse.up("hybrid-llm-proxy");
  }

  @Produces
  @Startup
  HealthCheck started() {
    return () ->
        HealthCheckResponse.named("configuration-read")
            .status(configuration.state().read())
            .build();
  }

  @Produces
  @Readiness
  HealthCheck ready() {
    return () -> {
      ProxyConfiguration.State state = configuration.state();
      var response =
          HealthCheckResponse.named("backends")
              .status(state.problem().isEmpty() && state.backends() > 0)
              .withData("backends", state.backends());
      state.problem().ifPresent(problem -> response.withData("reason", problem));
      if (state.problem().isEmpty() && state.backends() == 0) {
        response.withData("reason", "no backend is configured");
      }
      return response.build();
    };
  }
}
