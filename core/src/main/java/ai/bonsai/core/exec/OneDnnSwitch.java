package ai.bonsai.core.exec;

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
 * <p>Holds are counted: oneDNN is off while at least one is open. Where libtorch's context cannot
 * be reached (another engine), holding does nothing and a warning is logged once.
 */
public final class OneDnnSwitch {

    private static final Logger LOG = LoggerFactory.getLogger(OneDnnSwitch.class);
    private static final String LIBRARY = "torch_cpu";
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_ENABLED = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private static final String ENABLED = "_ZNK2at7Context17userEnabledMkldnnEv";

    private static int holders;
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
