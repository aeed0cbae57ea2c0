/**
 * The {@code qwen-oauth} wire type: the openai protocol with the Qwen CLI's OAuth tokens, which are
 * refreshed and written back to the CLI's credentials file here.
 */
package dev.hybridproxy.backend.qwen;
