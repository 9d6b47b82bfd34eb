package ai.bonsai.examples;

import ai.bonsai.core.embed.Bonsai;
import ai.bonsai.core.embed.BonsaiModel;
import ai.bonsai.core.embed.Cancellation;
import ai.bonsai.core.embed.LayerChange;
import ai.bonsai.core.embed.PruningResult;
import ai.bonsai.core.plan.PruningPlan;
import java.nio.file.Path;

/**
 * Bonsai embedded in a service, as {@code docs/embedding.md} shows: one {@link Bonsai} for the
 * process, a plan read and validated once, then load, prune and save.
 *
 * <p>Run it from the distribution folder ({@code examples/target/bonsai}) with {@code java -cp
 * 'lib/*' ai.bonsai.examples.EmbeddingExample plugins PLAN.yaml MODEL.onnx OUT.onnx}.
 */
public final class EmbeddingExample {

    private EmbeddingExample() {
    }

    /**
     * Prunes a model by a plan and saves it.
     *
     * @param args the plugins folder, the plan, the model file and the output file
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        if (args.length != 4) {
            System.err.println("usage: EmbeddingExample PLUGINS_DIR PLAN MODEL OUT");
            System.exit(2);
        }
        try (Bonsai bonsai = Bonsai.builder().optPluginsDir(Path.of(args[0])).optThreads(4).build()) {
            PruningPlan plan = bonsai.readPlan(Path.of(args[1]));
            Cancellation cancel = new Cancellation();
            try (BonsaiModel model = bonsai.load(Path.of(args[2]));
                    PruningResult result = bonsai.prune(model, plan,
                            p -> System.out.printf("%s %d/%d%n", p.phase(), p.done(), p.total()),
                            cancel)) {
                bonsai.save(result.model(), Path.of(args[3]));
                System.out.printf("params %d -> %d, MACs %d -> %d in %d ms%n",
                        result.before().params(), result.after().params(), result.before().macs(),
                        result.after().macs(), result.timings().totalMillis());
                for (LayerChange layer : result.layers()) {
                    System.out.printf("  %-24s %4d -> %4d channels%n", layer.name(),
                            layer.outChannelsBefore(), layer.outChannelsAfter());
                }
            }
        }
    }
}
