package dev.uqabench.tensor;

import dev.uqabench.base.UqaException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.global.torch;

/** The compute device a command is asked for ({@code --device}): {@code cpu}, {@code cuda} or {@code cuda:N}. */
public final class Devices {

    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d+))?");

    private Devices() {
    }

    /**
     * Accepts {@code cpu}; refuses anything else with one line naming the cause: a malformed name, a machine or a
     * build without CUDA, a GPU index the machine does not have, or (on a CUDA machine) the CUDA path, which this
     * version has not implemented: every stage runs its tensors on the CPU.
     */
    public static void require(String device) {
        if (device == null || device.equals("cpu")) {
            return;
        }
        Matcher cuda = CUDA.matcher(device);
        if (!cuda.matches()) {
            throw new UqaException("--device must be cpu, cuda or cuda:N, got '" + device + "'");
        }
        boolean available;
        try {
            available = torch.cuda_is_available();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            available = false;
        }
        if (!available) {
            throw new UqaException("--device " + device + ": libtorch sees no CUDA device here (the default build carries "
                    + "the CPU natives only; a GPU machine needs the build with -Pgpu and an NVIDIA driver)");
        }
        int index = cuda.group(1) == null ? 0 : Integer.parseInt(cuda.group(1));
        int count = torch.cuda_device_count();
        if (index >= count) {
            throw new UqaException("--device " + device + ": this machine has " + count + " CUDA device(s), 0.." + (count - 1));
        }
        throw new UqaException("--device " + device + ": the CUDA path is not implemented in this version (every stage "
                + "runs on the CPU); run with --device cpu");
    }
}
