/**
 * Diffusion models for Bonsai: diffusers {@code UNet2DModel} folders read and written ({@link
 * ai.bonsai.diffusion.DiffusersUNetFormat}), built from configs ({@link
 * ai.bonsai.diffusion.DiffusersUNetAdapter}), pruned with Torch-Pruning's or exact GroupNorm
 * numbers ({@link ai.bonsai.diffusion.GroupNormMode}), scored with Diff-Pruning ({@link
 * ai.bonsai.diffusion.DiffPruningImportance}) and sampled with DDIM ({@link
 * ai.bonsai.diffusion.DdimSampler}). {@link ai.bonsai.diffusion.DiffusionPlugin} is the PF4J
 * entry point.
 */
package ai.bonsai.diffusion;
