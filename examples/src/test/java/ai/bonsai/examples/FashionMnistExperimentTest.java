package ai.bonsai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment end to end on a few synthetic images, through {@code bonsai experiment}. */
class FashionMnistExperimentTest {

    private static final Pattern VARIANT_ROW = Pattern.compile(
            "\\| ([a-z-]+ \\([\\w ]+\\)) \\| 0\\.\\d+ \\| [\\d,]+ \\| ([\\d,]+) \\| (\\d+\\.\\d+)× \\|");

    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner();

    /** Trains the base and three variants end to end (about 80 s on 2 cores). */
    @Test
    @Tag("slow")
    void writesTheTableWithTheBaseAndTheThreeVariantRows() throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        IdxFiles.writeSyntheticFashionMnist(data, 48, 16);
        Path table = dir.resolve("BENCHMARKS.md");

        int status = cli.run("experiment", "fashion-mnist", "--data", data.toString(),
                "--out", table.toString(), "--train-images", "32", "--epochs", "1",
                "--sparse-epochs", "1", "--fine-tune-epochs", "1", "--batch-size", "16",
                "--latency-runs", "1", "--latency-batch", "2");

        assertThat(status).as(cli.err()).isZero();
        String markdown = Files.readString(table);
        assertThat(markdown)
                .contains("bonsai experiment fashion-mnist --data " + data + " --out " + table
                        + " --train-images 32 --test-images 10000 --epochs 1")
                .contains("on the first 32 training images; accuracy is top-1 on the first 10,000")
                .contains("| base (unpruned) | — | 77,754 | 9,537,226 | 1.00× | — |");
        Matcher row = VARIANT_ROW.matcher(markdown);
        List<String> names = new ArrayList<>();
        while (row.find()) {
            names.add(row.group(1));
            long prunedMacs = Long.parseLong(row.group(2).replace(",", ""));
            assertThat(prunedMacs).as(row.group(1)).isLessThanOrEqualTo(9_537_226 / 2)
                    .isGreaterThan(9_537_226 * 2 / 5);
            assertThat(Double.parseDouble(row.group(3))).isGreaterThanOrEqualTo(2.0);
        }
        assertThat(names).as(markdown)
                .containsExactly("magnitude (L2)", "bnscale (sparse)", "group-norm (sparse)");
        assertThat(markdown.lines().filter(l -> l.startsWith("| ")))
                .as("header, base and three variants").hasSize(1 + 1 + 3);
        assertThat(markdown).contains("- **group-norm (sparse)**: sparse training with"
                + " `GroupNormRegularizer`", "raised to 0.01 (bnscale) and 0.005 (group_norm)");
        assertThat(cli.out()).contains("base", "epoch 1/1", "magnitude (L2) fine-tune",
                "bnscale (sparse) sparse", "group-norm (sparse) sparse",
                "group-norm (sparse) fine-tune", "wrote " + table);
    }

    @Test
    void missingDataIsAUsageErrorThatSaysHowToGetThem() {
        Path missing = dir.resolve("fashion-mnist");

        int status = cli.run("experiment", "fashion-mnist", "--data", missing.toString(),
                "--out", dir.resolve("B.md").toString());

        assertThat(status).isEqualTo(2);
        assertThat(cli.err()).startsWith("bonsai: --data: Fashion-MNIST folder '" + missing
                + "' does not exist; install them with 'apt-get install dataset-fashion-mnist'");
        assertThat(dir.resolve("B.md")).doesNotExist();
    }
}
