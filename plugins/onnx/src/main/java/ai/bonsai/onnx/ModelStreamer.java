package ai.bonsai.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

/**
 * Serializes a model to a file channel with every initializer's {@code raw_data} written straight
 * from its (native) buffer to the channel, instead of through protobuf's heap buffer: the model's
 * other fields are written first (protobuf accepts fields in any order), then the graph with its
 * initializers framed by hand.
 */
final class ModelStreamer {

    private static final int GRAPH_FIELD = ModelProto.GRAPH_FIELD_NUMBER;
    private static final int INITIALIZER_FIELD = GraphProto.INITIALIZER_FIELD_NUMBER;
    private static final int RAW_DATA_FIELD = TensorProto.RAW_DATA_FIELD_NUMBER;

    private ModelStreamer() {
    }

    /**
     * Writes a model.
     *
     * @param model the model
     * @param channel the open file channel
     * @throws IOException on a write failure
     */
    static void write(ModelProto model, FileChannel channel) throws IOException {
        GraphProto graph = model.getGraph();
        GraphProto structure = graph.toBuilder().clearInitializer().build();
        TensorProto[] headers = new TensorProto[graph.getInitializerCount()];
        int[] tensorSizes = new int[headers.length];
        long graphSize = structure.getSerializedSize();
        for (int i = 0; i < headers.length; i++) {
            TensorProto t = graph.getInitializer(i);
            headers[i] = t.toBuilder().clearRawData().build();
            int raw = t.getRawData().size();
            long size = headers[i].getSerializedSize() + (t.hasRawData()
                    ? CodedOutputStream.computeTagSize(RAW_DATA_FIELD)
                    + CodedOutputStream.computeUInt32SizeNoTag(raw) + (long) raw : 0);
            tensorSizes[i] = Math.toIntExact(size);
            graphSize += CodedOutputStream.computeTagSize(INITIALIZER_FIELD)
                    + CodedOutputStream.computeUInt32SizeNoTag(tensorSizes[i]) + size;
        }
        CodedOutputStream out = CodedOutputStream.newInstance(Channels.newOutputStream(channel), 1 << 16);
        model.toBuilder().clearGraph().build().writeTo(out);
        out.writeTag(GRAPH_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(Math.toIntExact(graphSize));
        structure.writeTo(out);
        for (int i = 0; i < headers.length; i++) {
            TensorProto t = graph.getInitializer(i);
            out.writeTag(INITIALIZER_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(tensorSizes[i]);
            headers[i].writeTo(out);
            if (t.hasRawData()) {
                out.writeTag(RAW_DATA_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(t.getRawData().size());
                out.flush();
                ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer();
                while (raw.hasRemaining()) {
                    channel.write(raw);
                }
            }
        }
        out.flush();
    }
}
