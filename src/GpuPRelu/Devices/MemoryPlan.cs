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

    /// <summary>The most elements one buffer holds: a .NET array holds at most Array.MaxLength, and the kernels index
    /// with int.</summary>
    public static long MaxElements => Array.MaxLength;

    /// <summary>The host memory a run may plan into: what the runtime may use (container limits included).</summary>
    public static long HostBudget => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Every rule the host arrays of a run break, checked from the sizes alone (in float64, so no size overflows)
    /// before anything is allocated: each array within MaxElements elements, all of them within `budget` bytes. Each
    /// array is (name, elements, bytes per element, how many such arrays); `what` names the run's sizes.</summary>
    public static IReadOnlyList<string> HostErrors(string what, IReadOnlyList<(string Name, double Elements, int Bytes, double Count)> arrays, long budget)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var e = new List<string>();
        foreach (var a in arrays.Where(a => a.Elements > MaxElements))
            e.Add($"{what}: {a.Name} would hold {a.Elements:0.###e+0} values; one array holds at most {MaxElements} (the kernels index with int): make the sizes smaller");
        double total = arrays.Sum(a => a.Elements * a.Bytes * a.Count);
        if (total > budget)
        {
            e.Add($"{what}: needs {Gib(total)} GiB of host memory ({string.Join(", ", arrays.Select(a => $"{a.Name}{(a.Count == 1 ? "" : $" × {a.Count}")} {Gib(a.Elements * a.Bytes * a.Count)} GiB"))}) "
                + $"but the budget is {Gib(budget)} GiB (the memory this process may use): make the sizes smaller");
        }
        return e;
    }

    private static string Gib(double bytes) => (bytes / (1L << 30)).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
