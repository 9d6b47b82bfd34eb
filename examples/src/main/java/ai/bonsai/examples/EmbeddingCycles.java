package ai.bonsai.examples;

import ai.bonsai.core.embed.Bonsai;
import ai.bonsai.core.embed.BonsaiModel;
import ai.bonsai.core.embed.PruningResult;
import ai.bonsai.core.plan.PruningPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A leak benchmark for the embedding API: runs load → prune → save → close cycles through one
 * {@link Bonsai} and prints the process's resident memory (Linux {@code /proc/self/status}) after
 * a warm-up and at the end; exits with status 1 if it grew by more than 10 %.
 *
 * <p>Run it from the distribution folder with a fixed, pre-touched heap, so that the Java heap's
 * own growth is not mistaken for a leak: {@code java -Xms192m -Xmx192m -XX:+AlwaysPreTouch -cp
 * 'lib/*' ai.bonsai.examples.EmbeddingCycles plugins PLAN.yaml MODEL.onnx [CYCLES=200]}.
 */
public final class EmbeddingCycles {

    private static final int WARM_UP = 20;

    private EmbeddingCycles() {
    }

    /**
     * Runs the cycles.
     *
     * @param args the plugins folder, the plan, the model file and optionally the cycle count
     * @throws IOException if the output folder or {@code /proc/self/status} cannot be used
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        int cycles = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        Path out = Files.createTempDirectory("bonsai-cycles").resolve("pruned.onnx");
        long warm = 0;
        try (Bonsai bonsai = Bonsai.builder().optPluginsDir(Path.of(args[0])).build()) {
            PruningPlan plan = bonsai.readPlan(Path.of(args[1]));
            for (int i = 1; i <= WARM_UP + cycles; i++) {
                try (BonsaiModel model = bonsai.load(Path.of(args[2]));
                        PruningResult result = bonsai.prune(model, plan)) {
                    bonsai.save(result.model(), out);
                }
                if (i == WARM_UP) {
                    System.gc();
                    warm = residentKb();
                }
            }
        }
        System.gc();
        long end = residentKb();
        double growth = (double) (end - warm) / warm;
        System.out.printf("resident memory after %d warm-up cycles: %d kB; after %d more: %d kB"
                + " (%+.1f %%)%n", WARM_UP, warm, cycles, end, 100 * growth);
        Files.deleteIfExists(out);
        Files.deleteIfExists(out.getParent());
        System.exit(growth > 0.10 ? 1 : 0);
    }

    private static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
