/**
 * Diffusion models for Bonsai: a diffusers-style UNet model adapter and the Diff-Pruning
 * importance criterion. {@link ai.bonsai.diffusion.DiffusionPlugin} is the PF4J entry point.
 */
package ai.bonsai.diffusion;
