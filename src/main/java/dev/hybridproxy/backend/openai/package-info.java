/**
 * The {@code openai} wire type: OpenAI Chat Completions and every provider that speaks it. Requests
 * are forwarded as raw JSON and responses passed through untouched except for the fields the proxy
 * owns; reasoning models answer the reasoning leg through the Responses API, translated here.
 */
package dev.hybridproxy.backend.openai;
