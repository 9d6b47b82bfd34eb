package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
 * streaming into a temporary folder, copied with {@code cp -r} on the same disk (the baseline),
 * pruned in a child JVM with {@code -Xmx2g} by {@link LargeCheckpointPrune} (family default:
 * uniform, GQA-aware heads + MLP channels, magnitude) while its resident memory is sampled every
 * 20 ms (the child also reports its VmHWM), and copied again; the ratio is against the mean of
 * the two copies, so that a change of disk load during the run hits both sides. {@code sync} runs
 * before each timed step, so that none inherits another's write-back, and the seconds of a {@code
 * sync} right after each are reported too. The folders are deleted at the end. Results go to {@code
 * target/benchmarks/llm-larger-than-ram.md}.
 *
 * <p>Properties: {@code bonsai.bench.llm.dir} (parent of the temporary folder, default the
 * system's temporary folder), {@code bonsai.bench.llm.shape} ({@code 3b}, the default, or {@code
 * 70b}: Llama-3.1-70B's widths, untied, to check a 70 B model's memory on a few of its layers),
 * {@code bonsai.bench.llm.layers} (default 28 for 3b, 80 for 70b; fewer for a quick run), {@code bonsai.bench.llm.ratio} (default 0.25), {@code bonsai.bench.llm.xmx} (default
 * {@code 2g}). Run with {@code -Pslow -Dtest=LargeCheckpointBenchmark}.
 */
@Tag("slow")
class LargeCheckpointBenchmark {

    private static final long MB = 1 << 20;

    @Test
    void prunesA3bCheckpointUnder2gOfHeapNearTheSpeedOfCopyingIt() throws Exception {
        String shape = System.getProperty("bonsai.bench.llm.shape", "3b");
        int layers = Integer.getInteger("bonsai.bench.llm.layers", shape.equals("70b") ? 80 : 28);
        double ratio = Double.parseDouble(System.getProperty("bonsai.bench.llm.ratio", "0.25"));
        String xmx = System.getProperty("bonsai.bench.llm.xmx", "2g");
        Path parent = Path.of(System.getProperty("bonsai.bench.llm.dir", System.getProperty("java.io.tmpdir")));
        Path work = Files.createTempDirectory(parent, "bonsai-llm-bench");
        Map<String, String> r = new TreeMap<>();
        try {
            Path source = work.resolve("source");
            long t0 = System.nanoTime();
            SyntheticCheckpoint.write(source, config(shape, layers), TensorType.BF16, HfWriter.DEFAULT_SHARD_BYTES);
            r.put("generate_s", seconds(t0));
            copy(source, work.resolve("copy"), "copy_before", r);
            Path out = work.resolve("pruned");
            long p0 = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + xmx, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                    LargeCheckpointPrune.class.getName(), source.toString(), out.toString(), Double.toString(ratio))
                    .redirectErrorStream(true);
            pb.environment().put("OPT_OUT_TRACKING", "true");
            Process child = pb.start();
            child.getOutputStream().close();
            long peakRss = 0;
            Path status = Path.of("/proc", Long.toString(child.pid()), "status");
            StringBuilder output = new StringBuilder();
            Thread reader = new Thread(() -> {
                try {
                    output.append(new String(child.getInputStream().readAllBytes()));
                } catch (IOException e) {
                    output.append(e);
                }
            });
            reader.start();
            while (!child.waitFor(20, TimeUnit.MILLISECONDS)) {
                peakRss = Math.max(peakRss, kb(status, "VmRSS"));
            }
            reader.join();
            r.put("prune_s", seconds(p0));
            long p1 = System.nanoTime();
            run("sync");
            r.put("prune_sync_s", seconds(p1));
            copy(source, work.resolve("copy"), "copy_after", r);
            assertThat(child.exitValue()).as(output.toString()).isZero();
            Matcher m = Pattern.compile("result (.*)").matcher(output);
            assertThat(m.find()).as(output.toString()).isTrue();
            for (String kv : m.group(1).trim().split(" ")) {
                r.put("child_" + kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            r.put("polled_peak_rss_mb", Long.toString(peakRss / 1024));
            LlmConfig before = ConfigReader.read(source.resolve(HfFolder.CONFIG));
            LlmConfig after = ConfigReader.read(out.resolve(HfFolder.CONFIG));
            r.put("params_before", Long.toString(params(before)));
            r.put("params_after", Long.toString(params(after)));
            r.put("bytes_before", Long.toString(bytes(source)));
            r.put("bytes_after", Long.toString(bytes(out)));
            r.put("shards_before", Long.toString(shards(source)));
            r.put("shards_after", Long.toString(shards(out)));
            r.put("shape", shape + ", " + layers + " layers");
            r.put("layer_after", after.layers().get(0).toString());
            r.put("ratio", Double.toString(ratio));
            r.put("xmx", xmx);
            r.put("load_average_end", String.format(Locale.ROOT, "%.1f",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            assertThat(after.layers()).allMatch(l -> l.equals(after.layers().get(0)));
        } finally {
            deleteTree(work);
        }
        Path dir = Files.createDirectories(Path.of("target", "benchmarks"));
        String report = report(r);
        Files.writeString(dir.resolve("llm-larger-than-ram.md"), report);
        System.out.print(report);
    }

    /** Times {@code cp -r} and the {@code sync} after it, syncing before; deletes the copy. */
    private static void copy(Path source, Path copy, String key, Map<String, String> r)
            throws IOException, InterruptedException {
        run("sync");
        long c0 = System.nanoTime();
        double cpu0 = childrenCpuSeconds();
        run("cp", "-r", source.toString(), copy.toString());
        r.put(key + "_s", seconds(c0));
        r.put(key + "_cpu_s", String.format(Locale.ROOT, "%.2f", childrenCpuSeconds() - cpu0));
        long c1 = System.nanoTime();
        run("sync");
        r.put(key + "_sync_s", seconds(c1));
        deleteTree(copy);
        run("sync");
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

    private static String report(Map<String, String> r) {
        double before = Double.parseDouble(r.get("copy_before_s"));
        double after = Double.parseDouble(r.get("copy_after_s"));
        double copy = (before + after) / 2;
        double copyAll = copy + (Double.parseDouble(r.get("copy_before_sync_s"))
                + Double.parseDouble(r.get("copy_after_sync_s"))) / 2;
        double prune = Double.parseDouble(r.get("prune_s"));
        double pruneAll = prune + Double.parseDouble(r.get("prune_sync_s"));
        long hwm = Long.parseLong(r.get("child_vmhwm_kb")) / 1024;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "| shape | %s |%n", r.get("shape")));
        s.append(String.format(Locale.ROOT, "| params | %,d → %,d |%n", Long.parseLong(r.get("params_before")),
                Long.parseLong(r.get("params_after"))));
        s.append(String.format(Locale.ROOT, "| files | %,d MB in %s shards → %,d MB in %s shards |%n",
                Long.parseLong(r.get("bytes_before")) / MB, r.get("shards_before"),
                Long.parseLong(r.get("bytes_after")) / MB, r.get("shards_after")));
        s.append(String.format(Locale.ROOT, "| layer after | %s |%n", r.get("layer_after")));
        s.append(String.format(Locale.ROOT, "| peak RSS of the pruning JVM (-Xmx%s) | %,d MB (VmHWM); %,d MB polled |%n",
                r.get("xmx"), hwm, Long.parseLong(r.get("polled_peak_rss_mb"))));
        s.append(String.format(Locale.ROOT, "| cp -r, before / after the pruning | %.1f / %.1f s (+ sync: %s / %s s;"
                + " CPU %s / %s s) |%n", before, after, r.get("copy_before_sync_s"), r.get("copy_after_sync_s"),
                r.get("copy_before_cpu_s"), r.get("copy_after_cpu_s")));
        s.append(String.format(Locale.ROOT, "| prune, whole child JVM | %.1f s (+ sync: %s s) |%n", prune,
                r.get("prune_sync_s")));
        s.append(String.format(Locale.ROOT, "| of which read / score + prune / write | %s / %s / %s s (CPU %s / %s / %s s) |%n",
                r.get("child_read_s"), r.get("child_score_prune_s"), r.get("child_write_s"),
                r.get("child_read_cpu_s"), r.get("child_score_prune_cpu_s"), r.get("child_write_cpu_s")));
        s.append(String.format(Locale.ROOT, "| prune ÷ mean copy | %.2f× (%.2f× with the syncs) |%n", prune / copy,
                pruneAll / copyAll));
        s.append(String.format(Locale.ROOT, "| generating the checkpoint | %s s |%n", r.get("generate_s")));
        s.append(String.format(Locale.ROOT, "| load average at the end | %s |%n", r.get("load_average_end")));
        return "| figure | value |\n|---|---|\n" + s;
    }

    /** The CPU seconds (user + system) of this process's ended children ({@code /proc/self/stat}). */
    private static double childrenCpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 16 and 17 of stat (cutime, cstime), counted here from field 3
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
    }

    private static long params(LlmConfig c) {
        return TensorLayout.shapes(c).values().stream().mapToLong(ai.djl.ndarray.types.Shape::size).sum();
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

    private static String seconds(long start) {
        return String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9);
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
