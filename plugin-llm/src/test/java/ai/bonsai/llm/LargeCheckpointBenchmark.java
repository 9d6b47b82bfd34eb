package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * BENCHMARKS.md's "LLM larger than RAM" figures: a synthetic checkpoint shaped like Llama-3.2-3B
 * (hidden 3072, 28 layers, 24 heads and 8 key/value heads of 128, MLP 8192, vocab 128256, tied
 * embeddings, bfloat16, 5 GB shards with an index; 3.21 B parameters, 6.4 GB) is generated
 * streaming into a temporary folder; then, in each of several rounds, it is copied with {@code cp
 * -r} on the same disk (the baseline) and pruned in a child JVM with {@code -Xmx2g} by {@link
 * LargeCheckpointPrune} (family default: uniform, GQA-aware heads + MLP channels, magnitude)
 * while the child's resident memory is sampled every 20 ms (the child also reports its VmHWM).
 * Copy and prune alternate so that the load of a shared machine hits both alike; the report gives
 * every round and the ratio of the medians and of the minima. {@code sync} runs before each timed
 * step, so that none inherits another's write-back, and the seconds of a {@code sync} right after
 * each are reported too. The folders are deleted at the end. Results go to {@code
 * target/benchmarks/llm-larger-than-ram.md}; the run fails if a pruning JVM's peak resident
 * memory reaches 4 GB.
 *
 * <p>Properties: {@code bonsai.bench.llm.dir} (parent of the temporary folder, default the
 * system's temporary folder), {@code bonsai.bench.llm.shape} ({@code 3b}, the default, or {@code
 * 70b}: Llama-3.1-70B's widths, untied, to check a 70 B model's memory on a few of its layers),
 * {@code bonsai.bench.llm.layers} (default 28 for 3b, 80 for 70b; fewer for a quick run), {@code
 * bonsai.bench.llm.rounds} (default 3), {@code bonsai.bench.llm.ratio} (default 0.25), {@code
 * bonsai.bench.llm.xmx} (default {@code 2g}). Run with {@code -Pslow -Dtest=LargeCheckpointBenchmark}.
 */
@Tag("slow")
class LargeCheckpointBenchmark {

    private static final long MB = 1 << 20;
    private static final long RSS_LIMIT_MB = 4096;

    /** One timed {@code cp -r}: wall seconds, the sync after it, its CPU seconds. */
    private record CopyRun(double seconds, double syncSeconds, double cpuSeconds) {
    }

    /** One pruning JVM: wall seconds, the sync after it, peak RSS, and the child's own figures. */
    private record PruneRun(double seconds, double syncSeconds, long hwmMb, long polledMb, Map<String, String> child) {

        double phase(String key) {
            return Double.parseDouble(child.get(key));
        }
    }

    @Test
    void prunesA3bCheckpointUnder2gOfHeapNearTheSpeedOfCopyingIt() throws Exception {
        String shape = System.getProperty("bonsai.bench.llm.shape", "3b");
        int layers = Integer.getInteger("bonsai.bench.llm.layers", shape.equals("70b") ? 80 : 28);
        int rounds = Integer.getInteger("bonsai.bench.llm.rounds", 3);
        double ratio = Double.parseDouble(System.getProperty("bonsai.bench.llm.ratio", "0.25"));
        String xmx = System.getProperty("bonsai.bench.llm.xmx", "2g");
        Path parent = Path.of(System.getProperty("bonsai.bench.llm.dir", System.getProperty("java.io.tmpdir")));
        Path work = Files.createTempDirectory(parent, "bonsai-llm-bench");
        StringBuilder report = new StringBuilder();
        try {
            Path source = work.resolve("source");
            long t0 = System.nanoTime();
            SyntheticCheckpoint.write(source, config(shape, layers), TensorType.BF16, HfWriter.DEFAULT_SHARD_BYTES);
            double generate = (System.nanoTime() - t0) / 1e9;
            List<CopyRun> copies = new ArrayList<>();
            List<PruneRun> prunes = new ArrayList<>();
            List<Double> loads = new ArrayList<>();
            Path out = work.resolve("pruned");
            for (int k = 0; k < rounds; k++) {
                copies.add(copy(source, work.resolve("copy")));
                prunes.add(prune(source, out, ratio, xmx));
                loads.add(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                LlmConfig after = ConfigReader.read(out.resolve(HfFolder.CONFIG));
                assertThat(after.layers()).allMatch(l -> l.equals(after.layers().get(0)));
                if (k == rounds - 1) {
                    LlmConfig before = ConfigReader.read(source.resolve(HfFolder.CONFIG));
                    report.append(summary(shape + ", " + layers + " layers", before, after, source, out, ratio, xmx,
                            generate));
                }
                deleteTree(out);
            }
            report.append(rounds(copies, prunes, loads));
            assertThat(prunes).allMatch(p -> p.hwmMb() < RSS_LIMIT_MB && p.polledMb() < RSS_LIMIT_MB);
        } finally {
            deleteTree(work);
        }
        Path dir = Files.createDirectories(Path.of("target", "benchmarks"));
        Files.writeString(dir.resolve("llm-larger-than-ram.md"), report);
        System.out.print(report);
    }

    /** Times {@code cp -r} and the {@code sync} after it, syncing before; deletes the copy. */
    private static CopyRun copy(Path source, Path copy) throws IOException, InterruptedException {
        run("sync");
        long c0 = System.nanoTime();
        double cpu0 = childrenCpuSeconds();
        run("cp", "-r", source.toString(), copy.toString());
        double seconds = (System.nanoTime() - c0) / 1e9;
        double cpu = childrenCpuSeconds() - cpu0;
        long c1 = System.nanoTime();
        run("sync");
        double sync = (System.nanoTime() - c1) / 1e9;
        deleteTree(copy);
        return new CopyRun(seconds, sync, cpu);
    }

    /** Runs {@link LargeCheckpointPrune} in a child JVM, syncing before, sampling its RSS. */
    private static PruneRun prune(Path source, Path out, double ratio, String xmx)
            throws IOException, InterruptedException {
        run("sync");
        long p0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                LargeCheckpointPrune.class.getName(), source.toString(), out.toString(), Double.toString(ratio))
                .redirectErrorStream(true);
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process child = pb.start();
        child.getOutputStream().close();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(child.getInputStream().readAllBytes()));
            } catch (IOException e) {
                output.append(e);
            }
        });
        reader.start();
        long peakKb = 0;
        Path status = Path.of("/proc", Long.toString(child.pid()), "status");
        while (!child.waitFor(20, TimeUnit.MILLISECONDS)) {
            peakKb = Math.max(peakKb, kb(status, "VmRSS"));
        }
        reader.join();
        double seconds = (System.nanoTime() - p0) / 1e9;
        long p1 = System.nanoTime();
        run("sync");
        double sync = (System.nanoTime() - p1) / 1e9;
        assertThat(child.exitValue()).as(output.toString()).isZero();
        Matcher m = Pattern.compile("result (.*)").matcher(output);
        assertThat(m.find()).as(output.toString()).isTrue();
        Map<String, String> figures = new HashMap<>();
        for (String kv : m.group(1).trim().split(" ")) {
            figures.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return new PruneRun(seconds, sync, Long.parseLong(figures.get("vmhwm_kb")) / 1024, peakKb / 1024, figures);
    }

    /**
     * Llama-3.2-3B's config ({@code 3b}) or Llama-3.1-70B's ({@code 70b}: hidden 8192, 64 heads
     * and 8 key/value heads of 128, MLP 28672, untied), with a chosen layer count.
     */
    private static String config(String shape, int layers) {
        boolean large = switch (shape) {
            case "3b" -> false;
            case "70b" -> true;
            default -> throw new IllegalArgumentException("bonsai.bench.llm.shape: 3b or 70b, found " + shape);
        };
        return "{\"model_type\":\"llama\",\"architectures\":[\"LlamaForCausalLM\"],\"hidden_size\":"
                + (large ? 8192 : 3072) + ",\"intermediate_size\":" + (large ? 28672 : 8192)
                + ",\"num_hidden_layers\":" + layers + ",\"num_attention_heads\":" + (large ? 64 : 24)
                + ",\"num_key_value_heads\":8,\"head_dim\":128,\"vocab_size\":128256,\"rms_norm_eps\":1e-5,"
                + "\"rope_theta\":500000.0,\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":"
                + (large ? 8.0 : 32.0) + ",\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
                + "\"original_max_position_embeddings\":8192},\"max_position_embeddings\":131072,"
                + "\"tie_word_embeddings\":" + !large + ",\"torch_dtype\":\"bfloat16\"}";
    }

    private static String summary(String shape, LlmConfig before, LlmConfig after, Path source, Path out,
            double ratio, String xmx, double generate) throws IOException {
        StringBuilder s = new StringBuilder("| figure | value |\n|---|---|\n");
        s.append(String.format(Locale.ROOT, "| shape | %s, ratio %s, -Xmx%s |%n", shape, ratio, xmx));
        s.append(String.format(Locale.ROOT, "| params | %,d → %,d |%n", params(before), params(after)));
        s.append(String.format(Locale.ROOT, "| files | %,d MiB in %d shards → %,d MiB in %d shards |%n",
                bytes(source) / MB, shards(source), bytes(out) / MB, shards(out)));
        s.append(String.format(Locale.ROOT, "| layer after | %s |%n", after.layers().get(0)));
        s.append(String.format(Locale.ROOT, "| generating the checkpoint | %.1f s |%n%n", generate));
        return s.toString();
    }

    private static String rounds(List<CopyRun> copies, List<PruneRun> prunes, List<Double> loads) {
        StringBuilder s = new StringBuilder("| round | cp -r | prune (whole JVM) | read / score + prune / write"
                + " | prune ÷ cp | peak RSS (VmHWM / polled) | load after |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int k = 0; k < copies.size(); k++) {
            CopyRun c = copies.get(k);
            PruneRun p = prunes.get(k);
            s.append(String.format(Locale.ROOT, "| %d | %.1f s (CPU %.1f s; sync %.1f s) | %.1f s (sync %.1f s)"
                    + " | %.1f / %.1f / %.1f s (CPU %.1f / %.1f / %.1f s) | %.2f× | %,d / %,d MiB | %.1f |%n",
                    k + 1, c.seconds(), c.cpuSeconds(), c.syncSeconds(), p.seconds(), p.syncSeconds(),
                    p.phase("read_s"), p.phase("score_prune_s"), p.phase("write_s"), p.phase("read_cpu_s"),
                    p.phase("score_prune_cpu_s"), p.phase("write_cpu_s"), p.seconds() / c.seconds(), p.hwmMb(),
                    p.polledMb(), loads.get(k)));
        }
        double copyMedian = median(copies, CopyRun::seconds);
        double pruneMedian = median(prunes, PruneRun::seconds);
        double copyMin = copies.stream().mapToDouble(CopyRun::seconds).min().orElseThrow();
        double pruneMin = prunes.stream().mapToDouble(PruneRun::seconds).min().orElseThrow();
        s.append(String.format(Locale.ROOT, "%nMedian: cp -r %.1f s, prune %.1f s, **%.2f×**; minimum: cp -r %.1f s,"
                + " prune %.1f s, %.2f×. Peak RSS of the pruning JVM: at most %,d MiB.%n", copyMedian, pruneMedian,
                pruneMedian / copyMedian, copyMin, pruneMin, pruneMin / copyMin,
                prunes.stream().mapToLong(p -> Math.max(p.hwmMb(), p.polledMb())).max().orElseThrow()));
        return s.toString();
    }

    private static <T> double median(List<T> runs, ToDoubleFunction<T> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The CPU seconds (user + system) of this process's ended children ({@code /proc/self/stat}). */
    private static double childrenCpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // cutime and cstime are fields 16 and 17 of stat; this array starts at field 3
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
    }

    private static long params(LlmConfig c) {
        return TensorLayout.shapes(c).values().stream().mapToLong(Shape::size).sum();
    }

    private static long bytes(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            long total = 0;
            for (Path f : s.collect(Collectors.toList())) {
                total += Files.size(f);
            }
            return total;
        }
    }

    private static long shards(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".safetensors")).count();
        }
    }

    private static long kb(Path status, String field) {
        try {
            Matcher m = Pattern.compile(field + ":\\s+(\\d+) kB").matcher(Files.readString(status));
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (IOException e) {
            return 0; // the process has just ended
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path p : all) {
            Files.delete(p);
        }
    }
}
