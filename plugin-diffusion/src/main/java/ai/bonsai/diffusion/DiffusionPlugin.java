package ai.bonsai.diffusion;

import org.pf4j.Plugin;

/**
 * The diffusion plugin's entry point, named by the jar manifest's {@code Plugin-Class}.
 *
 * <p>The plugin will contribute a model adapter for diffusers-style UNets (residual blocks with
 * time embeddings, attention blocks, skip connections between the down and up paths) and the
 * Diff-Pruning importance criterion, which scores channels by the Taylor expansion of the
 * denoising loss over selected timesteps. It holds no state: PF4J finds the plugin's extensions
 * through its extension index.
 */
public class DiffusionPlugin extends Plugin {

    /** Creates the plugin (PF4J instantiates it when it loads the jar). */
    public DiffusionPlugin() {
    }
}
