/**
 * The {@code gemini} wire type: Google's Generative Language API behind {@link
 * dev.hybridproxy.engine.Backend}. Chat Completions requests become {@code contents} and a
 * generation config here, and candidates come back as chunks; thought parts are the reasoning
 * channel.
 */
package dev.hybridproxy.backend.gemini;
