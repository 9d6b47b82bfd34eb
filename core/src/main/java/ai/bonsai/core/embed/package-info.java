/**
 * The embedding API for services: {@link ai.bonsai.core.embed.Bonsai} loads models, prunes copies
 * of them by plan with progress and cancellation, and saves them; thread-safe, without static
 * state. See {@code docs/embedding.md}.
 */
package ai.bonsai.core.embed;
