/**
 * The proxy's core, in plain Java: selector parsing, routing, the hybrid flow, reasoning policy,
 * capture, injection and output filtering. Nothing here knows JAX-RS, CDI or MicroProfile; the
 * {@link dev.hybridproxy.engine.Backend} port is owned here and implemented by the adapters.
 */
package dev.hybridproxy.engine;
