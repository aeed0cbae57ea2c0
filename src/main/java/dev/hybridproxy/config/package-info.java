/**
 * Reads MicroProfile Config once, validates it and hands immutable settings records to the rest of
 * the proxy. The only package that imports MicroProfile Config; it also produces the engine.
 */
package dev.hybridproxy.config;
