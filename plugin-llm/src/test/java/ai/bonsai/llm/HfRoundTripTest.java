package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing a decoder graph as a Hugging Face folder and reading it back. */
class HfRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void float32FolderReloadsToTheSameLogitsAndKeepsTheConfigKeys() throws IOException {
        Path out = dir.resolve("qwen2");
        try (Graph g = Models.read(Models.fixture("tiny_qwen2")); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Models.ids("tiny_qwen2", m);
            NDArray before = Models.logits(g, ids);
            new HfDecoderFormat().write(g, out, Map.of("bonsai.test", "round trip"));
            try (Graph back = Models.read(out)) {
                assertThat(Models.maxAbsDiff(Models.logits(back, ids), before)).isZero();
            }
        }
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertThat(config.get("model_type").asText()).isEqualTo("qwen2");
        assertThat(config.get("tie_word_embeddings").asBoolean()).isTrue();
        assertThat(config.get("head_dim").asInt()).isEqualTo(8);
        assertThat(config.get("architectures").get(0).asText()).isEqualTo("Qwen2ForCausalLM");
        assertThat(config.has("bonsai")).isFalse();
        assertThat(SafetensorsFile.open(out.resolve("model.safetensors")).entries()).doesNotContainKey("lm_head.weight");
        assertThat(siblings()).containsExactly("qwen2");
    }

    @Test
    void shardedBfloat16CheckpointLoadsRunsAndExportsShardedBfloat16() throws IOException {
        Path bf16 = dir.resolve("bf16");
        Path again = dir.resolve("again");
        try (Graph g = Models.read(Models.fixture("tiny_llama")); NDManager m = NDManager.newBaseManager()) {
            HfWriter.write(g, bf16, TensorType.BF16, 200_000, Map.of());
            NDArray ids = Models.ids("tiny_llama", m);
            try (Graph back = Models.read(bf16)) {
                assertThat(back.metadata()).containsEntry(DecoderGraph.META_DTYPE, "bfloat16");
                float diff = Models.maxAbsDiff(Models.logits(back, ids), Models.expectedLogits("tiny_llama", m));
                assertThat(diff).isGreaterThan(0f).isLessThan(0.1f);
                new HfDecoderFormat().write(back, again);
            }
        }
        for (Path folder : new Path[] {bf16, again}) {
            assertThat(Files.exists(folder.resolve("model.safetensors"))).isFalse();
            JsonNode index = new ObjectMapper().readTree(folder.resolve(Checkpoint.INDEX).toFile());
            assertThat(index.get("weight_map").size()).isEqualTo(TensorLayout.shapes(
                    ConfigReader.read(folder.resolve("config.json"))).size());
            Checkpoint c = Checkpoint.open(folder);
            assertThat(c.type()).isEqualTo(TensorType.BF16);
            assertThat(shards(folder)).hasSizeGreaterThan(1);
            assertThat(new ObjectMapper().readTree(folder.resolve("config.json").toFile())
                    .get("torch_dtype").asText()).isEqualTo("bfloat16");
        }
        for (String shard : shards(bf16)) {
            assertThat(Files.readAllBytes(again.resolve(shard))).isEqualTo(Files.readAllBytes(bf16.resolve(shard)));
        }
    }

    @Test
    void float16IsReadAndWritten() {
        Path f16 = dir.resolve("f16");
        try (Graph g = Models.read(Models.fixture("tiny_qwen3")); NDManager m = NDManager.newBaseManager()) {
            HfWriter.write(g, f16, TensorType.F16, HfWriter.DEFAULT_SHARD_BYTES, Map.of());
            try (Graph back = Models.read(f16)) {
                float diff = Models.maxAbsDiff(Models.logits(back, Models.ids("tiny_qwen3", m)),
                        Models.expectedLogits("tiny_qwen3", m));
                assertThat(diff).isGreaterThan(0f).isLessThan(0.01f);
            }
        }
        assertThat(Checkpoint.open(f16).type()).isEqualTo(TensorType.F16);
    }

    private java.util.List<String> siblings() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static java.util.List<String> shards(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
                    .sorted().collect(Collectors.toList());
        }
    }
}
