package dev.hybridproxy.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Mounts the OpenAI-compatible API at the context root ({@code /v1/...}). */
@ApplicationPath("/")
public class RestApplication extends Application {}
