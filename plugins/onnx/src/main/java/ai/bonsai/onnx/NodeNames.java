package ai.bonsai.onnx;

import java.util.HashSet;
import java.util.Set;

/**
 * Gives imported nodes unique Bonsai names: the PyTorch module a node's weights come from
 * ({@code conv1.weight} gives {@code conv1}), else the module scope of the ONNX node name ({@code
 * /layer1/layer1.0/relu/Relu} gives {@code layer1.0.relu}), else the ONNX name itself; a taken
 * name gets a suffix {@code _1}, {@code _2}, ...
 */
final class NodeNames {

    private final Set<String> taken = new HashSet<>();

    /**
     * Reserves a name (graph inputs).
     *
     * @param name the name
     */
    void reserve(String name) {
        taken.add(name);
    }

    /**
     * Allocates a unique name.
     *
     * @param preferred the preferred name
     * @return the name, suffixed if taken
     */
    String allocate(String preferred) {
        String base = preferred.isEmpty() ? "node" : preferred;
        String name = base;
        for (int k = 1; !taken.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    /**
     * Returns the module a parameter name belongs to: the part before its last dot.
     *
     * @param parameterName an initializer name such as {@code layer1.0.conv1.weight}
     * @return the module name, or empty when the name has no dot
     */
    static String moduleOf(String parameterName) {
        int dot = parameterName.lastIndexOf('.');
        return dot > 0 && !parameterName.contains("::") ? parameterName.substring(0, dot) : "";
    }

    /**
     * Returns the module scope of an ONNX node name as PyTorch's exporter writes it.
     *
     * @param onnxName the node name, such as {@code /layer1/layer1.0/relu/Relu}
     * @return the scope ({@code layer1.0.relu}), or a cleaned-up form of the name
     */
    static String scopeOf(String onnxName) {
        String[] parts = onnxName.replaceFirst("^/", "").split("/");
        if (parts.length < 2) {
            return onnxName.replace("/", "");
        }
        String module = parts[parts.length - 2];
        if (parts.length >= 3) {
            String parent = parts[parts.length - 3];
            if (!module.startsWith(parent + ".")) {
                module = parent + "." + module;
            }
        }
        return module;
    }
}
