package ai.bonsai.llm;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes Hugging Face decoder folders of any size with cheap deterministic weights, streaming:
 * each tensor is generated one chunk at a time straight into its shard, so that writing a
 * checkpoint of many gigabytes takes a few chunks of memory. Values are bfloat16 numbers of
 * magnitude 2^-8 to 2^-4 (exclusive) with random signs and mantissas, from a linear congruential generator
 * seeded by the tensor's name.
 */
final class SyntheticCheckpoint {

    private SyntheticCheckpoint() {
    }

    /**
     * Writes a folder: the config, then the weights the config needs.
     *
     * @param folder the folder to create
     * @param configJson the {@code config.json} text
     * @param dtype the weights' element type
     * @param maxShardBytes the largest shard, as Hugging Face's {@code max_shard_size}
     * @return the folder
     * @throws IOException if writing fails
     */
    static Path write(Path folder, String configJson, TensorType dtype, long maxShardBytes) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(HfFolder.CONFIG), configJson);
        LlmConfig config = ConfigReader.read(folder.resolve(HfFolder.CONFIG));
        HfWriter.writeWeights(folder, TensorLayout.shapes(config), name -> new Noise(name.hashCode()), dtype,
                maxShardBytes, Map.of(), new ScratchBuffers());
        return folder;
    }

    /** Generated values: bfloat16 bits from a generator, widened for float32 files. */
    private record Noise(long seed) implements TensorData {

        @Override
        public void writeTo(WritableByteChannel out, Shape shape, TensorType type, ScratchBuffers scratch)
                throws IOException {
            if (type != TensorType.BF16 && type != TensorType.F32) {
                throw new IOException("generates bfloat16 or float32, not " + type);
            }
            long state = seed;
            long remaining = shape.size();
            int perChunk = scratch.chunkBytes() / type.bytes();
            while (remaining > 0) {
                int n = (int) Math.min(perChunk, remaining);
                ByteBuffer chunk = scratch.direct(0, n * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    state = state * 6364136223846793005L + 1442695040888963407L;
                    int bits = (int) (state >>> 48);
                    // sign, exponent 2^-8 … 2^-5, 7 mantissa bits
                    int bf16 = (bits & 0x8000) | ((0x77 + ((bits >>> 7) & 3)) << 7) | (bits & 0x7f);
                    if (type == TensorType.BF16) {
                        chunk.putShort(2 * i, (short) bf16);
                    } else {
                        chunk.putInt(4 * i, bf16 << 16);
                    }
                }
                TensorData.writeFully(out, chunk);
                remaining -= n;
            }
        }
    }
}
