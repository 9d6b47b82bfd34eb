package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken folders and files: one clear error naming the file and field, and no output. */
class MalformedInputTest {

    @TempDir
    Path dir;

    @Test
    void aHeaderThatPointsPastTheDataIsNamedWithTensorAndField() throws IOException {
        Path file = safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(ModelFormatException.class)
                .hasMessage("safetensors file '" + file + "': tensor 'a': field 'data_offsets': [0, 16]"
                        + " lies outside the data area of 8 bytes");
    }

    @Test
    void aHeaderWhoseOffsetsDisagreeWithTheShapeIsRefused() throws IOException {
        Path file = safetensors("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}", 16);
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .hasMessage("safetensors file '" + file + "': tensor 'a': field 'data_offsets': [0, 8]"
                        + " spans 8 bytes, the BF16 shape (2, 3) needs 12");
    }

    @Test
    void anOversizedOrTruncatedHeaderIsRefused() throws IOException {
        Path huge = dir.resolve("huge.safetensors");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertThatThrownBy(() -> SafetensorsFile.open(huge))
                .hasMessage("safetensors file '" + huge + "': header length 1099511627776 is invalid: the"
                        + " file has 8 bytes after it and headers are limited to 104857600 bytes");
        Path bad = safetensors("{\"a\":", 0);
        assertThatThrownBy(() -> SafetensorsFile.open(bad)).hasMessageStartingWith(
                "safetensors file '" + bad + "': header is not valid JSON");
        Path dtype = safetensors("{\"a\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(dtype))
                .hasMessage("safetensors file '" + dtype + "': tensor 'a': field 'dtype': unsupported"
                        + " value \"I8\"; supported: F32, F16, BF16, I64, I32");
    }

    @Test
    void aMissingShardIsNamedBeforeAnythingIsRead() throws IOException {
        Path sharded = dir.resolve("sharded");
        try (Graph g = Models.read(Models.fixture("tiny_llama"))) {
            HfWriter.write(g, sharded, TensorType.F32, 300_000, Map.of());
        }
        Files.delete(sharded.resolve("model-00002-of-00003.safetensors"));
        assertThatThrownBy(() -> Models.read(sharded)).isInstanceOf(ModelFormatException.class)
                .hasMessage("safetensors index '" + sharded.resolve(Checkpoint.INDEX) + "': field"
                        + " 'weight_map': shard 'model-00002-of-00003.safetensors' does not exist");
    }

    @Test
    void aTensorWhoseShapeDisagreesWithTheConfigIsNamed() throws IOException {
        Path folder = copyOfFixture("tiny_llama");
        String config = Files.readString(folder.resolve("config.json")).replace("\"intermediate_size\": 176",
                "\"intermediate_size\": 170");
        Files.writeString(folder.resolve("config.json"), config);
        assertThatThrownBy(() -> Models.read(folder)).isInstanceOf(ModelFormatException.class)
                .hasMessage("safetensors file '" + folder.resolve("model.safetensors") + "': tensor"
                        + " 'model.layers.0.mlp.gate_proj.weight': field 'shape': (176, 64) does not match"
                        + " (170, 64) from " + folder.resolve("config.json"));
    }

    @Test
    void aMissingTensorOrWeightsFileIsNamed() throws IOException {
        Path folder = copyOfFixture("tiny_qwen2");
        String config = Files.readString(folder.resolve("config.json")).replace("\"tie_word_embeddings\": true",
                "\"tie_word_embeddings\": false");
        Files.writeString(folder.resolve("config.json"), config);
        assertThatThrownBy(() -> Models.read(folder))
                .hasMessage("model folder '" + folder + "': tensor 'lm_head.weight' is missing from the weights");
        Files.delete(folder.resolve("model.safetensors"));
        assertThatThrownBy(() -> Models.read(folder))
                .hasMessage("model folder '" + folder + "': neither model.safetensors nor"
                        + " model.safetensors.index.json exists");
    }

    @Test
    void aFailedWriteLeavesNoFolderAndANonEmptyTargetIsRefused() throws IOException {
        Path target = Files.createDirectories(dir.resolve("out"));
        Files.writeString(target.resolve("keep.txt"), "mine");
        Path source = copyOfFixture("tiny_llama");
        Graph g = Models.read(source);
        assertThatThrownBy(() -> new HfDecoderFormat().write(g, target))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("cannot write Hugging Face folder '" + target + "': the folder exists and is not empty");
        try (FileChannel weights = FileChannel.open(source.resolve(Checkpoint.SINGLE), StandardOpenOption.WRITE)) {
            weights.truncate(weights.size() / 2);
        }
        Path fresh = dir.resolve("fresh");
        assertThatThrownBy(() -> new HfDecoderFormat().write(g, fresh))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("cannot write Hugging Face folder '" + fresh + "': tensor '")
                .hasMessageContaining("unexpected end of file");
        g.close();
        assertThat(listing(dir)).containsExactly("copy-tiny_llama", "out");
        assertThat(listing(target)).containsExactly("keep.txt");
    }

    private Path copyOfFixture(String name) throws IOException {
        Path to = Files.createDirectories(dir.resolve("copy-" + name));
        try (Stream<Path> s = Files.list(Models.fixture(name))) {
            for (Path p : s.collect(Collectors.toList())) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    private Path safetensors(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return Files.write(Files.createTempFile(dir, "t", ".safetensors"), b.array());
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
