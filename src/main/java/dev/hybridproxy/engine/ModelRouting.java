package dev.hybridproxy.engine;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * What a request's {@code model} turns into before it is parsed and routed: the planning phase
 * (SPEC §4.4) sends early requests without a {@code backend:} to the strong model; otherwise the
 * model aliases (SPEC §4.3) rewrite the name. Exactly one of them applies, once. The client's
 * {@code model} is kept for the answer: responses name what the client asked for.
 */
public final class ModelRouting {
  private static final Logger LOG = System.getLogger(ModelRouting.class.getName());

  /** Neither aliases nor a planning phase. */
  public static final ModelRouting NONE = new ModelRouting(ModelAliases.NONE, Optional.empty());

  /**
   * Where one request goes.
   *
   * @param request the request to send, with the planning overrides in its body if any; its {@code
   *     model} is still the client's
   * @param selector the selector to parse and route
   * @param rewrite how the selector came about: {@code none}, {@code alias} or {@code planning}
   */
  public record Route(ChatRequest request, String selector, String rewrite) {}

  private final ModelAliases aliases;
  private final Optional<PlanningPhase> planning;

  public ModelRouting(ModelAliases aliases, Optional<PlanningPhase> planning) {
    this.aliases = aliases;
    this.planning = planning;
  }

  public ModelAliases aliases() {
    return aliases;
  }

  public Optional<PlanningPhase> planning() {
    return planning;
  }

  public Route route(ChatRequest request) {
    String model = request.model();
    if (planning.isPresent() && planning.get().covers(request)) {
      PlanningPhase phase = planning.get();
      LOG.log(Level.DEBUG, "Planning phase: {0} -> {1}", model, phase.strongModel());
      return new Route(phase.withOverrides(request), phase.strongModel(), "planning");
    }
    Optional<String> alias = aliases.rewrite(model);
    if (alias.isPresent()) {
      LOG.log(Level.DEBUG, "Model alias: {0} -> {1}", model, alias.get());
      return new Route(request, alias.get(), "alias");
    }
    return new Route(request, model, "none");
  }
}
