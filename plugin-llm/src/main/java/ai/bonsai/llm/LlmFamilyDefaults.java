package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.pruner.FamilyDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@code bonsai prune HF_DIR}'s defaults for decoder LLMs: the residual stream's width is kept
 * (the {@code o_proj} and {@code down_proj} outputs and {@code lm_head} do not root groups), so
 * every layer's MLP loses the same share of channels and the result stays a standard checkpoint
 * ({@code hidden_size = num_attention_heads × head_dim}). Attention heads are pruned through the
 * Java API ({@link WidthPlan}), which knows the key/value groups.
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
        return Map.of("pruner.ignored_layers",
                new ArrayList<Object>(List.of("*.o_proj", "*.down_proj", "lm_head")));
    }
}
