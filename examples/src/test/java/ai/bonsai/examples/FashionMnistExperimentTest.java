package ai.bonsai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.cli.BonsaiCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment end to end on a few synthetic images, through {@code bonsai experiment}. */
class FashionMnistExperimentTest {

    private static final Pattern MAGNITUDE_ROW =
            Pattern.compile("\\| magnitude \\(L2\\) \\| 0\\.\\d+ \\| [\\d,]+ \\| ([\\d,]+) \\| (\\d+\\.\\d+)× \\|");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return BonsaiCli.execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void writesTheTableWithTheBaseAndTheMagnitudeRows() throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        IdxFiles.writeSyntheticFashionMnist(data, 48, 16);
        Path table = dir.resolve("BENCHMARKS.md");

        int status = run("experiment", "fashion-mnist", "--data", data.toString(),
                "--out", table.toString(), "--train-images", "32", "--epochs", "1",
                "--fine-tune-epochs", "1", "--batch-size", "16", "--latency-runs", "1",
                "--latency-batch", "2");

        assertThat(status).as(err.toString()).isZero();
        String markdown = Files.readString(table);
        assertThat(markdown)
                .contains("bonsai experiment fashion-mnist --data " + data + " --out " + table
                        + " --train-images 32 --test-images 10000 --epochs 1")
                .contains("on the first 32 training images; accuracy is top-1 on the first 10,000")
                .contains("| base (unpruned) | — | 77,754 | 9,537,226 | 1.00× | — |");
        Matcher row = MAGNITUDE_ROW.matcher(markdown);
        assertThat(row.find()).as(markdown).isTrue();
        long prunedMacs = Long.parseLong(row.group(1).replace(",", ""));
        assertThat(prunedMacs).isLessThanOrEqualTo(9_537_226 / 2);
        assertThat(Double.parseDouble(row.group(2))).isGreaterThanOrEqualTo(2.0);
        assertThat(out.toString()).contains("base", "epoch 1/1", "magnitude (L2) fine-tune",
                "wrote " + table);
    }

    @Test
    void missingDataExitsWithOneAndSaysHowToGetThem() {
        Path missing = dir.resolve("fashion-mnist");

        int status = run("experiment", "fashion-mnist", "--data", missing.toString(),
                "--out", dir.resolve("B.md").toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).startsWith("bonsai: --data: Fashion-MNIST folder '" + missing
                + "' does not exist; install them with 'apt-get install dataset-fashion-mnist'");
        assertThat(dir.resolve("B.md")).doesNotExist();
    }
}
