/**
 * Backend adapters: one sub-package per upstream wire protocol behind {@link
 * dev.hybridproxy.engine.Backend}, plus {@code http} for the shared Jersey client wiring, SSE
 * decoding and the upstream status table. {@link dev.hybridproxy.backend.Backends} is the one place
 * where a configured backend type becomes an adapter; {@link dev.hybridproxy.backend.ChatShape}
 * builds the Chat Completions objects that translating adapters return.
 */
package dev.hybridproxy.backend;
