/**
 * {@code bonsai serve}: an HTTP pruning service on the embedding API ({@link
 * ai.bonsai.core.embed.Bonsai}) and the JDK's {@code com.sun.net.httpserver}; see {@code
 * docs/serve.md}.
 */
package ai.bonsai.serve;
