using GpuPRelu.Data;
using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Training;

/// <summary>S data sets of equal size on the device: X [S, N, D], labels [S, N], the identity row order [S, N], and
/// which set each network reads [B].</summary>
internal sealed class DeviceData : IDisposable
{
    public DeviceData(Accelerator accelerator, IReadOnlyList<DataSet> sets, int[] setOfNetwork)
    {
        Samples = sets[0].Samples;
        Inputs = sets[0].Inputs;
        Sets = sets.Count;
        if (sets.Any(s => s.Samples != Samples || s.Inputs != Inputs))
            throw new ArgumentException("all data sets of one batch must have the same number of samples and inputs", nameof(sets));
        X = accelerator.Allocate1D<float>((long)Sets * Samples * Inputs);
        Y = accelerator.Allocate1D<int>((long)Sets * Samples);
        for (int k = 0; k < Sets; k++)
        {
            X.View.SubView((long)k * Samples * Inputs, (long)Samples * Inputs).CopyFromCPU(sets[k].X);
            Y.View.SubView((long)k * Samples, Samples).CopyFromCPU(sets[k].Y);
        }
        var identity = new int[Sets * Samples];
        for (int i = 0; i < identity.Length; i++)
            identity[i] = i % Samples;
        Identity = accelerator.Allocate1D(identity);
        SetOf = accelerator.Allocate1D(setOfNetwork);
    }

    public int Sets { get; }
    public int Samples { get; }
    public int Inputs { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> X { get; }
    public MemoryBuffer1D<int, Stride1D.Dense> Y { get; }
    public MemoryBuffer1D<int, Stride1D.Dense> Identity { get; }
    public MemoryBuffer1D<int, Stride1D.Dense> SetOf { get; }

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
        Identity.Dispose();
        SetOf.Dispose();
    }
}
