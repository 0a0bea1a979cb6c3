using GpuPRelu.Data;
using GpuPRelu.Devices;

namespace GpuPRelu.Training;

/// <summary>S data sets of equal size on the device: X [S, N, D], labels [S, N], the identity row order [S, N], and
/// which set each network reads [B].</summary>
internal sealed class DeviceData : IDisposable
{
    public DeviceData(ComputeDevice device, IReadOnlyList<DataSet> sets, int[] setOfNetwork)
    {
        Samples = sets[0].Samples;
        Inputs = sets[0].Inputs;
        Sets = sets.Count;
        if (sets.Any(s => s.Samples != Samples || s.Inputs != Inputs))
            throw new ArgumentException("all data sets of one batch must have the same number of samples and inputs", nameof(sets));
        X = device.Allocate<float>((long)Sets * Samples * Inputs);
        Y = device.Allocate<int>((long)Sets * Samples);
        for (int k = 0; k < Sets; k++)
        {
            X.Slice((long)k * Samples * Inputs, (long)Samples * Inputs).CopyFromHost(sets[k].X);
            Y.Slice((long)k * Samples, Samples).CopyFromHost(sets[k].Y);
        }
        var identity = new int[Sets * Samples];
        for (int i = 0; i < identity.Length; i++)
            identity[i] = i % Samples;
        Identity = device.Allocate(identity);
        SetOf = device.Allocate(setOfNetwork);
    }

    public int Sets { get; }
    public int Samples { get; }
    public int Inputs { get; }
    public DeviceBuffer<float> X { get; }
    public DeviceBuffer<int> Y { get; }
    public DeviceBuffer<int> Identity { get; }
    public DeviceBuffer<int> SetOf { get; }

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
        Identity.Dispose();
        SetOf.Dispose();
    }
}
