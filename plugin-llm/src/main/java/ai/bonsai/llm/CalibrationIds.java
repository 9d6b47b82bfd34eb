package ai.bonsai.llm;

import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Calibration token ids for block influence and activation criteria, cut into batches of [B, T]
 * int64 arrays: from a text file with one sequence of whitespace-separated ids per line, from
 * a safetensors file holding one 2-D integer tensor (I64 or I32) of shape [N, T], or, when the
 * model folder has a {@code tokenizer.json}, from plain text: a text file any of whose non-empty
 * lines is not all ids is read as one document per line, each encoded by the tokenizer.
 */
public final class CalibrationIds {

    private CalibrationIds() {
    }

    /**
     * Reads ids and cuts them into batches; sequences are cut to the length of the shortest.
     *
     * @param file a {@code .safetensors} file or a text file
     * @param batch the sequences per batch (the last batch may be smaller)
     * @param vocabSize ids must lie in [0, vocabSize)
     * @param manager owns the arrays
     * @return the batches
     * @throws ModelFormatException naming the file, line or field at fault
     */
    public static List<NDArray> read(Path file, int batch, int vocabSize, NDManager manager) {
        return batches(sequences(file, vocabSize), batch, manager);
    }

    /**
     * Cuts sequences into batches; sequences are cut to the length of the shortest.
     *
     * @param rows the sequences, at least one
     * @param batch the sequences per batch (the last batch may be smaller)
     * @param manager owns the arrays
     * @return the batches
     */
    public static List<NDArray> batches(List<long[]> rows, int batch, NDManager manager) {
        int length = rows.stream().mapToInt(r -> r.length).min().orElseThrow();
        List<NDArray> batches = new ArrayList<>();
        for (int start = 0; start < rows.size(); start += batch) {
            int n = Math.min(batch, rows.size() - start);
            long[] flat = new long[n * length];
            for (int i = 0; i < n; i++) {
                System.arraycopy(rows.get(start + i), 0, flat, i * length, length);
            }
            batches.add(manager.create(flat, new Shape(n, length)));
        }
        return batches;
    }

    /**
     * Reads the sequences of ids as written, each checked against the vocabulary.
     *
     * @param file a {@code .safetensors} file or a text file
     * @param vocabSize ids must lie in [0, vocabSize)
     * @return the sequences, at least one, none empty
     * @throws ModelFormatException naming the file, line or field at fault
     */
    public static List<long[]> sequences(Path file, int vocabSize) {
        List<long[]> rows = file.getFileName().toString().endsWith(".safetensors")
                ? safetensors(file) : text(file);
        if (rows.isEmpty()) {
            throw new ModelFormatException("token-id file '" + file + "': no sequence");
        }
        for (int i = 0; i < rows.size(); i++) {
            for (long id : rows.get(i)) {
                if (id < 0 || id >= vocabSize) {
                    throw new ModelFormatException("token-id file '" + file + "': sequence "
                            + i + " has id " + id + " outside the vocabulary [0, " + vocabSize + ")");
                }
            }
        }
        return rows;
    }

    /**
     * Reads the sequences of a file for a model folder: token ids as {@link #sequences(Path, int)}
     * reads them, or plain text (one document per line, empty lines skipped) encoded by the
     * folder's {@code tokenizer.json} when the file is a text file with a line that is not all
     * ids.
     *
     * @param folder the model folder
     * @param file a {@code .safetensors} file, a token-id text file or a plain-text file
     * @param vocabSize ids must lie in [0, vocabSize)
     * @return the sequences, at least one, none empty
     * @throws ModelFormatException naming the file, line or field at fault, or the missing
     *     tokenizer for plain text
     */
    public static List<long[]> sequences(Path folder, Path file, int vocabSize) {
        if (file.getFileName().toString().endsWith(".safetensors")) {
            return sequences(file, vocabSize);
        }
        List<String> lines = lines(file).stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
        if (lines.stream().allMatch(l -> l.matches("-?[0-9]+(\\s+-?[0-9]+)*"))) {
            return sequences(file, vocabSize);
        }
        if (!HfTokenizer.present(folder)) {
            try {
                return sequences(file, vocabSize);
            } catch (ModelFormatException e) {
                throw new ModelFormatException(e.getMessage() + " (to read it as text, the model '"
                        + folder + "' needs a " + HfTokenizer.FILE + ")", e);
            }
        }
        List<long[]> rows = new ArrayList<>();
        try (HfTokenizer tokenizer = HfTokenizer.open(folder)) {
            for (String line : lines) {
                long[] ids = tokenizer.encode(line, vocabSize);
                if (ids.length > 0) {
                    rows.add(ids);
                }
            }
        }
        if (rows.isEmpty()) {
            throw new ModelFormatException("text file '" + file + "': no token after encoding");
        }
        return rows;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new ModelFormatException("token-id file '" + file + "': cannot read: " + e.getMessage(), e);
        }
    }

    private static List<long[]> text(Path file) {
        List<long[]> rows = new ArrayList<>();
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            long[] row = new long[parts.length];
            for (int t = 0; t < parts.length; t++) {
                try {
                    row[t] = Long.parseLong(parts[t]);
                } catch (NumberFormatException e) {
                    throw new ModelFormatException("token-id file '" + file + "': line " + (i + 1)
                            + ": '" + parts[t] + "' is not a token id");
                }
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<long[]> safetensors(Path file) {
        SafetensorsFile st = SafetensorsFile.open(file);
        if (st.entries().size() != 1) {
            throw new ModelFormatException("token-id file '" + file + "': must hold one tensor, found "
                    + st.entries().keySet());
        }
        SafetensorsFile.Entry e = st.entries().values().iterator().next();
        if (e.shape().dimension() != 2 || (e.type() != TensorType.I64 && e.type() != TensorType.I32)) {
            throw new ModelFormatException("token-id file '" + file + "': tensor '" + e.name()
                    + "' must be a 2-D I64 or I32 tensor [sequences, length], found " + e.type() + " " + e.shape());
        }
        int n = Math.toIntExact(e.shape().get(0));
        int t = Math.toIntExact(e.shape().get(1));
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(e.end() - e.begin())).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        st.read(e.name(), b);
        List<long[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long[] row = new long[t];
            for (int j = 0; j < t; j++) {
                row[j] = e.type() == TensorType.I64 ? b.getLong() : b.getInt();
            }
            rows.add(row);
        }
        return rows;
    }
}
