package ai.bonsai.core.embed;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.io.NamedInputs;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a plan's calibration files into batches of a graph's inputs. A safetensors file holds
 * named graph inputs ({@link NamedInputs}). Any other file is token data of a language model: the
 * {@link LanguageModel} extension that accepts the model's origin reads it (token ids, one
 * sequence per line, or plain text through the model's tokenizer, one document per line), its
 * sequences are joined in file order into one token stream and cut into rows of the model
 * input's length T, and as many whole batches [B, T] as the stream holds are kept.
 */
final class CalibrationData {

    private CalibrationData() {
    }

    /**
     * Reads calibration files.
     *
     * @param graph the model's graph, whose inputs fix the batch shape
     * @param files the files, in order
     * @param origin the file or folder the model was read from
     * @param languageModels the language-model extensions of the host
     * @param manager the manager of the batches
     * @return the batches, in file order
     * @throws ModelFormatException naming a file that no reader takes or that holds less than
     *     one batch
     */
    static List<NDList> batches(Graph graph, List<Path> files, Optional<Path> origin,
            List<LanguageModel> languageModels, NDManager manager) {
        List<NDList> batches = new ArrayList<>();
        for (Path file : files) {
            if (file.getFileName().toString().endsWith(".safetensors")) {
                batches.addAll(NamedInputs.batches(graph, Safetensors.read(file, manager), file));
            } else {
                batches.addAll(tokens(graph, file, origin, languageModels, manager));
            }
        }
        return batches;
    }

    private static List<NDList> tokens(Graph graph, Path file, Optional<Path> origin,
            List<LanguageModel> languageModels, NDManager manager) {
        String notSafetensors = "calibration file '" + file + "' is not a safetensors file of named"
                + " graph inputs, and ";
        Optional<LanguageModel> reader = origin.flatMap(o -> languageModels.stream()
                .filter(lm -> lm.accepts(o)).findFirst());
        if (reader.isEmpty()) {
            throw new ModelFormatException(notSafetensors + "no language-model extension reads model "
                    + origin.map(o -> "'" + o + "'").orElse("'" + graph.name() + "' (built, not read)")
                    + " to take token ids or text");
        }
        if (graph.inputs().size() != 1) {
            throw new ModelFormatException(notSafetensors + "graph '" + graph.name() + "' has "
                    + graph.inputs().size() + " inputs, token data fills one");
        }
        List<long[]> sequences = reader.get().sequences(origin.get(), file);
        Value input = graph.inputs().get(0);
        Shape shape = input.shape();
        int batch = Math.toIntExact(shape.get(0));
        int length = Math.toIntExact(shape.get(shape.dimension() - 1));
        long total = sequences.stream().mapToLong(s -> s.length).sum();
        long rows = total / length / batch * batch;
        if (rows == 0) {
            throw new ModelFormatException("calibration file '" + file + "': " + total
                    + " tokens, fewer than one batch of the model's input '" + input.name() + "' "
                    + shape + " needs (" + (long) batch * length + ")");
        }
        long[] flat = new long[Math.toIntExact(rows * length)];
        int at = 0;
        for (long[] s : sequences) {
            int n = Math.min(s.length, flat.length - at);
            System.arraycopy(s, 0, flat, at, n);
            at += n;
        }
        return NamedInputs.batches(graph, Map.of(input.name(),
                manager.create(flat, new Shape(rows, length))), file);
    }
}
