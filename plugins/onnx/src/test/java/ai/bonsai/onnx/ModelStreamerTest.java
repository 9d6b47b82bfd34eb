package ai.bonsai.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStreamerTest {

    @TempDir
    Path dir;

    @Test
    void streamedBytesParseToTheSameModel() throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(OnnxFixtures.onnx("tiny_resnet")));
        Path file = dir.resolve("streamed.onnx");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ModelStreamer.write(model, ch);
        }
        assertThat(ModelProto.parseFrom(Files.readAllBytes(file))).isEqualTo(model);
        assertThat(Files.size(file)).isEqualTo(model.getSerializedSize());
    }
}
