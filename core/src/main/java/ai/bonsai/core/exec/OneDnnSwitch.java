package ai.bonsai.core.exec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps libtorch's oneDNN (MKLDNN) kernels off while a pass that will be differentiated is alive,
 * and on otherwise.
 *
 * <p>The oneDNN path inside libtorch 2.7.1 computes a convolution's input gradient from
 * uninitialised memory when the number of output channels is small and not a multiple of 16 (6
 * and 8 out of 16 input channels do, 16, 17 and 32 do not): the gradient is NaN wherever that
 * memory happens to hold a NaN pattern, so it varies from run to run. Pruned models have such channel counts everywhere. PyTorch then
 * computes the same convolutions with its own kernels, the ones {@code
 * torch.backends.mkldnn.enabled = False} selects in Python; this class flips that flag ({@code
 * at::globalContext().setUserEnabledMkldnn}) through JNA, since DJL has no binding for it. The
 * forward half of such a pass runs without oneDNN too, so that its rounding does not depend on
 * what ran before; inference keeps oneDNN, which is two to six times faster on convolutions.
 *
 * <p>Holds are counted: oneDNN is off while at least one is open. {@link #verifyOnce} also checks
 * oneDNN's forward convolutions against PyTorch's own kernels once per process and keeps oneDNN
 * off for good where they differ. Where libtorch's context cannot be reached (another engine),
 * holding does nothing and a warning is logged once.
 */
public final class OneDnnSwitch {

    private static final Logger LOG = LoggerFactory.getLogger(OneDnnSwitch.class);
    private static final String LIBRARY = "torch_cpu";
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_ENABLED = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private static final String ENABLED = "_ZNK2at7Context17userEnabledMkldnnEv";

    /** Input and output channel counts of the self-check's convolutions (pruned-looking widths). */
    private static final int[][] CHECKED_WIDTHS = {{45, 64}, {20, 40}, {13, 32}, {16, 6}, {6, 16},
        {64, 45}, {24, 48}, {3, 8}, {100, 50}, {33, 70}};
    private static final double TOLERANCE = 1e-4;

    private static int holders;
    private static Boolean trusted;
    private static Function setEnabled;
    private static Pointer context;
    private static boolean unavailable;

    private OneDnnSwitch() {
    }

    /**
     * Switches oneDNN off until the returned hold is closed (and every other hold too).
     *
     * @return the hold; closing it twice has no further effect
     */
    public static Hold hold() {
        synchronized (OneDnnSwitch.class) {
            if (holders++ == 0) {
                set(false);
            }
        }
        return new Hold();
    }

    /**
     * Checks once per process that oneDNN's convolutions equal PyTorch's own kernels on this CPU
     * (ten convolutions at batch 8 with pruned-looking widths, about a millisecond each) and, where
     * they do not, holds oneDNN off for the rest of the process. On an AMD EPYC (Zen 5, AVX-512)
     * machine libtorch 2.7.1's oneDNN gave errors of 10 and more (on outputs of standard deviation
     * 20) for 45 → 64 and 20 → 40 channels at batch 8 and above; batch 1 takes PyTorch's kernels
     * and was right.
     */
    public static void verifyOnce() {
        synchronized (OneDnnSwitch.class) {
            if (trusted != null || unavailable) {
                return;
            }
            trusted = Boolean.TRUE;
            double error = selfCheckError();
            if (unavailable || error <= TOLERANCE) {
                set(holders == 0);
                return;
            }
            trusted = Boolean.FALSE;
            holders++;
            set(false);
            LOG.debug("libtorch's oneDNN convolutions differ from PyTorch's own kernels on this CPU "
                    + "(largest relative error {}); oneDNN stays off in this process", error);
        }
    }

    /**
     * Tells whether oneDNN passed the self-check of {@link #verifyOnce}.
     *
     * @return true if it passed or was not checked, false if it failed
     */
    public static synchronized boolean trusted() {
        return trusted == null || trusted;
    }

    private static double selfCheckError() {
        double worst = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] widths : CHECKED_WIDTHS) {
                NDArray x = m.arange(8 * widths[0] * 12 * 12).toType(DataType.FLOAT32, false).sin()
                        .reshape(8, widths[0], 12, 12);
                NDArray w = m.arange(widths[1] * widths[0] * 9).toType(DataType.FLOAT32, false).cos()
                        .reshape(widths[1], widths[0], 3, 3);
                set(true);
                NDArray fast = convolution(x, w);
                set(false);
                NDArray reference = convolution(x, w);
                double scale = Math.max(1e-6, reference.abs().max().getFloat());
                worst = Math.max(worst, fast.sub(reference).abs().max().getFloat() / scale);
            }
        }
        return worst;
    }

    private static NDArray convolution(NDArray x, NDArray w) {
        Shape one = new Shape(1, 1);
        return x.getNDArrayInternal().convolution(x, w, null, one, one, one, 1).singletonOrThrow();
    }

    /**
     * Tells whether oneDNN is held off now.
     *
     * @return true while a hold is open
     */
    public static synchronized boolean held() {
        return holders > 0;
    }

    /**
     * Reads libtorch's own flag (for tests).
     *
     * @return whether libtorch uses oneDNN now
     * @throws UnsatisfiedLinkError if libtorch's context cannot be reached
     */
    static synchronized boolean enabledInLibtorch() {
        NativeLibrary torch = NativeLibrary.getInstance(LIBRARY);
        Pointer ctx = torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
        return torch.getFunction(ENABLED).invokeInt(new Object[] {ctx}) != 0;
    }

    private static synchronized void release() {
        if (--holders == 0) {
            set(true);
        }
    }

    private static void set(boolean enabled) {
        if (unavailable) {
            return;
        }
        try {
            if (setEnabled == null) {
                NativeLibrary torch = NativeLibrary.getInstance(LIBRARY);
                context = torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
                setEnabled = torch.getFunction(SET_ENABLED);
            }
            setEnabled.invokeVoid(new Object[] {context, enabled});
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            unavailable = true;
            LOG.warn("cannot switch libtorch's oneDNN kernels off for backward passes ({}); "
                    + "convolution gradients may then hold NaN", e.toString());
        }
    }

    /** An open hold; closing it releases it. */
    public static final class Hold implements AutoCloseable {

        private boolean open = true;

        private Hold() {
        }

        @Override
        public void close() {
            synchronized (OneDnnSwitch.class) {
                if (open) {
                    open = false;
                    release();
                }
            }
        }
    }
}
