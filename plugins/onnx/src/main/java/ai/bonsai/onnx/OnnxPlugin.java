package ai.bonsai.onnx;

import org.pf4j.Plugin;

/**
 * The ONNX plugin's entry point, named by the jar manifest's {@code Plugin-Class}. It holds no
 * state: PF4J finds {@link OnnxFormat}, {@link OnnxOpaqueOp}, {@link OnnxConstantOp}, {@link OnnxSinOp},
 * {@link OnnxCosOp}, {@link OnnxCastOp} and {@link OnnxRelativePositionBiasOp} through
 * the plugin's extension index.
 */
public class OnnxPlugin extends Plugin {

    /** Creates the plugin (PF4J instantiates it when it loads the jar). */
    public OnnxPlugin() {
    }
}
