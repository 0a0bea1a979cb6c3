using GpuPRelu.Devices;
using GpuPRelu.Kernels;
using GpuPRelu.Random;

namespace GpuPRelu.Models;

/// <summary>B pReLU networks of equal shape (D, H, C) in one set of device buffers: the packed parameters
/// θ = [W (B·D·H) | V (B·H·C) | b (B·C)], each network's p and input center.</summary>
public sealed class NetworkBatch : IDisposable
{
    /// <summary>Allocates the batch on the device from host arrays (θ packed as above, centers [B, D]).</summary>
    public NetworkBatch(ComputeDevice device, BatchShape shape, IReadOnlyList<NetworkInfo> networks, float[] theta, float[] centers)
    {
        if (networks.Count != shape.Networks)
            throw new ArgumentException($"{networks.Count} network descriptions for a batch of {shape.Networks}", nameof(networks));
        if (theta.Length != shape.ParameterCount)
            throw new ArgumentException($"theta has {theta.Length} values; the shape needs {shape.ParameterCount}", nameof(theta));
        if (centers.Length != shape.Networks * shape.Inputs)
            throw new ArgumentException($"centers has {centers.Length} values; the shape needs {shape.Networks * shape.Inputs}", nameof(centers));
        ArgumentNullException.ThrowIfNull(device);
        // the parameters alone beyond the device's budget: refused before the first buffer exists
        if (MemoryPlan.NetworkBytes(shape) > device.MemoryBudget)
        {
            throw new InsufficientMemoryException($"{shape.Networks} network(s) of D {shape.Inputs}, H {shape.Hidden}, C {shape.Outputs} need "
                + $"{MemoryPlan.NetworkBytes(shape) / 1048576.0:0.#} MiB of parameters but the device budget is {device.MemoryBudget / 1048576.0:0.#} MiB");
        }
        Device = device;
        Shape = shape with { Samples = 0 };
        Networks = networks;
        Theta = device.Allocate(theta);
        P = device.Allocate([.. networks.Select(n => (float)n.P)]);
        Center = device.Allocate(centers);
    }

    /// <summary>The device the buffers live on.</summary>
    public ComputeDevice Device { get; }

    /// <summary>B, D, H, C and the bias and input-normalization switches (Samples is 0 here).</summary>
    public BatchShape Shape { get; }

    /// <summary>One description per network, in batch order.</summary>
    public IReadOnlyList<NetworkInfo> Networks { get; }

    /// <summary>Packed parameters [W | V | b].</summary>
    public DeviceBuffer<float> Theta { get; }

    /// <summary>p of each network [B].</summary>
    public DeviceBuffer<float> P { get; }

    /// <summary>Input center of each network [B, D] (zeros when none).</summary>
    public DeviceBuffer<float> Center { get; }

    /// <summary>Initial packed parameters for the given networks, a pure function of each network's seed (so p = 1
    /// and p = 3 networks with one seed start from the same weights).</summary>
    public static float[] Initialize(BatchShape shape, IReadOnlyList<NetworkInfo> networks, InitKind init, double scale)
    {
        int B = shape.Networks, D = shape.Inputs, H = shape.Hidden, C = shape.Outputs;
        var theta = new float[shape.ParameterCount];
        double wBound = Math.Sqrt(6.0 / H), vBound = 1.0 / Math.Sqrt(H);
        Parallel.For(0, B, b =>
        {
            long seed = networks[b].Seed;
            for (int i = 0; i < D * H; i++)
            {
                theta[b * D * H + i] = (float)(init == InitKind.Gaussian
                    ? scale * CounterRandom.Normal(seed, RandomPurpose.InitW, i)
                    : wBound * (2 * CounterRandom.Uniform(seed, RandomPurpose.InitW, i) - 1));
            }
            for (int i = 0; i < H * C; i++)
            {
                theta[shape.VOffset + b * H * C + i] = (float)(init == InitKind.Gaussian
                    ? scale * CounterRandom.Normal(seed, RandomPurpose.InitV, i)
                    : vBound * (2 * CounterRandom.Uniform(seed, RandomPurpose.InitV, i) - 1));
            }
            for (int c = 0; c < C && shape.HasBias != 0 && init == InitKind.Kaiming; c++)
                theta[shape.BiasOffset + b * C + c] = (float)(vBound * (2 * CounterRandom.Uniform(seed, RandomPurpose.InitBias, c) - 1));
        });
        return theta;
    }

    /// <summary>The packed parameters copied back to the host.</summary>
    public float[] ThetaToHost() => Theta.ToHost();

    /// <summary>The centers copied back to the host [B, D].</summary>
    public float[] CentersToHost() => Center.ToHost();

    /// <summary>A new batch on the same device holding the given networks (θ and centers copied through the host), in
    /// that order, renumbered 0..k−1 with data sets 0..k−1.</summary>
    public NetworkBatch Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var s = Shape;
        var theta = ThetaToHost();
        var centers = CentersToHost();
        int k = indices.Count, D = s.Inputs, H = s.Hidden, C = s.Outputs;
        var shape = s with { Networks = k };
        var subTheta = new float[shape.ParameterCount];
        var subCenters = new float[k * D];
        for (int i = 0; i < k; i++)
        {
            int b = indices[i];
            Array.Copy(theta, (long)b * D * H, subTheta, (long)i * D * H, (long)D * H);
            Array.Copy(theta, s.VOffset + (long)b * H * C, subTheta, shape.VOffset + (long)i * H * C, (long)H * C);
            Array.Copy(theta, s.BiasOffset + (long)b * C, subTheta, shape.BiasOffset + (long)i * C, C);
            Array.Copy(centers, (long)b * D, subCenters, (long)i * D, D);
        }
        var infos = indices.Select((b, i) => Networks[b] with { Index = i, DataSet = i }).ToList();
        return new NetworkBatch(Device, shape, infos, subTheta, subCenters);
    }

    /// <summary>Whether every parameter of network b in a packed host θ is finite (a diverged network is not).</summary>
    public static bool IsFinite(float[] theta, BatchShape shape, int b)
    {
        ArgumentNullException.ThrowIfNull(theta);
        int D = shape.Inputs, H = shape.Hidden, C = shape.Outputs;
        static bool All(ReadOnlySpan<float> x) => x.IndexOfAnyExceptInRange(float.MinValue, float.MaxValue) < 0;
        return All(theta.AsSpan(b * D * H, D * H)) && All(theta.AsSpan(shape.VOffset + b * H * C, H * C))
            && All(theta.AsSpan(shape.BiasOffset + b * C, C));
    }

    public void Dispose()
    {
        Theta.Dispose();
        P.Dispose();
        Center.Dispose();
    }
}
