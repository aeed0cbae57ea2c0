/**
 * The one HTTP seam every adapter talks through: the shared Jersey client on the JDK HttpClient
 * connector, a spec-exact SSE decoder, and the single table that maps upstream HTTP statuses and
 * transport failures to proxy errors.
 */
package dev.hybridproxy.backend.http;
