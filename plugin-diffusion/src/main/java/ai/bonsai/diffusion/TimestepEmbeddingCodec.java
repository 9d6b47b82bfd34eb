package ai.bonsai.diffusion;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.onnx.OnnxExportContext;
import ai.bonsai.api.onnx.OnnxNode;
import ai.bonsai.api.onnx.OnnxOpCodec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Writes {@code diffusion.timestep_embedding} to ONNX as standard operators, as diffusers' own
 * export traces {@code get_timestep_embedding}: {@code Cast} of the timesteps to float, {@code
 * Reshape} to [B, 1], {@code Mul} by the constant frequencies [1, dim/2], {@code Sin} and {@code
 * Cos}, and {@code Concat} in the node's order ({@code [cos, sin]} when {@code flip_sin_to_cos}).
 *
 * <p>The frequencies are computed in float32 in the kernel's order ({@code i · (−ln max_period)
 * / (half − freq_shift)}, then {@code exp}). It imports nothing: the ONNX plugin's generic
 * importer reads the chain back as its {@code onnx_cast}, {@code mul}, {@code onnx_sin}, …
 * nodes.
 */
@Extension
public final class TimestepEmbeddingCodec implements OnnxOpCodec {

    /** ONNX's element type code for float32 (Cast's {@code to}). */
    private static final long FLOAT = 1;

    /** Creates the codec (PF4J instantiates it). */
    public TimestepEmbeddingCodec() {
    }

    @Override
    public Set<String> exports() {
        return Set.of(TimestepEmbeddingOp.NAME);
    }

    @Override
    public void exportNode(Node node, OnnxExportContext c) {
        Attributes a = node.attributes();
        int half = Math.toIntExact(a.getLong("dim") / 2);
        String t = emit(c, "Cast", List.of(c.input(0)), Map.of("to", FLOAT));
        t = emit(c, "Reshape", List.of(t, c.longs("shape", -1, 1)), Map.of());
        String args = emit(c, "Mul", List.of(t, c.floats("freqs", new long[] {1, half},
                frequencies(half, a.getLong("freq_shift"), a.getDouble("max_period")))), Map.of());
        String sin = emit(c, "Sin", List.of(args), Map.of());
        String cos = emit(c, "Cos", List.of(args), Map.of());
        List<String> parts = a.getBoolean("flip_sin_to_cos") ? List.of(cos, sin) : List.of(sin, cos);
        c.emit(OnnxNode.of("", "Concat", parts, List.of(c.output(0)), Map.of("axis", 1L)));
    }

    /** The frequencies in float32, in the order of {@link TimestepEmbeddingOp}'s kernel. */
    private static float[] frequencies(int half, long shift, double maxPeriod) {
        float scale = (float) -Math.log(maxPeriod);
        float[] f = new float[half];
        for (int i = 0; i < half; i++) {
            f[i] = (float) Math.exp(i * scale / (float) (half - shift));
        }
        return f;
    }

    private static String emit(OnnxExportContext c, String opType, List<String> inputs, Map<String, Object> attributes) {
        String out = c.temp(opType);
        c.emit(OnnxNode.of("", opType, inputs, List.of(out), attributes));
        return out;
    }
}
