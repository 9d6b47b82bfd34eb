package ai.bonsai.onnx;

import ai.bonsai.api.onnx.OnnxOpCodec;
import ai.bonsai.api.onnx.OnnxOpId;
import ai.bonsai.api.plugin.PluginException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The op codecs of one read or write: those contributed by plugins (asked first) and the ONNX
 * plugin's built-in families. Two plugged codecs that claim one ONNX operator or one Bonsai op
 * type are an error naming both.
 */
final class Codecs {

    private static final List<OnnxOpCodec> BUILT_IN = List.of(new ActivationCodec(), new ArithmeticCodec(),
            new NormCodec(), new MathCodec(), new SpatialCodec(),
            new ShapeCodec(), new DenseCodec(), new AttentionCodec(), new MultiheadAttentionCodec(),
            new ChannelShuffleCodec(), new ContribAttentionCodec(), new ParameterCodec(),
            new RelativePositionBiasCodec());

    private final Map<OnnxOpId, OnnxOpCodec> pluggedImports = new HashMap<>();
    private final Map<OnnxOpId, OnnxOpCodec> builtInImports = new HashMap<>();
    private final Map<String, OnnxOpCodec> exports = new HashMap<>();

    private Codecs(List<OnnxOpCodec> plugged) {
        for (OnnxOpCodec c : plugged) {
            for (OnnxOpId id : c.imports()) {
                claim(pluggedImports, id, c, "ONNX operator");
            }
            for (String opType : c.exports()) {
                claim(exports, opType, c, "op type");
            }
        }
        for (OnnxOpCodec c : BUILT_IN) {
            c.imports().forEach(id -> builtInImports.put(id, c));
            c.exports().forEach(opType -> exports.putIfAbsent(opType, c));
        }
    }

    /**
     * Returns the codecs of plugins followed by the built-in ones.
     *
     * @param plugged the codecs the host found in plugins (and on the classpath)
     * @return the codecs
     * @throws PluginException when two plugged codecs claim one operator or op type
     */
    static Codecs of(List<OnnxOpCodec> plugged) {
        return new Codecs(plugged);
    }

    /**
     * Returns only the built-in codecs.
     *
     * @return the codecs
     */
    static Codecs builtIn() {
        return new Codecs(List.of());
    }

    private static <K> void claim(Map<K, OnnxOpCodec> map, K key, OnnxOpCodec codec, String what) {
        OnnxOpCodec previous = map.putIfAbsent(key, codec);
        if (previous != null && previous != codec) {
            throw new PluginException("ONNX codecs " + previous.getClass().getName() + " and "
                    + codec.getClass().getName() + " both claim " + what + " '" + key + "'");
        }
    }

    /**
     * Returns the plugged codec that imports an operator.
     *
     * @param id the operator
     * @return the codec, or empty
     */
    Optional<OnnxOpCodec> plugged(OnnxOpId id) {
        return Optional.ofNullable(pluggedImports.get(id));
    }

    /**
     * Returns the built-in codec that imports an operator.
     *
     * @param id the operator
     * @return the codec, or empty
     */
    Optional<OnnxOpCodec> builtIn(OnnxOpId id) {
        return Optional.ofNullable(builtInImports.get(id));
    }

    /**
     * Returns the codec that writes an op type, a plugged one before a built-in one.
     *
     * @param opType the Bonsai op type
     * @return the codec, or empty
     */
    Optional<OnnxOpCodec> exporter(String opType) {
        return Optional.ofNullable(exports.get(opType));
    }
}
