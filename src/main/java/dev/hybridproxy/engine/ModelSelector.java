package dev.hybridproxy.engine;

/** What a request's {@code model} field asks for: one model, or a reasoning + execution pair. */
public sealed interface ModelSelector {

  /** A plain {@code backend:model} (or bare model) request, proxied to one upstream. */
  record Plain(ModelRef model) implements ModelSelector {}

  /** {@code hybrid:[reasoning,execution]}: reason with one model, answer with another. */
  record Hybrid(ModelRef reasoning, ModelRef execution) implements ModelSelector {}
}
