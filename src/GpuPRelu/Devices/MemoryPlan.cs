using GpuPRelu.Kernels;

namespace GpuPRelu.Devices;

/// <summary>Device memory planned ahead (docs/design.md §4): what a batch of networks and its rows in flight take, so work that
/// does not fit the device's budget is split into chunks of rows before anything is allocated, and a single network
/// that cannot fit even one row is refused with a message naming the sizes. Counts the engine's own buffers (θ, p,
/// centers; the Workspace per row and per network; an algorithm's extra floats per row), not the driver's overhead.</summary>
public static class MemoryPlan
{
    /// <summary>Bytes of the network batch itself: θ, p and the input centers.</summary>
    public static long NetworkBytes(BatchShape s) => sizeof(float) * (s.ParameterCount + s.Networks + (long)s.Networks * s.Inputs);

    /// <summary>Bytes of a Workspace (the forward/backward intermediates) that do not grow with rows: sums, norms, dθ.</summary>
    public static long WorkspaceFixedBytes(BatchShape s) => sizeof(float) * (2L * s.Networks + (long)s.Networks * s.Hidden + s.ParameterCount);

    /// <summary>Bytes per row of every network in a Workspace: u, label, ‖u‖, z, a, g_z, t, f, g, loss, correct.</summary>
    public static long WorkspaceRowBytes(BatchShape s) =>
        sizeof(float) * (long)s.Networks * (s.Inputs + 4L * s.Hidden + 2L * s.Outputs + 4);

    /// <summary>Bytes per row of every network in the tiled forward's output shares (C per 128 hidden units), the
    /// scratch buffer TiledLaunchers keeps on a GPU; counted everywhere, as it is small.</summary>
    public static long ForwardPartsRowBytes(BatchShape s) => sizeof(float) * (long)s.Networks * s.Outputs * TiledLaunchers.Tiles(s.Hidden);

    /// <summary>The most rows per network that fit `budget` bytes beside the batch and a Workspace, with `extraPerRow`
    /// floats per row of each network (an attack's clean rows, gradients, state); at most `wanted`.</summary>
    /// <exception cref="InsufficientMemoryException">Not even `minimum` rows fit; the message names the sizes.</exception>
    public static int Rows(BatchShape s, long budget, long extraPerRow, int wanted, int minimum, string what)
    {
        long fixedBytes = NetworkBytes(s) + WorkspaceFixedBytes(s);
        long perRow = WorkspaceRowBytes(s) + ForwardPartsRowBytes(s) + sizeof(float) * s.Networks * extraPerRow;
        long fit = budget > fixedBytes ? (budget - fixedBytes) / perRow : 0;
        if (fit < minimum)
        {
            long need = fixedBytes + minimum * perRow;
            throw new InsufficientMemoryException(
                $"{what}: {s.Networks} network(s) of D {s.Inputs}, H {s.Hidden}, C {s.Outputs} need {Mib(need)} MiB for {minimum} row(s) " +
                $"per network ({Mib(NetworkBytes(s))} MiB parameters, {Mib(WorkspaceFixedBytes(s))} MiB fixed workspace, {perRow / s.Networks} " +
                $"bytes per row and network) but the device budget is {Mib(budget)} MiB");
        }
        return (int)Math.Min(wanted, fit);
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
