package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.FamilyDefaults;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@code bonsai prune HF_DIR}'s defaults for decoder LLMs: the {@link LlmPruner} ({@code
 * pruner.name: llm}) with its defaults, so that {@code --ratio R} removes that share of the
 * key/value groups (each with its query heads) and of the MLP channels of every layer alike, by
 * the plan's criterion (magnitude unless given), and the result is a standard checkpoint (the
 * hidden size follows the heads where {@code hidden_size = num_attention_heads × head_dim}).
 */
@Extension
public final class LlmFamilyDefaults implements FamilyDefaults {

    @Override
    public String name() {
        return "llm";
    }

    @Override
    public boolean appliesTo(Graph graph) {
        return graph.nodes().stream().anyMatch(n -> n.op() instanceof RmsNormOp)
                && graph.parameters().containsKey("model.embed_tokens.weight");
    }

    @Override
    public Map<String, Object> planFields() {
        return Map.of("pruner.name", "llm");
    }
}
