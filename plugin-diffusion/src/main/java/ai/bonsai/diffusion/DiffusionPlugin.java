package ai.bonsai.diffusion;

import org.pf4j.Plugin;

/**
 * The diffusion plugin's entry point, named by the jar manifest's {@code Plugin-Class}.
 *
 * <p>The plugin contributes the diffusers {@code UNet2DModel} folder format and model adapter
 * ({@link DiffusersUNetFormat}, {@link DiffusersUNetAdapter}), the sinusoidal timestep embedding
 * op ({@link TimestepEmbeddingOp}) and the Diff-Pruning importance criterion ({@link
 * DiffPruningImportance}), which sums Taylor gradients of the denoising loss over the timesteps
 * of the forward process. It holds no state: PF4J finds the plugin's extensions through its
 * extension index. See {@code docs/diffusion.md}.
 */
public class DiffusionPlugin extends Plugin {

    /** Creates the plugin (PF4J instantiates it when it loads the jar). */
    public DiffusionPlugin() {
    }
}
