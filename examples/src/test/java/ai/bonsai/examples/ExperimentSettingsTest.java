package ai.bonsai.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Validation of the experiment's settings and the command that repeats a run. */
class ExperimentSettingsTest {

    @Test
    void commandLineSpellsOutEveryOption() {
        ExperimentSettings s = new ExperimentSettings(Path.of("/data"), Path.of("B.md"), 100, 50,
                3, 2, 1, 64, 0.1f, 0.02f, 0.5, 7, 20, 32);

        assertThat(s.commandLine()).isEqualTo("bonsai experiment fashion-mnist --data /data"
                + " --out B.md --train-images 100 --test-images 50 --epochs 3 --sparse-epochs 2"
                + " --fine-tune-epochs 1 --batch-size 64 --lr 0.1 --fine-tune-lr 0.02 --macs 0.5"
                + " --seed 7 --latency-runs 20 --latency-batch 32");
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        assertThatThrownBy(() -> new ExperimentSettings(Path.of("/data"), Path.of("B.md"), 0, 50,
                3, -1, 1, 64, 0.1f, 0.02f, 1.5, 7, 20, 32))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--train-images: must be at least 1, found 0")
                .hasMessageContaining("--sparse-epochs: must be at least 0, found -1")
                .hasMessageContaining("--macs: must be in (0, 1), found 1.5");
    }
}
