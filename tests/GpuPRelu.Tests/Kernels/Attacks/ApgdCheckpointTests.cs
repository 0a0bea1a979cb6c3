using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class ApgdCheckpointTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void MatchesReference(string device, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var s = new BatchShape(2, 12, 4, 1, 1, 0, 0);
        int cells = s.Networks * s.Samples * s.Inputs, rows = s.Networks * s.Samples;
        float[] Vector(int n) => NetworkCase.Normal(rng, n, 1.0);
        var (u, du, uBest, duBest) = (Vector(cells), Vector(cells), Vector(cells), Vector(cells));
        // small integer state: every combination of the two halving conditions occurs among the rows
        var state = new float[rows * ApgdState.Width];
        for (int r = 0; r < rows; r++)
        {
            state[r * ApgdState.Width + ApgdState.Eta] = 0.5f + rng.Next(4);
            state[r * ApgdState.Width + ApgdState.LossBest] = rng.Next(3);
            state[r * ApgdState.Width + ApgdState.LossBestCheckpoint] = rng.Next(3);
            state[r * ApgdState.Width + ApgdState.Increases] = rng.Next(10);
            state[r * ApgdState.Width + ApgdState.Reduced] = rng.Next(2);
        }
        var broken = Enumerable.Range(0, rows).Select(_ => rng.Next(5) == 0 ? 1 : 0).ToArray();
        const float threshold = 0.75f * 7; // ρ·k for a window of 7: halve on ≤ 5 increases
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (uView, duView, stateView) = (arrays.Upload(u), arrays.Upload(du), arrays.Upload(state));
        dev.AttackKernels.ApgdCheckpoint(s, threshold, uView, duView, arrays.Upload(uBest), arrays.Upload(duBest), stateView, arrays.Upload(broken));
        var (eu, edu, es) = ApgdCheckpointReference.Run(s, threshold, NetworkCase.Wide(u), NetworkCase.Wide(du), NetworkCase.Wide(uBest),
            NetworkCase.Wide(duBest), NetworkCase.Wide(state), broken);
        Close.Assert(eu, DeviceArrays.Download(uView), what: $"u (seed {seed})");
        Close.Assert(edu, DeviceArrays.Download(duView), what: $"g (seed {seed})");
        Close.Assert(es, DeviceArrays.Download(stateView), what: $"state (seed {seed})");
    }
}
