/**
 * The HTTP face of the proxy and the only package that imports JAX-RS: thin resources, the SSE
 * writer and the one exception mapper that renders every failure as an OpenAI error envelope.
 */
package dev.hybridproxy.api;
