/**
 * Client authentication in plain Java: API-key comparison in constant time, JWT verification
 * against the SSO gateway's keys, and the lockout of addresses that keep failing. The JAX-RS filter
 * in {@code api} applies it to every request.
 */
package dev.hybridproxy.auth;
