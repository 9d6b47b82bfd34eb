package ai.bonsai.onnx;

import ai.bonsai.api.model.ModelFormatException;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * An ONNX model file, memory-mapped and parsed without copying tensor bytes: {@code raw_data}
 * fields stay views of the mapping until they are decoded into arrays (the mapping is wrapped as
 * an immutable byte string so that protobuf's aliasing applies).
 *
 * @param path the file
 * @param model the parsed model
 * @param opset the default-domain opset version
 * @param sha256Hex the file's SHA-256, hex, computed in the background while the model is imported
 */
record OnnxModelFile(Path path, ModelProto model, long opset, CompletableFuture<String> sha256Hex) {

    private static final Executor HASHING = task -> {
        Thread t = new Thread(task, "bonsai-onnx-sha256");
        t.setDaemon(true);
        t.start();
    };

    /** The oldest IR version read. */
    static final long MIN_IR = 3;
    /** The newest IR version read. */
    static final long MAX_IR = 10;
    /** The oldest default-domain opset read. */
    static final long MIN_OPSET = 7;
    /** The newest default-domain opset read. */
    static final long MAX_OPSET = 21;

    /**
     * Maps and parses a model file, checking its IR version and opset.
     *
     * @param path the file
     * @return the model
     * @throws ModelFormatException naming the file and the field at fault
     */
    static OnnxModelFile open(Path path) {
        MappedByteBuffer bytes;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new ModelFormatException(path + ": " + ch.size() + " bytes is more than an "
                        + "ONNX protobuf may hold (2 GiB); keep large weights as external data");
            }
            bytes = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        } catch (IOException e) {
            throw new ModelFormatException(path + ": cannot read: " + e.getMessage(), e);
        }
        ModelProto model;
        try {
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes.duplicate()).newCodedInput();
            in.enableAliasing(true);
            in.setSizeLimit(Integer.MAX_VALUE);
            in.setRecursionLimit(200);
            model = ModelProto.parseFrom(in);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(path + ": not a valid ONNX model (protobuf: "
                    + e.getMessage() + ")", e);
        }
        if (!model.hasGraph()) {
            throw new ModelFormatException(path + ": field 'graph' is missing");
        }
        long ir = model.getIrVersion();
        if (ir < MIN_IR || ir > MAX_IR) {
            throw new ModelFormatException(path + ": ir_version " + ir + " is not supported ("
                    + MIN_IR + " to " + MAX_IR + ")");
        }
        long opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new ModelFormatException(path + ": opset_import of the default domain is "
                    + (opset < 0 ? "missing" : String.valueOf(opset)) + "; opsets " + MIN_OPSET
                    + " to " + MAX_OPSET + " are supported");
        }
        MappedByteBuffer hashed = bytes;
        return new OnnxModelFile(path, model, opset,
                CompletableFuture.supplyAsync(() -> sha256(hashed), HASHING));
    }

    /**
     * Returns the file's SHA-256, waiting for the background hashing started by {@link #open}.
     *
     * @return the hash, hex
     */
    String sha256() {
        return sha256Hex.join();
    }

    private static String sha256(MappedByteBuffer bytes) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes.duplicate());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
