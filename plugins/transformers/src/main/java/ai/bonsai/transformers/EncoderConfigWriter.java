package ai.bonsai.transformers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Writes the {@code config.json} of a pruned encoder: the original config with the widths the
 * graph has now, in Hugging Face's own keys wherever they can express them, else under {@link
 * EncoderConfig#BONSAI_KEY}.
 *
 * <p>Standard keys suffice when the hidden size is unchanged, every layer keeps the original
 * head size and scaling, and every layer has the same MLP width: {@code intermediate_size} takes
 * that width and {@code pruned_heads} lists, per layer, the original numbers of the removed heads
 * ({@code num_attention_heads} and the head size stay, as Hugging Face's {@code prune_heads}
 * leaves them); a standard loader that honours {@code pruned_heads} builds the same model.
 * Otherwise (hidden size or head dims pruned, per-layer MLP widths, heads whose original numbers
 * are unknown) {@code hidden_size} (and {@code intermediate_size} when uniform) are still
 * updated, {@code pruned_heads} is dropped, and {@code bonsai.layers} lists every layer's {@code
 * num_attention_heads}, {@code attention_head_size}, {@code intermediate_size} and {@code
 * attention_scale} (the original {@code 1/sqrt(head size)}, which head-dim pruning keeps); Bonsai's
 * reader takes those and only those. Provenance entries go to {@code bonsai.provenance}.
 */
final class EncoderConfigWriter {

    private EncoderConfigWriter() {
    }

    /**
     * Returns the config of a pruned model.
     *
     * @param original the config the graph was built from
     * @param now the graph's widths now
     * @param keptHeads for layer i, the positions (in the original tensors) of the heads it kept,
     *     empty if unknown
     * @param provenance entries to record
     * @return the new config
     */
    static ObjectNode write(EncoderConfig original, PrunedWidths now, IntFunction<Optional<List<Integer>>> keptHeads,
            Map<String, String> provenance) {
        ObjectNode out = original.json().deepCopy();
        out.remove("pruned_heads");
        out.remove(EncoderConfig.BONSAI_KEY);
        out.put("hidden_size", now.hidden());
        boolean uniformMlp = now.layers().stream().mapToInt(LayerSpec::intermediate).distinct().count() == 1;
        if (uniformMlp) {
            out.put("intermediate_size", now.layers().get(0).intermediate());
        }
        Optional<Map<Integer, List<Integer>>> pruned = uniformMlp && now.hidden() == original.hidden()
                ? prunedHeads(original, now, keptHeads) : Optional.empty();
        if (pruned.isPresent()) {
            if (!pruned.get().isEmpty()) {
                ObjectNode heads = out.putObject("pruned_heads");
                pruned.get().forEach((layer, list) -> list.forEach(heads.putArray(layer.toString())::add));
            }
        } else {
            ArrayNode layers = out.putObject(EncoderConfig.BONSAI_KEY).putArray("layers");
            for (LayerSpec l : now.layers()) {
                layers.addObject().put("num_attention_heads", l.heads()).put("attention_head_size", l.headSize())
                        .put("intermediate_size", l.intermediate()).put("attention_scale", l.scale());
            }
        }
        if (!provenance.isEmpty()) {
            JsonNode bonsai = out.get(EncoderConfig.BONSAI_KEY);
            ObjectNode p = (bonsai instanceof ObjectNode o ? o : out.putObject(EncoderConfig.BONSAI_KEY))
                    .putObject("provenance");
            provenance.forEach(p::put);
        }
        return out;
    }

    /** The removed heads per layer by original number, if the standard keys can say it. */
    private static Optional<Map<Integer, List<Integer>>> prunedHeads(EncoderConfig original, PrunedWidths now,
            IntFunction<Optional<List<Integer>>> keptHeads) {
        int heads = original.json().get("num_attention_heads").asInt();
        int headSize = original.hidden() / heads;
        Map<Integer, List<Integer>> removed = new TreeMap<>();
        for (int i = 0; i < now.layers().size(); i++) {
            LayerSpec l = now.layers().get(i);
            if (l.headSize() != headSize || Math.abs(l.scale() - 1 / Math.sqrt(headSize)) > 1e-12) {
                return Optional.empty();
            }
            TreeSet<Integer> gone = new TreeSet<>();
            original.json().path("pruned_heads").path(Integer.toString(i)).forEach(h -> gone.add(h.asInt()));
            List<Integer> present = new ArrayList<>();
            for (int h = 0; h < heads; h++) {
                if (!gone.contains(h)) {
                    present.add(h);
                }
            }
            if (l.heads() != present.size()) {
                Optional<List<Integer>> kept = keptHeads.apply(i);
                if (kept.isEmpty()) {
                    return Optional.empty();
                }
                for (int position = 0; position < present.size(); position++) {
                    if (!kept.get().contains(position)) {
                        gone.add(present.get(position));
                    }
                }
            }
            if (!gone.isEmpty()) {
                removed.put(i, List.copyOf(gone));
            }
        }
        return Optional.of(removed);
    }

    /**
     * Tells whether a config carries Bonsai's per-layer widths.
     *
     * @param json a config
     * @return true if {@code bonsai.layers} is present
     */
    static boolean hasBonsaiLayers(JsonNode json) {
        return json.path(EncoderConfig.BONSAI_KEY).has("layers");
    }
}
