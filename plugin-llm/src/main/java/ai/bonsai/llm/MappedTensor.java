package ai.bonsai.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.Supplier;

/**
 * The loader of a lazy parameter read from a safetensors file: reads the tensor as float32 each
 * time it is asked. {@link HfWriter} recognizes it in a parameter's {@link
 * ai.bonsai.api.graph.SourceSelection} and copies the kept elements straight from the file.
 *
 * @param file the file holding the tensor
 * @param name the tensor's name in the file
 * @param manager the manager that owns each array read
 * @param scratch the buffers reads reuse
 */
public record MappedTensor(SafetensorsFile file, String name, NDManager manager, ScratchBuffers scratch)
        implements Supplier<NDArray> {

    /**
     * Returns the tensor's entry in its file.
     *
     * @return the entry
     */
    public SafetensorsFile.Entry entry() {
        return file.entry(name);
    }

    @Override
    public NDArray get() {
        return file.readFloat(name, manager, scratch);
    }
}
