package ai.bonsai.cli;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calibration text for a language model: a calibration file that is not a safetensors file
 * (token ids, one sequence per line, or plain text that the folder's {@code tokenizer.json}
 * encodes, one document per line) is read through the model's {@link LanguageModel} extension,
 * its sequences joined in file order into one token stream, cut into sequences of the model
 * input's length T, and as many whole batches [B, T] as it holds are written to a safetensors
 * file named after the model's input, which the pruning engine then reads.
 */
final class TokenCalibration implements AutoCloseable {

    private final List<Path> files;
    private final List<Path> written;

    private TokenCalibration(List<Path> files, List<Path> written) {
        this.files = files;
        this.written = written;
    }

    /**
     * Converts the text calibration files of a language model; other files, and every file of
     * a model that no language-model extension reads, are kept as they are.
     *
     * @param host the plugin host
     * @param model the model's path
     * @param graph the loaded model, whose single input [B, T] fixes the batch shape
     * @param files the calibration files
     * @return the conversion, to close (it deletes the files it wrote)
     * @throws ModelFormatException naming a file that holds less than one batch
     */
    static TokenCalibration of(PluginHost host, Path model, Graph graph, List<Path> files) {
        Optional<LanguageModel> lm = host.extensions(LanguageModel.class).stream()
                .filter(x -> x.accepts(model)).findFirst();
        List<Path> out = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        try {
            for (Path file : files) {
                boolean text = !file.getFileName().toString().endsWith(".safetensors");
                if (text && lm.isPresent() && graph.inputs().size() == 1) {
                    Path target = Files.createTempFile("bonsai-calibration", ".safetensors");
                    written.add(target);
                    out.add(write(lm.get().sequences(model, file), graph.inputs().get(0), file, target));
                } else {
                    out.add(file);
                }
            }
        } catch (IOException e) {
            new TokenCalibration(out, written).close();
            throw new ModelFormatException("cannot write calibration ids: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            new TokenCalibration(out, written).close();
            throw e;
        }
        return new TokenCalibration(out, written);
    }

    /**
     * Tells whether a file was converted.
     *
     * @return true if {@link #files} differ from the given ones
     */
    boolean converted() {
        return !written.isEmpty();
    }

    /**
     * Returns the files to calibrate on, in the given order.
     *
     * @return the files
     */
    List<Path> files() {
        return files;
    }

    /** Deletes the files written. */
    @Override
    public void close() {
        for (Path file : written) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    private static Path write(List<long[]> sequences, Value input, Path file, Path target) {
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
        try (NDManager m = NDManager.newBaseManager()) {
            Safetensors.write(Map.of(input.name(), m.create(flat, new Shape(rows, length))), target);
        }
        return target;
    }
}
