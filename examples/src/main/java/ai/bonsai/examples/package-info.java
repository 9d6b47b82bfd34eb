/**
 * Runnable examples of Bonsai's Java API; {@link ai.bonsai.examples.MinimalExample} is the one
 * shown in the README.
 */
package ai.bonsai.examples;
