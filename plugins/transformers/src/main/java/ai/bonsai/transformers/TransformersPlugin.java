package ai.bonsai.transformers;

import org.pf4j.Plugin;

/**
 * The transformers plugin's entry point, named by the jar manifest's {@code Plugin-Class}. It
 * holds no state: PF4J finds {@link HfEncoderFormat}, {@link TransformersAdapter}, {@link
 * TorchvisionVitAdapter} and {@link PaddingMaskOp} through the plugin's extension index.
 */
public class TransformersPlugin extends Plugin {

    /** Creates the plugin (PF4J instantiates it when it loads the jar). */
    public TransformersPlugin() {
    }
}
