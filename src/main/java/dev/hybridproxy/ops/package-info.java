/**
 * What operators watch: MicroProfile Health checks and the MicroProfile Metrics behind {@code
 * /metrics}. Fed by the engine's {@link dev.hybridproxy.engine.Telemetry} port.
 */
package dev.hybridproxy.ops;
