/**
 * The {@code anthropic} wire type: Anthropic's Messages API behind {@link
 * dev.hybridproxy.engine.Backend}. Chat Completions requests are translated into Messages requests
 * here, and answers and stream events back; thinking blocks are the reasoning channel.
 */
package dev.hybridproxy.backend.anthropic;
